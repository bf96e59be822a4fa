"""Extraction throughput: the local process pool against Dask (flows/extract_dask.py), same pages, same run.

Serves ``bench/bigsite.py`` (N WordPress-like posts of 42-121 KB) on loopback, crawls it once
with the spider into a crawl folder, starts a Prefect API as `trawl run` does, then extracts the
same archived pages four ways, timed end to end (cluster start and stop included):

1. the local pool (``extract_pages``, ``--workers`` processes);
2. Dask, a ``LocalCluster`` of ``--workers`` processes started for the run (``engine = "dask"``);
3. Dask, a running ``LocalCluster`` by its address, on its first run (its workers import and warm up);
4. the same running cluster again (warm: what a long-lived cluster costs per crawl).

Every run's ``extracted.jsonl`` must equal the local pool's, row for row.

    .venv/bin/python bench/dask_extract.py [--n 600] [--workers 2] [--batch-size 50]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.extract import article_refs, extract_pages  # noqa: E402
from flows.extract_settings import ExtractSettings  # noqa: E402
from flows.local_server import temporary_api  # noqa: E402
from spiders.folder import CrawlFolder  # noqa: E402


def crawl(n: int, tmp: Path) -> Path:
    """Serve the big site and crawl it once; the crawl folder."""
    ready = tmp / "port"
    site = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bigsite.py"), "--n", str(n), "--ready", str(ready)])
    try:
        while not ready.exists() or not ready.read_text():
            time.sleep(0.1)
        out_dir = tmp / "crawl"
        job = {
            "source": "bigsite",
            "run_id": "bench",
            "out_dir": str(out_dir),
            "home_url": f"http://127.0.0.1:{ready.read_text()}/",
            "polite": False,
            "timeout": 30,
            "rest_api": False,
            "archive_pages": False,
            "allow_private_addresses": True,
            "max_pages": n + 100,
        }
        (tmp / "job.json").write_text(json.dumps(job), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "spiders.crawl", str(tmp / "job.json")], cwd=ROOT, check=True)
        return out_dir
    finally:
        site.terminate()
        site.wait(timeout=10)


def timed(name: str, pages: int, run: Callable[[], Path], reference: list[str] | None) -> list[str]:
    start = time.monotonic()
    target = run()
    seconds = time.monotonic() - start
    rows = target.read_text(encoding="utf-8").splitlines()
    same = "" if reference is None else ("  same rows" if rows == reference else "  ROWS DIFFER")
    print(f"{name:<44} {pages:>6} pages {seconds:7.1f} s {pages / seconds:7.1f} pages/s{same}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trawl-dask-bench-") as name:
        tmp = Path(name)
        out_dir = crawl(args.n, tmp)
        refs = article_refs(out_dir)
        target = CrawlFolder(out_dir).extracted
        print(f"{len(refs)} archived article pages, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
        with temporary_api(tmp / "api.log") as ready:
            ready()
            import dask
            from distributed import LocalCluster

            from flows.extract_dask import extract_crawl_on_dask

            def dask_run(settings: ExtractSettings) -> Callable[[], Path]:
                def run() -> Path:
                    target.unlink(missing_ok=True)
                    return extract_crawl_on_dask(out_dir, settings, None).target

                return run

            local = timed(
                f"local pool, {args.workers} processes",
                len(refs),
                lambda: extract_pages(refs, tmp / "local.jsonl", args.workers),
                None,
            )
            own = ExtractSettings(engine="dask", workers=args.workers, batch_size=args.batch_size)
            timed(f"Dask, LocalCluster of {args.workers} started for the run", len(refs), dask_run(own), local)
            with (
                dask.config.set({"distributed.worker.daemon": False}),
                LocalCluster(
                    n_workers=args.workers, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0"
                ) as cluster,
            ):
                running = ExtractSettings(engine="dask", address=cluster.scheduler_address, batch_size=args.batch_size)
                timed("Dask, running cluster, first run", len(refs), dask_run(running), local)
                timed("Dask, running cluster, warm", len(refs), dask_run(running), local)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
