"""A DuckDB connection with the lake attached as ``lake``."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.db import CONFIG
from warehouse.lake.catalog import Lake
from warehouse.lake.extensions import load_lake_extensions

ALIAS = "lake"


def attach(con: duckdb.DuckDBPyConnection, lake: Lake, read_only: bool = False) -> None:
    """Attach ``lake`` to ``con`` as ``lake`` (a writer creates the data folder; a reader never writes)."""
    load_lake_extensions(con, lake.kind)
    options = ["read_only"] if read_only else []
    if lake.data_path is not None and not read_only:
        lake.data_path.mkdir(parents=True, exist_ok=True)
        options.append(f"data_path {literal(f'{lake.data_path}/')}")
    clause = f" ({', '.join(options)})" if options else ""
    con.execute(f"attach {literal(lake.uri)} as {ALIAS}{clause}")  # ATTACH takes no bound parameters


def literal(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def connect_lake(lake: Lake, read_only: bool = False, staging: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A new DuckDB instance (in memory, or ``staging`` when given) with the lake attached.

    One instance per process for a SQLite catalog: two in one process can wedge on its locks
    for good (``database is locked`` until the process exits)."""
    con = duckdb.connect(str(staging) if staging else ":memory:", config=CONFIG)
    try:
        con.execute("set timezone = 'UTC'")
        attach(con, lake, read_only)
    except BaseException:
        con.close()
        raise
    return con


def allow_data_files(con: duckdb.DuckDBPyConnection) -> None:
    """Let ``con`` keep reading the lake's Parquet files once ``warehouse.sandbox.lock_down`` has
    turned external access off: DuckDB's ``allowed_directories``, set to the lake's data path."""
    row = con.execute(f"select data_path from ducklake_settings('{ALIAS}')").fetchone()
    if row and row[0]:
        con.execute("set allowed_directories = ?", [[str(row[0])]])
