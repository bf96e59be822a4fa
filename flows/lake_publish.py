"""The nightly flow's two steps on a DuckLake warehouse (``[warehouse] catalog`` in the sources file).

The warehouse file a run loads into is then this host's staging file: after each source's load
its new rows are published to the lake as one batch (``warehouse.lake.publish``), and after the
run the local search file is brought up to the lake. Without a catalog both do nothing.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path

from flows.lake_settings import LakeSettings

log = logging.getLogger(__name__)


def shard_name(db: Path) -> str:
    """How ``lake_batches`` names this staging file: host and file."""
    return f"{socket.gethostname()}:{db.stem}"


def publish_after_load(db: Path, lake: LakeSettings | None, run_id: str, source: str) -> str | None:
    """Publish the source's batch from the staging file ``db`` (its writer lock held by the caller);
    a line for the log, None without a lake. A lake that refuses it is logged, never fatal: the
    rows stay in the staging file's outbox and land with its next publish."""
    if lake is None:
        return None
    from warehouse.lake.retry import LakeConflict
    from warehouse.lake.shard import publish_load

    try:
        published, retries = publish_load(db, lake.lake, run_id, source, shard_name(db))
    except LakeConflict as error:
        log.error("%s was not published to the lake (its next publish carries it): %s", source, error)
        return f"{source}: not published to the lake: {error}"
    if not published.landed:
        return f"{source}: batch {published.batch_id} was already in the lake ({retries} lake retries)"
    rows = ", ".join(f"{name} {n}" for name, n in published.rows.items())
    return f"{source}: published to the lake as {published.batch_id}: {rows} ({retries} lake retries)"


def index_after_run(lake: LakeSettings | None) -> str | None:
    """Bring the local search file up to the lake; a line for the log, None without a lake."""
    if lake is None:
        return None
    from warehouse.lake.index import refresh_index

    done = refresh_index(lake.lake, lake.search_index)
    return f"search file {lake.search_index}: {done.documents} new document(s) from the lake, {done.indexed} indexed"
