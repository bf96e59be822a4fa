"""Run one source's crawl as a Scrapy subprocess (Twisted's reactor cannot restart in-process)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows import progress
from flows.lifetime import child_env
from flows.progress import count_lines, watch_lines
from flows.sources import Source
from spiders.warc import MANIFEST_NAME


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
    job = {
        "source": source.key,
        "home_url": source.home,
        "allowed_domains": source.domains,
        "out_dir": str(out_dir),
        "run_id": run_id,
        "sitemaps": [str(u) for u in source.discovery.sitemaps],
        "feeds": [str(u) for u in source.discovery.feeds],
        "archive_pages": source.discovery.archive_pages,
        "max_pages": source.discovery.max_pages,
        "max_archive_depth": source.discovery.max_archive_depth,
        "polite": source.crawl.polite,
        "download_delay": source.crawl.download_delay,
        "concurrency_per_domain": source.crawl.concurrency_per_domain if source.crawl.polite else 16,
        "user_agent": source.crawl.user_agent,
        "timeout": source.crawl.timeout,
        "rest_api": source.discovery.rest_api,
        "retries": source.crawl.retries,
        "backoff_base": source.crawl.backoff_base,
        "backoff_max": source.crawl.backoff_max,
        "max_retry_after": source.crawl.max_retry_after,
        "block_after": source.crawl.block_after,
        "max_wait_per_run": source.crawl.max_wait_per_run,
        "allow_private_addresses": source.crawl.allow_private_addresses,
        **(frontier or {}),
    }
    path = out_dir / "job.json"
    path.write_text(json.dumps(job, indent=2), encoding="utf-8")
    return path


def finished_crawl(out_dir: Path, run_id: str) -> dict[str, Any] | None:
    """The stats of a crawl of this run that already ran to its end (a resumed run does not repeat it)."""
    path = out_dir / "stats.json"
    if not path.exists():
        return None
    stats: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
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
    log_path = out_dir / "crawl.log"
    # the pages the spider has archived so far (its manifest grows a line per response)
    progress.report(source.key, "crawl", 0)
    stop_watching = watch_lines(out_dir / MANIFEST_NAME, lambda n: progress.report(source.key, "crawl", n))
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
    fetched = count_lines(out_dir / MANIFEST_NAME, 0, 0)[1]
    progress.report(source.key, "crawl", fetched, fetched)
    stats_path = out_dir / "stats.json"
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    tail = "\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
    return CrawlResult(str(out_dir), completed.returncode, stats, tail)
