"""Run one source's crawl as a Scrapy subprocess (Twisted's reactor cannot restart in-process)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows import progress
from flows.lifetime import child_env
from flows.progress import count_lines, watch_lines
from flows.sources import Source
from spiders.folder import CrawlFolder
from spiders.job import CrawlJob


@dataclass(frozen=True)
class CrawlResult:
    """Where a crawl left its archive, and how it ended."""

    out_dir: str
    returncode: int
    stats: dict[str, Any]
    log_tail: str


def write_job(source: Source, out_dir: Path, run_id: str, frontier: dict[str, Any] | None = None) -> Path:
    """The job file the spider reads: everything it needs, nothing from the environment.

    ``frontier`` adds what the warehouse knows (``known``, ``rest_since``, ``rest_names``, ``rest_probe``).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    crawl, discovery = source.crawl, source.discovery
    job = CrawlJob.from_dict(
        {
            "source": source.key,
            "home_url": source.home,
            "allowed_domains": source.domains,
            "out_dir": str(out_dir),
            "run_id": run_id,
            "sitemaps": [str(u) for u in discovery.sitemaps],
            "feeds": [str(u) for u in discovery.feeds],
            "archive_pages": discovery.archive_pages,
            "max_pages": discovery.max_pages,
            "max_archive_depth": discovery.max_archive_depth,
            "rest_api": discovery.rest_api,
            # an impolite crawl takes the job's own concurrency (CrawlJob.effective_concurrency)
            "concurrency_per_domain": crawl.concurrency_per_domain if crawl.polite else None,
            **crawl.model_dump(exclude={"concurrency_per_domain"}),
            **(frontier or {}),
        }
    )
    path = CrawlFolder(out_dir).job
    job.to_json(path)
    return path


def finished_crawl(out_dir: Path, run_id: str) -> dict[str, Any] | None:
    """The stats of a crawl of this run that already ran to its end (a resumed run does not repeat it)."""
    stats = CrawlFolder(out_dir).stats()
    if stats.get("trawl/run_id") == run_id and stats.get("finish_reason") in ("finished", "blocked"):
        return stats
    return None


def run_crawl(
    source: Source, out_dir: Path, run_id: str, frontier: dict[str, Any] | None = None, timeout: float = 6 * 3600
) -> CrawlResult:
    """Crawl a source into ``out_dir``; the spider's log goes to ``crawl.log`` beside the archive.

    An interrupted attempt of the same run is continued: the spider skips what it archived.
    """
    done = finished_crawl(out_dir, run_id)
    if done is not None:
        return CrawlResult(str(out_dir), 0, done, "crawl already finished in an earlier attempt of this run")
    job = write_job(source, out_dir, run_id, frontier)
    folder = CrawlFolder(out_dir)
    log_path = folder.log
    # the pages the spider has archived so far (its manifest grows a line per response)
    progress.report(source.key, "crawl", 0)
    stop_watching = watch_lines(folder.manifest, lambda n: progress.report(source.key, "crawl", n))
    try:
        with log_path.open("ab") as log:
            completed = subprocess.run(
                [sys.executable, "-m", "spiders.crawl", str(job)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=child_env(),  # the spider exits when this process dies (flows/lifetime.py)
                timeout=timeout,
                check=False,
            )
    finally:
        stop_watching()
    fetched = count_lines(folder.manifest, 0, 0)[1]
    progress.report(source.key, "crawl", fetched, fetched)
    stats = folder.stats()
    tail = "\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
    return CrawlResult(str(out_dir), completed.returncode, stats, tail)
