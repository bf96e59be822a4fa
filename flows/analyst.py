"""After the loads: near-duplicate index, search index, quality checks, and the readers' snapshot."""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task

from flows.sources import Source
from transforms.minhash import LshParams
from transforms.quality import WARNING, Check
from warehouse.db import connect, within_memory
from warehouse.neardup import index_near_duplicates
from warehouse.quality import run_checks
from warehouse.search import INDEX_MEMORY_LIMIT, refresh_search
from warehouse.snapshot import publish


def publish_snapshot(db: str) -> None:
    """Publish the readers' snapshot of the closed warehouse (skipped, with a log line, when busy)."""
    try:
        published = publish(db)
    except OSError as error:  # a full disk: the load is committed; readers keep the previous snapshot
        get_run_logger().error("snapshot of %s not published: %s (%s)", db, error.strerror or error, error.filename)
        return
    if published is None:
        get_run_logger().warning("snapshot of %s not published: the warehouse is open for writing", db)


@task(task_run_name="index-{run_id}")
def refresh_indexes(db: str, run_id: str, near_dup_threshold: float) -> dict[str, Any]:
    """Match new documents against the near-duplicate index and refresh full-text search.

    Both are incremental and idempotent: a failure here leaves the loaded data intact, and
    the next run indexes whatever this one could not.
    """
    logger = get_run_logger()
    try:
        con = connect(db)
        try:
            params = LshParams.for_threshold(near_dup_threshold)
            near = within_memory(con, INDEX_MEMORY_LIMIT, lambda: index_near_duplicates(con, params, run_id))
            indexed = within_memory(con, INDEX_MEMORY_LIMIT, lambda: refresh_search(con))
            con.execute("checkpoint")
        finally:
            con.close()
    except Exception as error:  # the loads are committed; the indexes catch up next run
        logger.error("index refresh of run %s failed: %s: %s", run_id, type(error).__name__, error)
        return {"error": f"{type(error).__name__}: {error}"}
    summary = {
        "near_duplicate_documents": near.documents,
        "near_duplicate_candidates": near.candidates,
        "near_duplicate_pairs": near.pairs,
        "search_documents": indexed,
    }
    logger.info("indexes refreshed: %s", summary)
    return summary


@task(task_run_name="quality-{run_id}")
def check_quality(db: str, run_id: str, sources: list[Source]) -> list[Check]:
    """Run and store the quality checks of every source; each breach is logged as a warning."""
    logger = get_run_logger()
    con = connect(db)
    try:
        checks = run_checks(con, run_id, {s.key: s.quality.thresholds() for s in sources})
    finally:
        con.close()
    for c in checks:
        if c.status == WARNING:
            logger.warning(
                "quality warning for %s: %s = %s (limit %s): %s", c.source, c.check, c.value, c.threshold, c.detail
            )
    return checks
