"""One shard's load on the lake: the batch into the shard's staging file, then published."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from warehouse.db import connect
from warehouse.lake.catalog import Lake
from warehouse.lake.connect import attach
from warehouse.lake.publish import Published, publish
from warehouse.lake.schema import ensure_schema
from warehouse.load import LOADER_MEMORY_LIMIT, LoadReport, SourceBatch, load_batch, loader_settings
from warehouse.lock import writer_lock


@dataclass(frozen=True)
class LakeLoad:
    """The loader's report of the batch, what its publish landed, the lake commits retried, and
    the seconds of the local load and of the publish."""

    report: LoadReport
    published: Published
    retries: int
    load_seconds: float
    publish_seconds: float


def publish_load(staging: Path, lake: Lake, run_id: str, source: str, shard: str) -> tuple[Published, int]:
    """Publish what the staging file holds and the lake lacks as the batch ``run_id``/``source``
    (the caller holds the staging file's writer lock); what landed, and the lake commits retried."""
    con = connect(staging)
    try:
        attach(con, lake)
        schema_retries = ensure_schema(con)
        published = publish(con, run_id, source, shard)
        return published, schema_retries + published.retries
    finally:
        con.close()


def load_to_lake(staging: Path, lake: Lake, batch: SourceBatch, shard: str) -> LakeLoad:
    """Load ``batch`` into the staging file with the ordinary loader (its steps, constraints and
    idempotence all local), then publish it to ``lake`` in one lake transaction. The staging
    file is this shard's alone: its writer lock (``warehouse.lock``, held from the load to the
    publish's marks) keeps a rerun of the batch waiting meanwhile (DuckDB's own lock does not
    cover the file's creation: two processes creating it at once can see each other's half-made file)."""
    with writer_lock(staging, f"load {batch.source} to the lake"):
        started = time.monotonic()
        con = connect(staging)
        try:
            loader_settings(con)
            report = load_batch(con, batch, memory=LOADER_MEMORY_LIMIT)
        finally:
            con.close()
        loaded = time.monotonic()
        published, retries = publish_load(staging, lake, batch.run_id, batch.source, shard)
        return LakeLoad(report, published, retries, loaded - started, time.monotonic() - loaded)
