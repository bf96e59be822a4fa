"""Fixed overhead of small runs: where a no-op night's wall time goes, and how long `trawl sql` takes.

Serves the demo sites on loopback, runs `trawl run` on them once (night 1, cold), then times
no-op nights (nothing changed) three ways, in the same run:

- **baseline**: the nightly flow called as a plain Python function in a new process, so that
  Prefect starts its own temporary API when the flow first needs it (what `trawl run` did
  before ``flows/local_server.py``);
- **trawl run, alone**: `trawl run` with no Prefect server around: it starts the temporary
  API first thing and imports the flow while that boots;
- **trawl run, beside `trawl serve`/`ui`**: a Prefect server is running and named in
  ``$PREFECT_HOME/trawl-server.json``, as `trawl serve` and `trawl ui` do: `trawl run` uses it.

Each no-op night's wall time is split by the timestamps of its own log lines: everything up to
the flow's first line (process start, imports, the Prefect API), planning, crawl, extract,
load, indexes and checks, the end of the flow, and the exit. Then `trawl sql "select 1"`
(median of five).

    .venv/bin/python bench/overhead.py [--runs 3]
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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.demo import DEMO_SOURCES, demo_sites  # noqa: E402
from flows.local_server import advertised, answers  # noqa: E402
from flows.ui import managed_process, offline_env, port_is_free  # noqa: E402

TRAWL = str(Path(sys.executable).with_name("trawl"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
STAMP = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+ +\| (.*)$")
# (phase, the log line that ends it, "first" or "last" such line); a phase missing from the log is left out
MARKS = (
    ("start, imports, API", "Beginning flow run", "first"),
    ("plan", " source(s) into ", "first"),
    ("crawl", "Task run 'crawl-", "last"),
    ("extract", "Task run 'extract-", "last"),
    ("load", "Task run 'load-", "last"),
    ("indexes and checks", "Task run 'quality-", "last"),
    ("end of the flow", "Finished in state", "last"),
)
BASELINE = (
    "import sys; from flows.nightly import nightly; from flows.outcome import RunFailed\n"
    "try: nightly(sources_file=sys.argv[1], db=sys.argv[2], data_dir=sys.argv[3])\n"
    "except RunFailed: sys.exit(1)\n"
)


def _stamps(log: str, day: datetime) -> list[tuple[float, str]]:
    """(epoch seconds, text) of the log's timestamped lines (clock times only: a line earlier than
    the one before it by more than 12 hours is on the next day, for a run across midnight)."""
    found: list[tuple[float, str]] = []
    for line in log.splitlines():
        m = STAMP.match(line.strip())
        if m:
            at = datetime.strptime(f"{day:%Y-%m-%d} {m.group(1)}", "%Y-%m-%d %H:%M:%S.%f")
            while found and at.timestamp() < found[-1][0] - 12 * 3600:
                at += timedelta(days=1)
            found.append((at.timestamp(), m.group(2)))
    return found


Night = tuple[float, float, str]


def _run(args: list[str], env: dict[str, str]) -> Night:
    """(start, end) wall clock and the combined output of one command."""
    start = time.time()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=ROOT)
    end = time.time()
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return start, end, done.stdout + done.stderr


def breakdown(start: float, end: float, log: str) -> list[tuple[str, float]]:
    """Seconds per phase, from the command's start to its end, cut at the marks' log lines."""
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


@contextmanager
def long_lived_server(home: Path) -> Iterator[str]:
    """A Prefect server as `trawl serve`/`trawl ui` keep one, named in ``home`` the way they do."""
    port = next(p for p in range(4300, 4400) if port_is_free(p))
    env = offline_env(port, home)
    with managed_process([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, home / "s.log"):
        deadline = time.monotonic() + 180
        while not answers(env["PREFECT_API_URL"]):
            if time.monotonic() > deadline:
                raise SystemExit(f"the Prefect server did not start; see {home / 's.log'}")
            time.sleep(0.5)
        with advertised(env["PREFECT_API_URL"], home):
            yield env["PREFECT_API_URL"]


def _nights(name: str, command: list[str], env: dict[str, str], runs: int) -> tuple[str, list[Night]]:
    nights = [_run(command, env) for _ in range(runs)]
    return name, nights


def _report(name: str, nights: list[Night], baseline: float | None) -> float:
    walls = [end - start for start, end, _ in nights]
    median = statistics.median(walls)
    ratio = f", {median / baseline:.2f}x the baseline" if baseline else ""
    print(f"\n{name}: {median:.1f} s wall (median of {len(walls)}: {', '.join(f'{w:.1f}' for w in walls)}){ratio}")
    chosen = sorted(nights, key=lambda n: n[1] - n[0])[len(nights) // 2]
    total = chosen[1] - chosen[0]
    for phase, seconds in breakdown(*chosen):
        print(f"  {phase:22}{seconds:>7.1f} s{seconds / total:>6.0%}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="no-op nights to time each way (the median is printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trawl-overhead-") as tmp, demo_sites() as server:
        base = Path(tmp)
        home = base / "prefect"
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env |= {"PREFECT_HOME": str(home), "COLUMNS": "200", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
        db, data = str(base / "w.duckdb"), str(base / "data")
        command = [TRAWL, "run", "--sources", str(DEMO_SOURCES), "--db", db, "--data-dir", data]
        start, end, _ = _run(command, env)
        print(f"demo sites: {', '.join(server.urls.values())}")
        print(f"night 1 (cold, {len(server.urls)} sources, new Prefect home): {end - start:.1f} s wall")
        timed = [
            _nights(
                "baseline (Prefect's own temporary API)",
                [sys.executable, "-c", BASELINE, str(DEMO_SOURCES), db, data],
                env,
                args.runs,
            )
        ]
        timed.append(_nights("trawl run, alone (its temporary API boots during the imports)", command, env, args.runs))
        with long_lived_server(home) as api:
            print(f"a long-lived Prefect server at {api}, named in {home}/trawl-server.json")
            timed.append(_nights("trawl run, beside trawl serve/ui (uses its server)", command, env, args.runs))
        print("\nno-op nights (nothing changed on the demo sites):")
        baseline = None
        for name, nights in timed:
            median = _report(name, nights, baseline)
            baseline = baseline or median
        sql = []
        for _ in range(5):
            start, end, _ = _run([TRAWL, "sql", "select 1", "--db", db, "--format", "csv"], env)
            sql.append(end - start)
        print(f'\ntrawl sql "select 1": {statistics.median(sql):.2f} s (median of 5)')


if __name__ == "__main__":
    main()
