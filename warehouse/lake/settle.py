"""After every shard has loaded: one writer deletes the rows the lake's views no longer pick,
writes the rows inlined in the catalog to Parquet and merges small files.

DELETE conflicts with any concurrent insert into the same table, so this runs alone (the
planner's last step), never beside the shards; it is retried like a publish all the same."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.lake.catalog import Lake
from warehouse.lake.connect import ALIAS, connect_lake
from warehouse.lake.publish import run_script
from warehouse.lake.retry import in_lake_transaction
from warehouse.lake.schema import ensure_schema, lake_query

TABLES = ("documents", "page_versions", "fetches", "drops", "run_sources")


@dataclass(frozen=True)
class Settled:
    """Rows deleted per landed table, rows flushed from the catalog to Parquet, retries."""

    deleted: dict[str, int]
    flushed: int
    retries: int


def settle(lake: Lake) -> Settled:
    """Delete superseded rows (one transaction), flush inlined data, merge adjacent files."""
    con = connect_lake(lake)
    try:
        retries = ensure_schema(con)

        def delete(_retries: int) -> dict[str, int]:
            before = {t: _count(con, t) for t in TABLES}
            run_script(con, lake_query("delete_superseded"))
            return {t: before[t] - _count(con, t) for t in TABLES}

        deleted = in_lake_transaction(con, delete)
        flushed = sum(int(row[2]) for row in con.execute(f"call ducklake_flush_inlined_data('{ALIAS}')").fetchall())
        con.execute(f"call ducklake_merge_adjacent_files('{ALIAS}')")
        return Settled(deleted.value, flushed, retries + deleted.retries)
    finally:
        con.close()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {ALIAS}.landed.{table}").fetchone()
    return int(row[0]) if row else 0
