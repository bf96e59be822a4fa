"""The source's line and block counts without primary keys (migration 0014): each load's counts
are added to the rows of their keys by a MERGE, one row per key, first_seen kept, last_seen moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from tests.test_load import fetch_rows
from transforms.boilerplate import line_hash
from transforms.records import Article
from warehouse.db import applied, connect, migrate
from warehouse.load import SourceBatch, load_batch
from warehouse.rows import insert_rows

FIRST = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
LATER = FIRST + timedelta(days=1)
MENU = "Home | News | Contact"


def keyed(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of ``table``'s primary key (none once migrated)."""
    rows = con.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where table_name = ? and constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchall()
    return [name for row in rows for name in row[0]]


def line_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select source, line_hash, line, doc_count, first_seen, last_seen from line_counts order by all"
    ).fetchall()


def block_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "select source, block_key, pages, body_pages, line, first_seen, last_seen from block_counts order by all"
    ).fetchall()


def lines(source: str, counts: dict[str, int], at: datetime) -> list[dict[str, Any]]:
    return [
        {"source": source, "line_hash": line_hash(key), "line": key, "doc_count": n, "seen_at": at}
        for key, n in counts.items()
    ]


def blocks(source: str, counts: dict[str, tuple[int, int, str | None]], at: datetime) -> list[dict[str, Any]]:
    return [
        {"source": source, "block_key": key, "pages": on, "body_pages": body, "line": line, "seen_at": at}
        for key, (on, body, line) in counts.items()
    ]


def test_migration_0014_drops_the_keys_and_keeps_every_count(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(db))
    migrate(raw, before=14)
    assert keyed(raw, "line_counts") == ["source", "line_hash"]
    assert keyed(raw, "block_counts") == ["source", "block_key"]
    raw.executemany(
        "insert into line_counts values (?, ?, ?, ?, ?, ?)",
        [
            ["a", line_hash("menu"), "menu", 7, FIRST, FIRST],
            ["a", line_hash("footer"), "footer", 3, FIRST, FIRST],
            ["b", line_hash("menu"), "menu", 2, FIRST, FIRST],  # the same line, another source
        ],
    )
    raw.executemany(
        "insert into block_counts values (?, ?, ?, ?, ?, ?, ?)",
        [
            ["a", "aaaaaaaaaaaa0001", 9, 1, "Menu", FIRST, FIRST],
            ["a", "bbbbbbbbbbbb0002", 5, 0, None, FIRST, FIRST],
            ["b", "aaaaaaaaaaaa0001", 4, 4, "Menu", FIRST, FIRST],
        ],
    )
    before = line_counts(raw), block_counts(raw)
    raw.close()

    con = connect(db)
    assert 14 in applied(con)
    assert (line_counts(con), block_counts(con)) == before  # every row, as it was
    assert keyed(con, "line_counts") == [] and keyed(con, "block_counts") == []
    not_null = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_name in ('line_counts', 'block_counts') and is_nullable = 'NO' order by all"
    ).fetchall()
    assert not_null == [
        ("block_counts", "block_key"),
        ("block_counts", "body_pages"),
        ("block_counts", "first_seen"),
        ("block_counts", "last_seen"),
        ("block_counts", "pages"),
        ("block_counts", "source"),
        ("line_counts", "doc_count"),
        ("line_counts", "first_seen"),
        ("line_counts", "last_seen"),
        ("line_counts", "line"),
        ("line_counts", "line_hash"),
        ("line_counts", "source"),
    ]

    # the migrated rows take the next counts in place: added to, never doubled
    insert_rows(con, "upsert_line_counts", lines("a", {"menu": 2, "new": 1}, LATER))
    assert line_counts(con) == sorted(
        [
            ("a", line_hash("menu"), "menu", 9, FIRST, LATER),
            ("a", line_hash("footer"), "footer", 3, FIRST, FIRST),
            ("a", line_hash("new"), "new", 1, LATER, LATER),
            ("b", line_hash("menu"), "menu", 2, FIRST, FIRST),
        ]
    )
    insert_rows(con, "upsert_block_counts", blocks("b", {"aaaaaaaaaaaa0001": (1, 0, None)}, LATER))
    assert block_counts(con) == [
        ("a", "aaaaaaaaaaaa0001", 9, 1, "Menu", FIRST, FIRST),
        ("a", "bbbbbbbbbbbb0002", 5, 0, None, FIRST, FIRST),
        ("b", "aaaaaaaaaaaa0001", 5, 4, "Menu", FIRST, LATER),
    ]


def test_line_counts_are_added_per_key_first_seen_kept_last_seen_moved(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    insert_rows(con, "upsert_line_counts", lines("a", {"menu": 3, "footer": 1}, FIRST))
    insert_rows(con, "upsert_line_counts", lines("b", {"menu": 5}, FIRST))
    insert_rows(con, "upsert_line_counts", lines("a", {"menu": 2, "share": 4}, LATER))
    assert line_counts(con) == sorted(
        [
            ("a", line_hash("menu"), "menu", 5, FIRST, LATER),
            ("a", line_hash("footer"), "footer", 1, FIRST, FIRST),
            ("a", line_hash("share"), "share", 4, LATER, LATER),
            ("b", line_hash("menu"), "menu", 5, FIRST, FIRST),  # another source's row untouched
        ]
    )
    # a key twice in one step is counted once per row, into one row (never two rows of a key)
    twice = [*lines("a", {"menu": 1}, LATER), *lines("a", {"menu": 2}, LATER)]
    insert_rows(con, "upsert_line_counts", twice)
    assert con.execute(
        "select count(*), sum(doc_count) from line_counts where source = 'a' and line = 'menu'"
    ).fetchall() == [(1, 8)]


def test_block_counts_add_pages_keep_the_smallest_text_and_first_seen(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    first = {
        "k1": (4, 1, None),  # never in an extracted text, then in one
        "k2": (2, 2, "Beta"),  # a smaller text comes
        "k3": (3, 1, "Alpha"),  # a larger one comes
        "k4": (1, 1, "Gamma"),  # no text comes
    }
    insert_rows(con, "upsert_block_counts", blocks("a", first, FIRST))
    insert_rows(con, "upsert_block_counts", blocks("b", {"k1": (6, 0, None)}, FIRST))
    later = {"k1": (1, 1, "Delta"), "k2": (1, 0, "Aleph"), "k3": (2, 2, "Zeta"), "k4": (5, 0, None), "k5": (1, 0, None)}
    insert_rows(con, "upsert_block_counts", blocks("a", later, LATER))
    assert block_counts(con) == [
        ("a", "k1", 5, 2, "Delta", FIRST, LATER),
        ("a", "k2", 3, 2, "Aleph", FIRST, LATER),
        ("a", "k3", 5, 3, "Alpha", FIRST, LATER),
        ("a", "k4", 6, 1, "Gamma", FIRST, LATER),
        ("a", "k5", 1, 0, None, LATER, LATER),
        ("b", "k1", 6, 0, None, FIRST, FIRST),
    ]
    twice = [*blocks("a", {"k5": (1, 1, "Omega")}, LATER), *blocks("a", {"k5": (2, 0, "Eta")}, LATER)]
    insert_rows(con, "upsert_block_counts", twice)
    assert con.execute(
        "select count(*), sum(pages), sum(body_pages), min(line) from block_counts where block_key = 'k5'"
    ).fetchall() == [(1, 4, 1, "Eta")]


def posts(prefix: str, n: int) -> list[Article]:
    return [
        Article(
            url=f"http://a.example/{prefix}-{i}/",
            title=f"{prefix} {i}",
            text=f"{MENU}\nThe story {prefix} number {i}, told once.",
            markdown=f"The story {prefix} number {i}, told once.",
        )
        for i in range(n)
    ]


def test_two_loads_add_their_line_counts_into_one_row(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    first = posts("first", 6)
    load_batch(con, SourceBatch("run1", "a", fetch_rows(first), list(first)), chunk=4)
    (seen,) = con.execute("select first_seen from line_counts where line = 'home | news | contact'").fetchall()
    second = posts("second", 5)
    load_batch(con, SourceBatch("run2", "a", fetch_rows(second), list(second)), chunk=2)
    load_batch(con, SourceBatch("run2", "a", fetch_rows(second), list(second)), chunk=2)  # counted once
    rows = con.execute(
        "select doc_count, first_seen, last_seen > first_seen from line_counts where line = 'home | news | contact'"
    ).fetchall()
    assert rows == [(11, seen[0], True)]
    assert con.execute("select count(*) = count(distinct (source, line_hash)) from line_counts").fetchall() == [(True,)]
