"""The life of a record, one stage after the other: plan -> crawl -> extract -> read -> decide and write.

This is the one file to read to follow a page from a site to a row of ``articles``. Each stage
is a plain call with typed input and output (no Prefect here: ``flows/nightly.py`` runs these
calls as tasks, with retries, concurrency, progress and the run report):

1. ``plan``: open the run (or take over an unfinished one) and write each source's frontier
   snapshot into its crawl folder (``spiders/folder.py`` names every file there).
2. ``crawl``: Scrapy, in a subprocess, discovers the source's candidate URLs (REST API,
   sitemaps, feeds, archive pages), fetches what is new or due, and archives every response
   (``crawl.warc.gz`` + ``manifest.jsonl``).
3. ``extract``: every archived article page, read back from the WARC (never the network), goes
   through ``transforms.extract.extract_article``: an ``Article`` or a ``Discard`` with its reason.
4. ``read_batch``: what the crawl folder holds for the loader, once: fetches, records, stats,
   candidates, REST names.
5. ``load``: in bounded steps (500 pages, one transaction each), the loader reads the state it needs, the pure
   ``transforms.decide`` says what each page is (new, duplicate, edited, re-cleaned) after site
   cleaning (``transforms.boilerplate``, ``transforms.structure``), and the writer applies it:
   documents by content hash, page versions with diffs, the frontier, the run report row.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import settings
from flows.crawl import CrawlResult, run_crawl
from flows.extract import ExtractedFile, extract_crawl
from flows.extract_settings import ExtractSettings
from flows.runplan import RunPlan, crawl_rest_names, plan_run
from flows.sources import Source
from spiders.folder import CrawlFolder
from warehouse.db import connect
from warehouse.load import LOADER_MEMORY_LIMIT, LoadReport, SourceBatch, load_batch, loader_settings

VERSION = "0.1.0"


def plan(
    db: Path,
    sources: list[Source],
    paths: settings.Paths,
    full: bool = False,
    resume: bool = True,
    flow_run: Any = None,
) -> RunPlan:
    """Start the run (or take over an unfinished one); write each crawl's frontier inputs
    (none for a ``full`` recrawl, which fetches every page again, unconditionally)."""
    now = datetime.now(UTC)
    con = connect(db)
    try:
        run = plan_run(con, sources, paths, now, full, resume)
        con.execute("begin transaction")
        con.execute(
            "insert into runs values (?, ?, null, 'running', ?, ?) on conflict do nothing",
            [run.run_id, now, str(flow_run) if flow_run else None, VERSION],
        )
        for s in sources:
            con.execute(
                "insert or replace into sources values (?, ?, ?, ?, ?, ?)",
                [s.key, s.display_name, s.home, s.language, s.model_dump_json(), now],
            )
        con.execute("commit")
    finally:
        con.close()
    return run


def crawl(source: Source, folder: CrawlFolder, run_id: str, frontier: dict[str, Any] | None = None) -> CrawlResult:
    """Discover and fetch one source into its crawl folder (a Scrapy subprocess; every response archived)."""
    return run_crawl(source, folder.path, run_id, frontier)


def extract(
    source: Source,
    folder: CrawlFolder,
    on_page: Callable[[int, int], None] | None = None,
    engine: ExtractSettings | None = None,
) -> Path:
    """Extract every archived article page of the crawl (all cores, a timeout per page) into the
    folder's ``extracted.jsonl``: an ``Article`` or a ``Discard`` (with its reason) per page; on a
    Dask cluster in batches when the sources file's ``[extract]`` says ``engine = "dask"``."""
    if engine is not None and engine.dask:
        from flows.extract_dask import extract_crawl_on_dask  # Prefect and Dask only when asked for

        return extract_crawl_on_dask(folder.path, engine, source.date_floor, on_page).target
    workers = engine.workers if engine is not None else None
    return extract_crawl(folder.path, workers, date_floor=source.date_floor, on_page=on_page)


# fields the loader never reads, left out of the rows it holds: the manifest's extraction hints,
# WARC record id and length, and how the crawl found the page (14 MB at 10,000 rows, not 22); the
# candidates' discovery channels
NOT_LOADED = frozenset({"hints", "warc_record_id", "warc_length", "depth", "discovered_via", "via"})
FROM_BATCH = frozenset({"source", "run_id"})  # the same on every row: the batch says them once
SHARED_VALUES = frozenset({"role", "content_type", "warc_file", "decision", "lastmod_via"})  # a few distinct values


def slim_row(row: dict[str, Any]) -> dict[str, Any]:
    """A manifest or candidate row as the loader holds it (100,000 of each at once in its last
    step): unread fields left out, repeated values shared, a final URL equal to the URL the same
    string."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in NOT_LOADED or key in FROM_BATCH:
            continue
        out[key] = sys.intern(value) if key in SHARED_VALUES and isinstance(value, str) else value
    if "final_url" in out and out["final_url"] == out.get("url"):
        out["final_url"] = out["url"]
    return out


@dataclass(frozen=True)
class FolderRows:
    """The manifest or the candidates of a crawl folder, read when the loader's last step asks
    (``warehouse.load.RowFile``), not held through the whole load."""

    folder: CrawlFolder
    name: str

    def rows(self) -> list[dict[str, Any]]:
        if self.name == CrawlFolder.MANIFEST:  # a truncated last line is skipped
            return [slim_row(row) for row in self.folder.manifest_rows()]
        return [slim_row(row) for row in self.folder.json_lines(self.name)]


def read_batch(
    source: Source,
    folder: CrawlFolder,
    run_id: str,
    extracted: Path | None,
    error: str | None = None,
    started_at: datetime | None = None,
) -> SourceBatch:
    """Everything the loader needs from one crawl, read from its folder once (the records a
    chunk at a time, the fetches and candidates by the load's last step)."""
    return SourceBatch(
        run_id=run_id,
        source=source.key,
        fetches=FolderRows(folder, CrawlFolder.MANIFEST),
        records=ExtractedFile(extracted) if extracted else [],
        crawl_stats=folder.stats(),
        crawl_error=error,
        started_at=started_at,
        min_docs=source.cleaning.min_docs,
        min_share=source.cleaning.min_share,
        candidates=FolderRows(folder, CrawlFolder.CANDIDATES),
        rest_names=crawl_rest_names(folder.path),
        revisit=source.revisit.policy(),
    )


def load(db: Path, batch: SourceBatch) -> LoadReport:
    """Decide and write one source's batch, 500 pages per transaction, DuckDB's memory bounded
    (``warehouse.load``; a load killed half-way is completed by the next)."""
    con = connect(db)
    try:
        loader_settings(con)
        return load_batch(con, batch, memory=LOADER_MEMORY_LIMIT)
    finally:
        con.close()
