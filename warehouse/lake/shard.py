"""One shard's load on the lake: the batch into the shard's staging file, then published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from warehouse.db import connect
from warehouse.lake.catalog import Lake
from warehouse.lake.connect import attach
from warehouse.lake.publish import Published, publish
from warehouse.lake.schema import ensure_schema
from warehouse.load import LOADER_CHECKPOINT_THRESHOLD, LOADER_MEMORY_LIMIT, LoadReport, SourceBatch, load_batch
from warehouse.lock import writer_lock


@dataclass(frozen=True)
class LakeLoad:
    """The loader's report of the batch, what its publish landed, and the lake commits retried."""

    report: LoadReport
    published: Published
    retries: int


def load_to_lake(staging: Path, lake: Lake, batch: SourceBatch, shard: str) -> LakeLoad:
    """Load ``batch`` into the staging file with the ordinary loader (its steps, constraints and
    idempotence all local), then publish it to ``lake`` in one lake transaction. The staging
    file is this shard's alone: its writer lock (``warehouse.lock``, held from the load to the
    publish's marks) keeps a rerun of the batch waiting meanwhile (DuckDB's own lock does not
    cover the file's creation: two processes creating it at once can see each other's half-made file)."""
    with writer_lock(staging, f"load {batch.source} to the lake"):
        con = connect(staging)
        try:
            con.execute(f"set checkpoint_threshold = '{LOADER_CHECKPOINT_THRESHOLD}'")
            report = load_batch(con, batch, memory=LOADER_MEMORY_LIMIT)
            attach(con, lake)
            schema_retries = ensure_schema(con)
            published = publish(con, batch.run_id, batch.source, shard)
            return LakeLoad(report, published, schema_retries + published.retries)
        finally:
            con.close()
