"""The planner: one night's sources dealt to K shards, each shard one flow run on the work pool.

Every registered domain belongs to exactly one shard (``flows/shards.py``), so each host's
politeness stays with the one crawler that owns it tonight. Each shard is a run of the
``nightly/shard`` deployment (the nightly flow with ``only`` = its sources) that any worker of
the pool may take; the planner waits for all of them, crashes and re-runs once a shard whose
worker vanished (``flows/shard_runs.py``), then reports every shard, worker and source in one
place (``flows/shard_report.py``). The shards share the warehouse: they crawl and extract side
by side and load one at a time through its writer lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import State, flow, get_run_logger
from prefect.runtime import flow_run

from flows import settings
from flows.outcome import final_state
from flows.shard_report import problems, publish, source_rows
from flows.shard_runs import Shard, run_shards
from flows.shards import shard_sources
from flows.sources import load_sources, select

SHARD_DEPLOYMENT = "nightly/shard"
SHARD_TIMEOUT_S = 6 * 3600.0


@flow(name="planner", log_prints=True)
def planner(
    shards: int = 2,
    sources_file: str | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    only: list[str] | None = None,
    shard_timeout_s: float = SHARD_TIMEOUT_S,
    poll_s: float = 5.0,
    deployment: str = SHARD_DEPLOYMENT,
) -> State[Any]:
    """Deal the sources (or those in ``only``) to ``shards`` shards, run each as a flow run of
    ``deployment`` on its work pool, wait for all, and report. Ends Failed naming every source
    (with its shard and worker) that failed or never ran; a shard re-run is a warning.

    ``sources_file``, ``db`` and ``data_dir`` are passed on to the shards when given, else every
    process reads them from its own environment (``TRAWL_SOURCES``, ``TRAWL_DB``, ``TRAWL_DATA_DIR``):
    all of them must see the same files.
    """
    logger = get_run_logger()
    path = Path(sources_file) if sources_file else settings.default_sources_file()
    sources = select(load_sources(path), only, path)  # a bad file fails here, before any shard starts
    dealt = [tuple(s.key for s in shard) for shard in shard_sources(sources, shards) if shard]
    plan = [Shard(i + 1, len(dealt), keys) for i, keys in enumerate(dealt)]
    logger.info("%s source(s) in %s shard(s) of %s asked", len(sources), len(plan), shards)
    passed = {"sources_file": sources_file, "db": db, "data_dir": data_dir}
    parameters = {name: value for name, value in passed.items() if value is not None}
    runs = run_shards(plan, deployment, parameters, shard_timeout_s, poll_s, key=flow_run.id, say=logger.info)
    rows = source_rows(settings.resolve_paths(db, data_dir).db, runs)
    found = problems(rows, runs)
    state = final_state(rows, found)
    title = flow_run.name or "planner"
    publish(title, state.name or state.type.value, rows, runs, found)
    return state
