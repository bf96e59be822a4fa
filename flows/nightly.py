"""The nightly Prefect flow: crawl -> extract -> clean/dedup/load, per source, with a run report."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import State, flow, get_run_logger, task
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff

from flows import limits, pipeline, progress, settings
from flows.alerts import Problem, notify, source_problems
from flows.analyst import check_quality, publish_snapshot, refresh_indexes
from flows.crawl import CrawlResult
from flows.extract_settings import ExtractSettings, load_extract_settings
from flows.lake_publish import index_after_run, publish_after_load
from flows.lake_settings import LakeSettings, read_lake
from flows.outcome import final_state
from flows.report import RunSummary, load_summary, publish_report, source_row, stats_artifact
from flows.runplan import RunPlan
from flows.sources import Source, load_sources, select
from spiders.folder import CrawlFolder
from transforms.dates import parse_datetime
from transforms.quality import WARNING
from warehouse.db import connect
from warehouse.load import LoadReport

VERSION = pipeline.VERSION


class CrawlFailed(RuntimeError):
    """The crawl subprocess crashed (not: the site was down, which is data)."""


@task(
    task_run_name="crawl-{source.key}",
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=5),
    retry_jitter_factor=0.2,
)
def crawl_source(
    source: Source, out_dir: str, run_id: str, frontier: dict[str, Any] | None = None, locks: str | None = None
) -> CrawlResult:
    """Crawl one source with Scrapy in a subprocess and archive every response."""
    logger = get_run_logger()
    slots = locks or str(limits.lock_dir(Path(out_dir).parents[2]))  # data/raw/<source>/<run> -> data/locks
    with limits.crawl_slot(source.key, slots):  # bounded crawls; never two of one source at once
        result = pipeline.crawl(source, CrawlFolder(Path(out_dir)), run_id, frontier)
    logger.info("%s", result.stats.get("trawl/summary") or f"crawl of {source.key} finished")
    # the whole Scrapy stats: an artifact of the task run (and DEBUG), not 50 log lines per crawl
    logger.debug("scrapy stats of %s:\n%s", source.key, json.dumps(result.stats, indent=1, sort_keys=True, default=str))
    stats_artifact(source.key, result.stats)
    if result.returncode != 0:
        raise CrawlFailed(f"crawl of {source.key} exited {result.returncode}:\n{result.log_tail}")
    return result


@task(task_run_name="extract-{source.key}")
def extract_source(source: Source, crawl: CrawlResult, engine: ExtractSettings | None = None) -> str:
    """Extract the crawl's article pages from the archive (all cores or a Dask cluster, per-page timeout)."""
    path = pipeline.extract(
        source,
        CrawlFolder(Path(crawl.out_dir)),
        lambda done, total: progress.report(source.key, "extract", done, total),
        engine,
    )
    get_run_logger().info("extracted %s pages of %s into %s", sum(1 for _ in path.open()), source.key, path)
    return str(path)


@task(task_run_name="load-{source.key}")
def load_source(
    source: Source,
    db: str,
    run_id: str,
    out_dir: str,
    extracted: str | None,
    error: str | None,
    started_at: str | None = None,
    lake: LakeSettings | None = None,
) -> LoadReport:
    """Clean, deduplicate and load one source's crawl (bounded steps, each one transaction)."""
    folder = CrawlFolder(Path(out_dir))
    batch = pipeline.read_batch(
        source, folder, run_id, Path(extracted) if extracted else None, error, parse_datetime(started_at)
    )
    with limits.warehouse_writer(db, f"load {source.key} ({run_id})"):  # one writer of the DuckDB file
        report = pipeline.load(Path(db), batch)
        published = publish_after_load(Path(db), lake, run_id, source.key)  # with [warehouse] catalog
    if published:
        get_run_logger().info("%s", published)
    # no snapshot here: it is a whole copy of the warehouse, published once at the end of the
    # run; between two loads readers open the warehouse itself, and during one, the last snapshot
    get_run_logger().info("%s", load_summary(report))
    progress.report(source.key, "load", 1, 1)
    return report


def _begin(db: Path, sources: list[Source], paths: settings.Paths, full: bool = False, resume: bool = True) -> RunPlan:
    """Start the run (or take over an unfinished one), holding the warehouse's writer lock."""
    with limits.warehouse_writer(db, "start a nightly run"):
        return pipeline.plan(db, sources, paths, full, resume, flow_run.id)


def _finish(db: Path, run_id: str, reports: list[LoadReport]) -> str:
    # a degraded source (some article fetches failed) is named in the report, not a failure
    status = "completed" if all(r.status in ("ok", "degraded") for r in reports) else "completed_with_failures"
    con = connect(db)
    try:
        con.execute("update runs set finished_at = ?, status = ? where run_id = ?", [datetime.now(UTC), status, run_id])
        con.execute("checkpoint")  # the snapshot copied next holds the whole run
    finally:
        con.close()
    return status


@flow(name="nightly", log_prints=True)
def nightly(
    sources_file: str | None = None,
    db: str | None = None,
    data_dir: str | None = None,
    only: list[str] | None = None,
    full: bool = False,
    near_dup_threshold: float | None = None,
) -> State[Any]:
    """Crawl, extract, clean, deduplicate and load every configured source (or those in ``only``).

    ``full`` recrawls every page without conditional requests (a backfill). Ends Completed, or
    Failed naming the failed sources after all of them were loaded and reported (flows/outcome.py).
    """
    path = Path(sources_file) if sources_file else settings.default_sources_file()
    sources = select(load_sources(path), only, path)  # a bad file fails here, before any crawling
    engine = load_extract_settings(path)  # the local pool, or Dask
    paths = settings.resolve_paths(db, data_dir)
    with limits.nightly_run(paths.db, f"trawl run ({flow_run.id or 'no flow run'})", only):
        # one nightly run of all sources per warehouse (an unfinished run is only taken over once
        # its holder is dead); runs of chosen sources (the planner's shards) beside each other
        lake = read_lake(path, paths.data_dir)
        return _nightly(sources, paths, only, full, near_dup_threshold, lake, engine)


def _nightly(
    sources: list[Source],
    paths: settings.Paths,
    only: list[str] | None,
    full: bool,
    near_dup_threshold: float | None,
    lake: LakeSettings | None = None,
    engine: ExtractSettings | None = None,
) -> State[Any]:
    logger = get_run_logger()
    started = datetime.now(UTC)
    progress.forget_artifacts()  # this run's progress artifacts are new ones
    plan = _begin(paths.db, sources, paths, full, resume=not only and not full)
    run_id = plan.run_id
    todo = [s for s in sources if s.key in plan.inputs]
    logger.info("run %s: %s source(s) into %s", run_id, len(sources), paths.db)
    if plan.resumed:
        logger.warning("completing unfinished run %s: %s source(s) left to load", run_id, len(todo))
    crawls = {
        s.key: crawl_source.submit(
            s, str(paths.run_dir(s.key, run_id)), run_id, plan.inputs[s.key], str(limits.lock_dir(paths.data_dir))
        )
        for s in todo
    }
    # Prefect hands the extract the crawl's result when it resolves the future passed to it
    extracts = {s.key: extract_source.submit(s, crawls[s.key], engine) for s in todo}  # type: ignore[call-overload]
    reports = list(plan.loaded)
    for s in todo:  # loads one at a time: DuckDB has one writer
        out_dir = str(paths.run_dir(s.key, run_id))
        try:
            extracted, error = extracts[s.key].result(), None
        except Exception as failure:  # a failing source never stops the others
            extracted, error = None, f"{type(failure).__name__}: {failure}"[:2000]
            logger.error("source %s failed: %s", s.key, error)
        reports.append(load_source(s, str(paths.db), run_id, out_dir, extracted, error, started.isoformat(), lake))
    order = {s.key: i for i, s in enumerate(sources)}
    reports.sort(key=lambda r: order[r.source])
    with limits.warehouse_writer(
        paths.db, f"close run {run_id}"
    ):  # the run's last writes: indexes, checks, and its status last, so that a run killed
        # before it is completed by the next one (resumed), never left without its checks
        refresh_indexes(str(paths.db), run_id, settings.near_dup_threshold(near_dup_threshold))
        checks = check_quality(str(paths.db), run_id, sources)
        status = _finish(paths.db, run_id, reports)
        publish_snapshot(str(paths.db))  # readers see the finished run
    indexed = index_after_run(lake)
    if indexed:
        logger.info("%s", indexed)
    rows = [source_row(r, started) for r in reports]
    problems = source_problems(rows)
    problems += [
        Problem(c.source, "quality", f"{c.check} = {c.value} (limit {c.threshold}): {c.detail}", severity="warning")
        for c in checks
        if c.status == WARNING
    ]  # one notification per run, failures and quality breaches together
    publish_report(RunSummary(run_id, status, rows, str(paths.db), problems, quality=checks))
    notify(run_id, problems, flow_run.ui_url)
    return final_state([asdict(r) for r in reports], problems)
