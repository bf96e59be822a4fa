"""Entry point: `python -m spiders.crawl JOB_JSON` runs one crawl in this process and writes stats.json."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from spiders.folder import CrawlFolder

EXIT_OK, EXIT_CRASH, EXIT_BAD_JOB = 0, 1, 2


def json_safe(value: Any) -> Any:
    """Scrapy stats values made JSON-serializable (datetimes as ISO strings, others as str)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def summary_line(job_source: str, stats: dict[str, Any]) -> str:
    statuses = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("trawl/manifest/status/")}
    status_text = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
    return (
        f"trawl crawl {job_source}: {stats.get('finish_reason')} in {stats.get('elapsed_time_seconds', 0):.1f}s,"
        f" rows={stats.get('trawl/manifest/rows', 0)} articles={stats.get('trawl/articles_requested', 0)}"
        f" [{status_text}] warc={stats.get('trawl/warc_file')}"
        f" archive_fallback={bool(stats.get('trawl/archive_fallback'))}"
    )


def run(job: Any) -> int:
    """Run the crawl for a CrawlJob; returns the process exit code."""
    from scrapy.crawler import CrawlerProcess
    from twisted.python.failure import Failure

    from spiders.settings import build_settings
    from spiders.site import TrawlSpider

    process = CrawlerProcess(build_settings(job))
    crawler = process.create_crawler(TrawlSpider)
    failures: list[str] = []

    def on_failure(failure: Failure) -> None:
        failures.append(failure.getTraceback())

    process.crawl(crawler, job=job).addErrback(on_failure)
    process.start()

    stats: dict[str, Any] = json_safe(crawler.stats.get_stats()) if crawler.stats is not None else {}
    stats["trawl/source"] = job.source
    stats["trawl/run_id"] = job.run_id
    if failures:
        stats["trawl/crash"] = failures[-1]
    stats["trawl/summary"] = summary_line(job.source, stats)
    CrawlFolder(job.out_dir).write_text(CrawlFolder.STATS, json.dumps(stats, indent=2, sort_keys=True) + "\n")
    print(stats["trawl/summary"], file=sys.stderr)
    for tb in failures:
        print(tb, file=sys.stderr)
    # "blocked" (403s) is the site's answer, reported by the run, not a crash to retry
    if failures or stats.get("finish_reason") not in ("finished", "blocked"):
        return EXIT_CRASH
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m spiders.crawl JOB_JSON_PATH", file=sys.stderr)
        return EXIT_BAD_JOB
    from spiders.job import CrawlJob

    try:
        job = CrawlJob.from_json(Path(args[0]))
        job.out_dir.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError, TypeError) as exc:
        print(f"trawl crawl: bad job {args[0]}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_BAD_JOB
    return run(job)


if __name__ == "__main__":
    from flows.lifetime import exit_with_parent

    exit_with_parent(pdeathsig=True)  # a killed run leaves no crawl behind
    sys.exit(main())
