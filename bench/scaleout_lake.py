"""1 against 2 loaders at once into a DuckLake warehouse with a PostgreSQL catalog.

Starts a throwaway PostgreSQL cluster on loopback (``tests/postgres.py``: installed from Debian's
packages when absent), then for each case a fresh lake: K loader processes (``tests/lake_loader.py``),
each loading N generated articles of its own source into its own staging file and publishing them,
released at once. Prints pages/s (pages loaded and published, per wall second from the release to
the last loader's end) for each case and the ratio. Each case runs ``--repeat`` times (median).

    .venv/bin/python bench/scaleout_lake.py [--n 2000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from postgres import Cluster, cluster  # noqa: E402
from test_lake import create_lake, together  # noqa: E402


def run_case(pg: Cluster, loaders: int, n: int, name: str) -> float:
    """Pages per second of ``loaders`` loaders at once, ``n`` pages each, into a new lake."""
    with tempfile.TemporaryDirectory(prefix="trawl-scaleout-lake-") as tmp:
        folder = Path(tmp)
        catalog = pg.createdb(name)
        create_lake(catalog, folder / "data")
        jobs = [(f"s{k}", f"src{k}", n) for k in range(loaders)]
        results = together(folder, (catalog, folder / "data"), jobs)
        assert all(r["landed"] for r in results), results
        wall = max(r["seconds"] for r in results)  # all released at once
        retries = sum(r["retries"] for r in results)
        pages = loaders * (n + 1)  # each batch: n articles and the shared statement
        split = ", ".join(f"{r['load_seconds']:.2f} + {r['publish_seconds']:.2f} s" for r in results)
        print(f"  {loaders} loader(s): {pages} pages in {wall:.2f} s, {pages / wall:.0f} pages/s, {retries} retries")
        print(f"    local load + publish per loader: {split}")
        return pages / wall


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run both cases; their pages/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="pages per loader")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case (median)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with cluster() as pg:
        one = statistics.median(run_case(pg, 1, args.n, f"one_{i}") for i in range(args.repeat))
        two = statistics.median(run_case(pg, 2, args.n, f"two_{i}") for i in range(args.repeat))
    result = {"one_loader_pages_per_s": one, "two_loaders_pages_per_s": two, "ratio": two / one}
    print(f"1 loader: {one:.0f} pages/s; 2 loaders at once: {two:.0f} pages/s; ratio {two / one:.2f}x")
    print(f"(n={args.n} pages per loader, repeat={args.repeat}, {time.monotonic() - started:.0f} s in all)")
    return result


if __name__ == "__main__":
    main()
