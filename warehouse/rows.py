"""Write and match rows through the named SQL files: a list of dicts is registered as ``batch``."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from warehouse.queries import query


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The Arrow schema of a warehouse table: rows built as dicts take the table's own column types
    (a column null in every row of a batch would otherwise have no type)."""
    return con.execute(f"select * from {table} limit 0").arrow().schema


def insert_rows(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]], schema: pa.Schema | None = None
) -> None:
    """Run ``warehouse/sql/<name>.sql`` with ``rows`` as the table ``batch`` (nothing when there are none)."""
    if not rows:
        return
    con.register("batch", pa.Table.from_pylist(rows, schema=schema))
    try:
        con.execute(query(name))
    finally:
        con.unregister("batch")


def select_rows(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]], schema: pa.Schema | None = None
) -> list[tuple[Any, ...]]:
    """The answer of ``warehouse/sql/<name>.sql`` asked about ``rows`` (the table ``batch``)."""
    if not rows:
        return []
    con.register("batch", pa.Table.from_pylist(rows, schema=schema))
    try:
        return con.execute(query(name)).fetchall()
    finally:
        con.unregister("batch")
