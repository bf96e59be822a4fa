"""On-demand runs of one source: ``source`` (an incremental crawl now) and ``backfill`` (a full recrawl).

Both run the nightly job's body for one source inside their own flow run, so their task runs,
artifacts, alerts and final state are those of a nightly run. A backfill sends no conditional
requests and so fetches every page again, within the source's politeness settings (robots.txt,
delay, concurrency per domain); the per-source concurrency limit keeps it from crawling the site
while a nightly run does.
"""

from __future__ import annotations

from typing import Any

from prefect import flow
from prefect.client.schemas.objects import State

from flows.nightly import nightly


@flow(name="source", flow_run_name="source-{source}", log_prints=True)
def source_run(
    source: str, sources_file: str | None = None, db: str | None = None, data_dir: str | None = None
) -> State[Any]:
    """Crawl, extract, clean, deduplicate and load one source now."""
    return nightly.fn(sources_file=sources_file, db=db, data_dir=data_dir, only=[source])


@flow(name="backfill", flow_run_name="backfill-{source}", log_prints=True)
def backfill(
    source: str, sources_file: str | None = None, db: str | None = None, data_dir: str | None = None
) -> State[Any]:
    """Recrawl every page of one source (no conditional requests), politely, and load what changed."""
    return nightly.fn(sources_file=sources_file, db=db, data_dir=data_dir, only=[source], full=True)
