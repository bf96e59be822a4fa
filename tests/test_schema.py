"""The schema reference warehouse/SCHEMA.md describes every table, view and column the migrations create."""

from __future__ import annotations

from warehouse.db import connect
from warehouse.schema import REFERENCE, expected, missing, parse, relations


def test_reference_matches_the_migrations() -> None:
    current, wanted = expected()
    assert current == wanted, "warehouse/SCHEMA.md is out of date: run `python -m warehouse.schema --write`"
    assert missing(current) == 0, "warehouse/SCHEMA.md has TODO meanings"


def test_every_relation_and_column_is_described() -> None:
    con = connect(":memory:")
    try:
        found = relations(con)
    finally:
        con.close()
    _, documented, _ = parse(REFERENCE.read_text(encoding="utf-8"))
    assert {r.name for r in found} == set(documented)
    for r in found:
        assert [c for c, _ in r.columns] == list(documented[r.name].meanings), r.name
        assert all(documented[r.name].meanings.values()) and documented[r.name].intro


def test_a_new_column_shows_up_as_todo() -> None:
    preamble, documented, tail = parse(REFERENCE.read_text(encoding="utf-8"))
    del documented["runs"].meanings["status"]
    from warehouse.schema import render

    con = connect(":memory:")
    try:
        text = render(relations(con), preamble, documented, tail)
    finally:
        con.close()
    assert missing(text) == 1 and "| `status` | VARCHAR | TODO |" in text
