"""The ``reextract`` flow: rebuild documents from the WARC archive with the current extractor and cleaner.

No network: every source's archived article pages (the newest 200 answer of each URL over all
its crawls under ``data/raw/<source>/``) are extracted again, cleaned, hashed and loaded. The run
reports which documents changed and which fields (artifacts, tables ``document_changes`` and
``rebuilds``). Run it after bumping ``EXTRACTOR_VERSION`` / ``CLEANER_VERSION`` or upgrading
trafilatura. Sources come from the sources file, read by the same loader as the nightly run's
(``--sources``, else $TRAWL_SOURCES, else sources.toml): every source of it crawled before, or the
one named (a crawled source removed from the file is an error naming it).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from prefect import State, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Completed

from flows import limits, progress, settings
from flows.alerts import Problem, notify
from flows.extract import PageRef, article_refs, extract_pages, read_extracted
from flows.nightly import VERSION
from flows.outcome import final_state
from flows.sources import Source, SourcesError, load_sources, select
from spiders.folder import CrawlFolder
from transforms.boilerplate import CLEANER_VERSION
from transforms.dates import parse_datetime
from transforms.extract import EXTRACTOR_VERSION
from transforms.normalize import NORMALIZER_VERSION
from warehouse.db import connect
from warehouse.load import SourceBatch
from warehouse.queries import query
from warehouse.rebuild import RebuildReport, Versions, rebuild_source

CHANGES_KEY = "trawl-reextract-changes"
REPORT_KEY = "trawl-reextract-report"
MAX_CHANGE_ROWS = 1000


def versions() -> Versions:
    """The versions of the code this rebuild runs with."""
    return Versions(EXTRACTOR_VERSION, CLEANER_VERSION, NORMALIZER_VERSION, version("trafilatura"))


def archived_pages(source_dir: Path, date_floor: date | None = None) -> list[PageRef]:
    """The newest archived 200 answer of every article URL over all crawls of a source."""
    newest: dict[str, PageRef] = {}
    if source_dir.is_dir():
        for run_dir in sorted(p for p in source_dir.iterdir() if (p / CrawlFolder.MANIFEST).exists()):
            newest.update((ref.url, ref) for ref in article_refs(run_dir, date_floor))
    return [newest[url] for url in sorted(newest)]


def crawled_keys(db: Path) -> set[str]:
    """The keys of the sources crawled into the warehouse (its ``sources`` table records each one)."""
    con = connect(db)
    try:
        rows = con.execute(query("source_configs")).fetchall()
    finally:
        con.close()
    return {key for key, _ in rows}


def configured_sources(sources_file: Path, db: Path, source: str | None) -> list[Source]:
    """The sources to rebuild, as the sources file defines them today: the one named, else every crawled one.

    A source crawled once but since removed from the file is an error naming it: its archive stays,
    but there is no configuration left to rebuild it with.
    """
    configured = load_sources(sources_file)
    crawled = crawled_keys(db)
    if source is not None:
        if source in crawled and source not in {s.key for s in configured}:
            raise SourcesError(
                f"{sources_file}: source '{source}' was crawled into {db} but is no longer in the sources file;"
                " add its entry back to re-extract its archive"
            )
        return select(configured, [source], sources_file)
    return [s for s in configured if s.key in crawled]


@task(task_run_name="reextract-{source.key}")
def reextract_source(source: Source, raw_dir: str, out_dir: str) -> str:
    """Extract a source's archived article pages again (all cores, per-page timeout, no network)."""
    refs = archived_pages(Path(raw_dir), source.date_floor)
    path = extract_pages(
        refs,
        CrawlFolder(Path(out_dir)).extracted,
        on_page=lambda done, total: progress.report(source.key, "extract", done, total),
    )
    get_run_logger().info("re-extracted %s archived pages of %s", len(refs), source.key)
    return str(path)


@task(task_run_name="rebuild-{source.key}")
def rebuild(source: Source, db: str, run_id: str, extracted: str, started_at: str) -> RebuildReport:
    """Load the re-extracted pages and record which documents changed."""
    batch = SourceBatch(
        run_id=run_id,
        source=source.key,
        fetches=[],
        records=read_extracted(Path(extracted)),
        started_at=parse_datetime(started_at),
        min_docs=source.cleaning.min_docs,
        min_share=source.cleaning.min_share,
    )
    with limits.warehouse_writer(db, f"rebuild {source.key} ({run_id})"):
        con = connect(db)
        try:
            report = rebuild_source(con, batch, versions())
        finally:
            con.close()
    progress.report(source.key, "load", 1, 1)
    get_run_logger().info(
        "rebuilt %s: %s pages, %s documents changed (%s), %s new pages",
        source.key,
        report.pages,
        report.changed,
        ", ".join(f"{k}: {v}" for k, v in report.fields().items()) or "no field",
        report.new_pages,
    )
    return report


def _record_run(db: Path, run_id: str, started: datetime, status: str | None = None) -> None:
    with limits.warehouse_writer(db, f"record reextract {run_id}"):
        con = connect(db)
        try:
            if status is None:
                params = {"run_id": run_id, "started_at": started, "flow_run_id": flow_run.id, "trawl_version": VERSION}
                con.execute(query("start_run"), params)
            else:
                status_params = {"run_id": run_id, "finished_at": datetime.now(UTC), "status": status}
                con.execute(query("finish_run"), status_params)
        finally:
            con.close()


def report_markdown(run_id: str, reports: list[RebuildReport], failed: dict[str, str], db: str) -> str:
    """What the rebuild changed, per source and field, with the SQL to see each change."""
    v = versions()
    lines = [
        f"# trawl reextract `{run_id}`",
        "",
        f"Extractor {v.extractor}, cleaner {v.cleaner}, normalizer {v.normalizer}, trafilatura {v.trafilatura}."
        " Pages read from the WARC archive; no request was sent to any site.",
        "",
        "| source | pages | documents changed | new pages | discarded | fields changed |",
        "|---|---|---|---|---|---|",
    ]
    for r in reports:
        fields = ", ".join(f"{k} ({n})" for k, n in r.fields().items()) or "-"
        lines.append(f"| {r.source} | {r.pages} | {r.changed} | {r.new_pages} | {r.discarded} | {fields} |")
    for key, error in failed.items():
        lines.append(f"| {key} | failed: {error.splitlines()[0][:200]} | | | | |")
    lines += [
        "",
        "## Look deeper",
        "",
        f"Warehouse: `{db}`",
        "",
        "```sql",
        f"select source, url, changed_fields, old_doc_id, new_doc_id from document_changes where run_id = '{run_id}';",
        "select * from rebuilds order by started_at desc;",
        "```",
    ]
    return "\n".join(lines)


@flow(name="reextract", log_prints=True)
def reextract(
    source: str | None = None,
    sources_file: str | None = None,
    db: str | None = None,
    data_dir: str | None = None,
) -> State[Any]:
    """Rebuild documents from the archive with the current extractor and cleaner; report what changed."""
    logger = get_run_logger()
    paths = settings.resolve_paths(db, data_dir)
    path = Path(sources_file) if sources_file else settings.default_sources_file()
    sources = configured_sources(path, paths.db, source)
    if not sources:
        raise SourcesError(f"{paths.db}: no source of {path} crawled yet, nothing to re-extract")
    run_id = settings.new_run_id()
    started = datetime.now(UTC)
    progress.forget_artifacts()  # this run's progress artifacts are new ones
    logger.info("reextract %s: %s source(s) from %s", run_id, len(sources), paths.raw)
    _record_run(paths.db, run_id, started)
    rebuild_dir = paths.data_dir / "rebuild"
    extracts = {
        s.key: reextract_source.submit(s, str(paths.raw / s.key), str(rebuild_dir / s.key / run_id)) for s in sources
    }
    reports: list[RebuildReport] = []
    failed: dict[str, str] = {}
    for s in sources:  # one writer at a time
        try:
            reports.append(rebuild(s, str(paths.db), run_id, extracts[s.key].result(), started.isoformat()))
        except Exception as error:  # a failing source never stops the others
            failed[s.key] = f"{type(error).__name__}: {error}"[:2000]
            logger.error("reextract of %s failed: %s", s.key, failed[s.key])
    _record_run(paths.db, run_id, started, "completed" if not failed else "completed_with_failures")
    changes = [{"source": r.source, **c} for r in reports for c in r.changes][:MAX_CHANGE_ROWS]
    create_table_artifact(
        table=[{**c, "changed_fields": ", ".join(c["changed_fields"])} for c in changes],
        key=CHANGES_KEY,
        description=f"Documents changed by reextract {run_id}",
    )
    create_markdown_artifact(
        markdown=report_markdown(run_id, reports, failed, str(paths.db)), key=REPORT_KEY, description=run_id
    )
    problems = [Problem(key, "failed", error) for key, error in failed.items()]
    notify(run_id, problems, flow_run.ui_url)
    summaries = [
        {"source": r.source, "pages": r.pages, "changed": r.changed, "new_pages": r.new_pages, "fields": r.fields()}
        for r in reports
    ]
    if problems:
        return final_state(summaries, problems)
    changed = sum(r.changed for r in reports)
    return Completed(message=f"{changed} document(s) changed in {len(reports)} source(s)", data=summaries)
