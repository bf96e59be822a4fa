"""The search index of a lake, in a local DuckDB file: DuckDB's full-text search cannot index a
DuckLake table, and trawl's postings tables are ordinary tables in a trawl warehouse file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import connect
from warehouse.lake.catalog import Lake
from warehouse.lake.connect import attach
from warehouse.lake.publish import run_script
from warehouse.lake.schema import lake_query
from warehouse.search import refresh_search


@dataclass(frozen=True)
class Indexed:
    """What a refresh copied and indexed."""

    documents: int
    versions: int
    indexed: int


def refresh_index(lake: Lake, index: Path) -> Indexed:
    """Bring the local search file ``index`` up to the lake: its documents not copied yet, every
    page version (narrow rows: replaced whole), then the postings of the new documents. ``trawl
    search --db <index>`` then answers as on a single-file warehouse."""
    con = connect(index)
    try:
        attach(con, lake, read_only=True)
        con.execute("begin transaction")
        try:
            before = _counts(con)
            run_script(con, lake_query("copy_lake_to_index"))
            after = _counts(con)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("detach lake")
        indexed = refresh_search(con)
        return Indexed(after[0] - before[0], after[1], indexed)
    finally:
        con.close()


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    row = con.execute("select (select count(*) from documents), (select count(*) from page_versions)").fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
