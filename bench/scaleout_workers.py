"""Scale-out on the work pool: the same sharded night on 1 shard worker, then on 2.

One local Prefect server (prefect.yaml applied), the four demo-like sources of ``demo/hosts.py``
on loopback hosts, and for each measurement a fresh warehouse and archive, N process workers on
the pool's ``shards`` queue (``--limit 1`` each) plus one worker for the planner. The time is the
planner's flow run from its creation to its end, as the user waits for it (the workers are up
and polling before it starts). Prints one line per night and the ratio.

    .venv/bin/python bench/scaleout_workers.py [--shards 2] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo.hosts import HostedSites  # noqa: E402
from flows.local_server import free_port  # noqa: E402
from flows.ui import Stack, local_stack  # noqa: E402
from flows.workers import pool_workers, wait_online  # noqa: E402

TIMEOUT_S = 900
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


def _api(stack: Stack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = httpx.request(method, f"{stack.api_url}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def night(stack: Stack, sources: Path, folder: Path, workers: int, shards: int) -> dict[str, Any]:
    """One planner run with ``workers`` shard workers, into a new warehouse under ``folder``."""
    env = {
        **stack.env,
        "TRAWL_SOURCES": str(sources),
        "TRAWL_DB": str(folder / "trawl.duckdb"),
        "TRAWL_DATA_DIR": str(folder / "data"),
    }
    names = [f"{workers}w-shard-{i + 1}" for i in range(workers)]
    with pool_workers(env, names, folder / "logs", planner_worker=f"{workers}w-planner"):
        wait_online(stack.api_url, [*names, f"{workers}w-planner"])
        deployment = _api(stack, "GET", "/deployments/name/planner/planner")
        started = time.monotonic()
        body = {"parameters": {"shards": shards, "poll_s": 1.0}}
        run = _api(stack, "POST", f"/deployments/{deployment['id']}/create_flow_run", body)
        while run["state_type"] not in TERMINAL and time.monotonic() - started < TIMEOUT_S:
            time.sleep(0.5)
            run = _api(stack, "GET", f"/flow_runs/{run['id']}")
        seconds = time.monotonic() - started
    shard = _api(stack, "GET", "/deployments/name/nightly/shard")
    runs = _api(stack, "POST", "/flow_runs/filter", {"flow_runs": {"deployment_id": {"any_": [shard["id"]]}}})
    mine = [r for r in runs if r["labels"].get("prefect.worker.name") in names]
    return {
        "workers": workers,
        "seconds": round(seconds, 1),
        "state": run["state_name"],
        "message": run["state"]["message"],
        "shards": {r["name"]: r["labels"].get("prefect.worker.name") for r in mine},
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the nights; print and return their times and the ratio (1 worker / most workers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="trawl-scaleout-") as tmp, HostedSites() as sites:
        base = Path(tmp)
        sources = sites.write_sources(base)
        with local_stack(port=free_port(), home=base / "prefect", demo=False, worker=False) as stack:
            for workers in args.workers:
                result = night(stack, sources, base / f"{workers}w", workers, args.shards)
                results.append(result)
                print(
                    f"{workers} worker(s): {result['seconds']:.1f} s, planner {result['state']} ({result['message']}),"
                    f" shards {result['shards']}",
                    flush=True,
                )
    ratio = results[0]["seconds"] / results[-1]["seconds"]
    print(f"{results[0]['workers']} worker / {results[-1]['workers']} workers: {ratio:.2f}x")
    return {"nights": results, "ratio": round(ratio, 2)}


if __name__ == "__main__":
    main()
