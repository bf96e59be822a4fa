"""The schema reference warehouse/SCHEMA.md describes every table, view and column the migrations create."""

from __future__ import annotations

from pathlib import Path

from warehouse.db import apply_views, connect, views, views_digest
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


def test_views_come_from_their_files_and_an_older_warehouse_gets_the_new_ones(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = connect(db)
    try:
        shipped = [name for name, _ in views()]
        found = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
        assert set(shipped) - {"export_articles", "changed_fields"} == found  # every view is a file (and two macros)
        columns = con.execute("select * from articles limit 0").description
        # a warehouse whose views an older trawl made: another definition, another digest
        con.execute("create or replace view articles as select 1 as stale")
        con.execute("update schema_views set digest = 'older'")
    finally:
        con.close()
    con = connect(db)  # a writer opens it: the shipped views replace the old ones
    try:
        assert con.execute("select * from articles limit 0").description == columns
        assert con.execute("select digest from schema_views").fetchall() == [(views_digest(),)]
        assert apply_views(con) is False  # up to date: nothing to do
    finally:
        con.close()
