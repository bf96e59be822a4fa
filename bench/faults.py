"""The fault world once through the nightly flow: each fault and what became of it, crashes, lost
good documents, and the peak RSS of each kind of process.

    .venv/bin/python bench/faults.py

Serves the hostile site of ``tests/faults/site.py`` on loopback (every fault at a URL of its
own, a calendar-trap site, a site that asks to come back in a day, and two out-of-scope hosts
that count every request), runs one night on it with a temporary Prefect API, warehouse and
data folder, and prints one row per fault with the reason the warehouse recorded.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# the fault world lives with the tests; bench/ itself must not shadow packages (bench/incremental.py)
sys.path[0] = str(Path(__file__).resolve().parents[1] / "tests")

from faults.site import FAULTS  # noqa: E402
from faults.world import fault_night, fault_url  # noqa: E402


def main() -> int:
    from prefect.testing.utilities import prefect_test_harness

    with (
        tempfile.TemporaryDirectory(prefix="trawl-faults-") as tmp,
        prefect_test_harness(server_startup_timeout=120),
        fault_night(Path(tmp)) as night,
    ):
        width = max(len(f.name) for f in FAULTS)
        print(f"{'fault':<{width}}  outcome (as recorded)")
        for fault in FAULTS:
            print(f"{fault.name:<{width}}  {night.outcome(fault_url(night.servers, fault.name))}")
        s = night.servers
        statuses = "; ".join(f"{k} {v}" for k, v in sorted(night.statuses().items()))
        print()
        print(f"run: {night.seconds:.0f} s, flow run {night.state}")
        print(f"sources: {statuses}")
        print(f"crashes: {1 if night.crash else 0}" + (f" ({night.crash})" if night.crash else ""))
        lost = night.lost()
        print(
            f"good documents: {len(night.good_urls()) - len(lost)} of {len(night.good_urls())} landed; lost: {len(lost)}"
        )
        for url in lost:
            print(f"  lost: {url} ({night.outcome(url)})")
        print(f"out-of-scope requests: other port {s.offsite_hits.total()}, 127.0.0.2 {s.private_hits.total()}")
        print(f"calendar trap: {s.trap_hits.count('/page/')} listing pages requested")
        print("peak RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(night.rss.peaks.items())))
        print(f"peak RSS of any child process (getrusage): {night.rss.children_bound:.0f} MB")
        return 1 if night.crash or lost else 0


if __name__ == "__main__":
    sys.exit(main())
