"""Publish a staging file to the lake: what it holds and the lake lacks, in one lake transaction.

The staging file (a shard's own DuckDB warehouse, loaded by ``warehouse.load``) keeps marks of
what it has sent. Its outbox, documents never sent, page versions new or changed since sent and
the fetches, drops and report of each finished load, lands in one lake transaction together
with a ``lake_batches`` row; a batch already in ``lake_batches`` lands nothing (checked inside
that transaction). The marks are written after the lake committed, in the staging file: a crash
in between leaves the outbox to the rerun, which finds the batch landed and only marks it.

Two publishes of one staging file never overlap: ``warehouse.lake.shard`` holds the staging
file's writer lock from the load to the marks, so a rerun of a batch waits for the first to end. Two shards may land the same document
at once (appends never conflict in DuckLake, which has no unique constraints); the lake's
``documents`` view keeps the copy committed first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse.faultpoint import pause_point
from warehouse.lake.retry import in_lake_transaction
from warehouse.lake.schema import lake_query

OUTBOX = ("documents", "versions", "fetches", "drops", "reports")


@dataclass(frozen=True)
class Published:
    """What one publish did: the rows it landed per table (none when the batch had landed before)."""

    batch_id: str
    landed: bool
    rows: dict[str, int]
    retries: int


def batch_id(run_id: str, source: str) -> str:
    return f"{run_id}/{source}"


def run_script(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> None:
    """Every statement of ``sql`` in turn, each given the parameters it names."""
    values = params or {}
    for statement in con.extract_statements(sql):
        con.execute(statement.query, {name: values[name] for name in statement.named_parameters})


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row else 0


def publish(con: duckdb.DuckDBPyConnection, run_id: str, source: str, shard: str) -> Published:
    """Land the outbox of the staging file open on ``con`` (the lake attached as ``lake``) as
    the batch ``run_id``/``source``; once only, however often it is called."""
    ident = batch_id(run_id, source)
    run_script(con, lake_query("create_outbox_marks"))
    run_script(con, lake_query("outbox"))
    rows = {name: _count(con, f"select count(*) from outbox_{name}") for name in OUTBOX}
    params = {"batch_id": ident, "shard": shard, "run_id": run_id, "source": source}

    def land(retries: int) -> bool:
        if _count(con, "select count(*) from lake.landed.lake_batches where batch_id = ?", [ident]):
            return False  # landed before: a rerun lands nothing
        run_script(con, lake_query("land_outbox"), {**params, "landed_at": datetime.now(UTC), "retries": retries})
        return True

    retried = in_lake_transaction(con, land)
    pause_point("lake:after-land")  # landed, not marked sent: the rerun must land nothing
    con.execute("begin transaction")
    try:
        run_script(con, lake_query("mark_sent"))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    for name in OUTBOX:
        con.execute(f"drop table if exists outbox_{name}")
    landed = retried.value
    return Published(ident, landed, rows if landed else dict.fromkeys(OUTBOX, 0), retries=retried.retries)
