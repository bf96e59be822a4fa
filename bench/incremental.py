"""Incremental crawling: two nightly runs on the unchanged demo sites, in one process.

Prints each run's wall time, HTTP requests (as the demo server counted them), article
requests, full article bodies and 304s, and the second run's ratios to the first. Targets:
the second run costs at most 25% of the first's wall time, and fetches at most 10% of its
article pages with a full body.

By default the demo sites are crawled politely, as trawl crawls a real site (one request at a
time, a delay between requests, AutoThrottle): ``--delay`` sets that delay (0 crawls at full
speed, where the fixed costs of a run dominate). The Prefect API is started before the
first run, so neither run pays for it.

    .venv/bin/python bench/incremental.py [--delay 1.0]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# this file's name shadows the `incremental` package Twisted imports: take bench/ off the path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def sources_file(folder: Path, delay: float) -> Path:
    """The demo sources, crawled politely with ``delay`` (or at full speed when 0)."""
    from flows.demo import DEMO_SOURCES

    text = DEMO_SOURCES.read_text(encoding="utf-8")
    if delay > 0:
        text = text.replace("crawl = { polite = false }", f"crawl = {{ download_delay = {delay} }}")
    path = folder / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_once(server: Any, sources: Path, folder: Path) -> dict[str, Any]:
    """One nightly run; its wall time and what it cost the sites."""
    import duckdb

    from flows.nightly import nightly

    server.requests.reset()
    started = time.perf_counter()
    reports = nightly(sources_file=str(sources), db=str(folder / "w.duckdb"), data_dir=str(folder))
    wall = time.perf_counter() - started
    con = duckdb.connect(str(folder / "w.duckdb"), read_only=True)
    run_id = reports[0]["run_id"]
    articles, bodies, not_modified = con.execute(
        "select count(*), count(*) filter (status = 200), count(*) filter (status = 304)"
        " from fetches where run_id = ? and role = 'article'",
        [run_id],
    ).fetchone() or (0, 0, 0)
    con.close()
    return {
        "wall_s": wall,
        "requests": server.requests.count(),
        "article_requests": articles,
        "full_bodies": bodies,
        "not_modified": not_modified,
        "not_due": sum(r["not_due"] for r in reports),
        "new_documents": sum(r["new_documents"] for r in reports),
        "new_versions": sum(r["new_versions"] for r in reports),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--delay", type=float, default=1.0, help="seconds between requests, 1 s as for a real site (0: full speed)"
    )
    args = parser.parse_args()

    from prefect import flow

    from flows.demo import demo_sites

    @flow(name="warm-up")
    def warm_up() -> None:
        """Starts the temporary Prefect API outside the timed runs."""

    warm_up()
    with tempfile.TemporaryDirectory(prefix="trawl-bench-") as tmp, demo_sites() as server:
        folder = Path(tmp)
        sources = sources_file(folder, args.delay)
        first = run_once(server, sources, folder)
        second = run_once(server, sources, folder)
    columns = list(first)
    print(f"\ntwo nightly runs on the unchanged demo sites (delay {args.delay} s between requests)\n")
    print(f"{'run':<8}" + "".join(f"{c:>18}" for c in columns))
    for name, row in (("first", first), ("second", second)):
        print(f"{name:<8}" + "".join(f"{row[c]:>18.2f}" if c == "wall_s" else f"{row[c]:>18}" for c in columns))

    def ratio(key: str) -> float:
        return float(second[key]) / float(first[key]) if first[key] else float("nan")

    print()
    print(f"second/first wall time:    {ratio('wall_s'):.2f}  (target <= 0.25)")
    print(f"second/first requests:     {ratio('requests'):.2f}")
    print(f"second/first full bodies:  {ratio('full_bodies'):.2f}  (target <= 0.10)")


if __name__ == "__main__":
    main()
