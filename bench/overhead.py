"""Fixed overhead of small runs: where a no-op night's wall time goes, and how long `trawl sql` takes.

Serves the demo sites on loopback, runs `trawl run` on them once (night 1, cold), then again
with nothing changed (the no-op night), and splits the no-op night's wall time by the
timestamps of its own log lines: process start and imports, the temporary Prefect API,
planning, crawl, extract, load, indexes and checks, the run's end, and the exit. Then times
`trawl sql "select 1"` (median of five).

    .venv/bin/python bench/overhead.py [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.demo import DEMO_SOURCES, demo_sites  # noqa: E402

TRAWL = str(Path(sys.executable).with_name("trawl"))
STAMP = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+ +\| (.*)$")
# (phase, the log line that ends it, "first" or "last" such line); a phase missing from the log is left out
MARKS = (
    ("start and imports", "Starting temporary server", "first"),
    ("Prefect API start", "Beginning flow run", "first"),
    ("plan", " source(s) into ", "first"),
    ("crawl", "Task run 'crawl-", "last"),
    ("extract", "Task run 'extract-", "last"),
    ("load", "Task run 'load-", "last"),
    ("indexes and checks", "Task run 'quality-", "last"),
    ("end of the run", "Stopping temporary server", "first"),
)


def _stamps(log: str, day: datetime) -> list[tuple[float, str]]:
    found = []
    for line in log.splitlines():
        m = STAMP.match(line.strip())
        if m:
            at = datetime.strptime(f"{day:%Y-%m-%d} {m.group(1)}", "%Y-%m-%d %H:%M:%S.%f")
            found.append((at.timestamp(), m.group(2)))
    return found


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(start, end) wall clock and the combined output of one command."""
    start = time.time()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    end = time.time()
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return start, end, done.stdout + done.stderr


def breakdown(start: float, end: float, log: str) -> list[tuple[str, float]]:
    """Seconds per phase, from the command's start to its end, cut at the first line of each mark."""
    stamps = _stamps(log, datetime.fromtimestamp(start))
    phases, last = [], start
    for name, mark, which in MARKS:
        times = [t for t, text in stamps if mark in text and t >= last - 0.001]
        at = (times[0] if which == "first" else times[-1]) if times else None
        if at is None:
            continue
        phases.append((name, at - last))
        last = at
    phases.append(("exit", end - last))
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="no-op nights to time (the median is printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trawl-overhead-") as tmp, demo_sites() as server:
        base = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env |= {"PREFECT_HOME": str(base / "prefect"), "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
        command = [TRAWL, "run", "--sources", str(DEMO_SOURCES), "--db", str(base / "w.duckdb")]
        command += ["--data-dir", str(base / "data")]
        start, end, _ = _run(command, env)
        print(f"demo sites: {', '.join(server.urls.values())}")
        print(f"night 1 (cold, {sum(1 for _ in server.urls)} sources): {end - start:.1f} s wall")
        nights = []
        for _ in range(args.runs):
            nights.append(_run(command, env))
        walls = [end - start for start, end, _ in nights]
        chosen = sorted(nights, key=lambda n: n[1] - n[0])[len(nights) // 2]
        print(f"no-op night: {statistics.median(walls):.1f} s wall (median of {len(walls)}: ", end="")
        print(", ".join(f"{w:.1f}" for w in walls) + ")")
        print(f"{'phase':24}{'seconds':>9}{'share':>8}")
        total = chosen[1] - chosen[0]
        for name, seconds in breakdown(*chosen):
            print(f"{name:24}{seconds:>9.1f}{seconds / total:>8.0%}")
        sql = []
        for _ in range(5):
            start, end, _ = _run([TRAWL, "sql", "select 1", "--db", str(base / "w.duckdb"), "--format", "csv"], env)
            sql.append(end - start)
        print(f'trawl sql "select 1": {statistics.median(sql):.2f} s (median of 5)')


if __name__ == "__main__":
    main()
