"""Scale-out switches of issue 15, measured: the same 4-source night on 1 vs 2 pool workers, and
1 vs 2 concurrent loaders into DuckLake (PostgreSQL catalog on loopback).

Runs ``bench/scaleout_workers.py`` (a local Prefect server, the planner and its shard workers on
the demo-like loopback hosts) and ``bench/scaleout_lake.py`` (a throwaway PostgreSQL cluster) in
this process, one after the other, and prints both results and their ratios. On 2 cores expect
little speed-up: the point is that the switches work, and what they cost.

    .venv/bin/python bench/scaleout.py [--shards 2] [--n 2000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scaleout_lake
import scaleout_workers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shards", type=int, default=2, help="shards of the night")
    parser.add_argument("--n", type=int, default=2000, help="pages per DuckLake loader")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each DuckLake case (median)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print("== the 4-source night on the work pool: 1 worker, then 2", flush=True)
    nights = scaleout_workers.main(["--shards", str(args.shards), "--workers", "1", "2"])
    print("== DuckLake, PostgreSQL catalog: 1 loader, then 2 at once", flush=True)
    lake = scaleout_lake.main(["--n", str(args.n), "--repeat", str(args.repeat)])
    one, two = nights["nights"][0], nights["nights"][-1]
    print("== summary")
    print(f"night, 1 worker   {one['seconds']:7.1f} s  ({one['state']})")
    print(f"night, 2 workers  {two['seconds']:7.1f} s  ({two['state']})  speed-up {nights['ratio']:.2f}x")
    print(f"DuckLake, 1 loader    {lake['one_loader_pages_per_s']:7.0f} pages/s")
    print(f"DuckLake, 2 loaders   {lake['two_loaders_pages_per_s']:7.0f} pages/s  ratio {lake['ratio']:.2f}x")
    print(f"({time.monotonic() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
