"""The lake's tables (``landed``: append-only, tagged with their batch) and the views analysts
query (``main``: one row per key, then trawl's own views over them, unchanged)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from importlib import resources

import duckdb

from warehouse.db import views as warehouse_views
from warehouse.lake.connect import ALIAS
from warehouse.lake.retry import Retried, in_lake_transaction

FILES = resources.files("warehouse.lake")
# trawl's views (warehouse/views) that read only what the lake holds: created on the lake as they are
SHARED_VIEWS = (
    "document_urls",
    "versions",
    "current_documents",
    "articles",
    "pages",
    "daily_counts",
    "discards",
    "date_issues",
)


def lake_query(name: str) -> str:
    """The text of ``warehouse/lake/sql/<name>.sql``."""
    return (FILES / "sql" / f"{name}.sql").read_text(encoding="utf-8")


@cache
def statements() -> tuple[str, ...]:
    """Everything that makes the lake's schema, in order: tables, key views, trawl's views."""
    own = sorted(
        (e.name, e.read_text(encoding="utf-8")) for e in (FILES / "views").iterdir() if e.name.endswith(".sql")
    )
    shared = dict(warehouse_views())
    return (lake_query("create_landed"), *(sql for _, sql in own), *(shared[name] for name in SHARED_VIEWS))


@cache
def digest() -> str:
    return hashlib.sha256("\n".join(statements()).encode("utf-8")).hexdigest()


def current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the lake attached to ``con`` has this schema already (reads only)."""
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = 'landed' "
        "and table_name = 'lake_schema'",
        [ALIAS],
    ).fetchone()
    if not found or not found[0]:
        return False
    row = con.execute(f"select max(digest) from {ALIAS}.landed.lake_schema").fetchone()
    return bool(row and row[0] == digest())


def ensure_schema(con: duckdb.DuckDBPyConnection) -> int:
    """Create the lake's tables and (re)create its views when they differ from the shipped ones;
    one lake transaction, retried when another writer does the same at once. The retries."""
    if current(con):
        return 0

    def apply(_retries: int) -> None:
        if current(con):  # another writer did it before this attempt
            return
        row = con.execute("select current_database()").fetchone()
        con.execute(f"use {ALIAS}")  # the views name their tables unqualified, as in a warehouse file
        try:
            for sql in statements():
                con.execute(sql)
            con.execute("delete from landed.lake_schema")
            con.execute("insert into landed.lake_schema values (?, ?)", [digest(), datetime.now(UTC)])
        finally:
            con.execute(f'use "{row[0] if row else "memory"}"')

    retried: Retried[None] = in_lake_transaction(con, apply)
    return retried.retries
