"""Kill `trawl run` anywhere, with the user's own PREFECT_HOME; and two `trawl run` at once on one warehouse.

Every run here is the real CLI in its own process group, all sharing ONE PREFECT_HOME (as a
user's shell would), with a marker in its environment that every descendant inherits: after a
kill, /proc must hold no process with that marker (children die with their parent).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import duckdb
import processes
import pytest
import test_resume
from test_resume import content

from flows.demo import DEMO_SOURCES

# the resume tests' module fixtures: one demo server, one uninterrupted run to compare with
server = test_resume.server
reference = test_resume.reference
TRAWL = str(Path(sys.executable).with_name("trawl"))
MARK = "TRAWL_KILL_TEST_MARK"
SEED = 20261204
POINTS = int(os.environ.get("TRAWL_KILL_POINTS", "12"))  # fewer for a quick local check; CI runs 12 (≥ 10 kills)
STARTED = " source(s) into "  # the run's first line once it holds its run lock and run id
# where a run is when it prints these (the kill's phase, for the report)
PHASES = [
    ("crawl", "Task run 'crawl-"),
    ("extract", "extracted "),
    ("load", "loaded "),
    ("index", "indexes refreshed"),
    ("checks/snapshot", "Task run 'quality-"),
]


def trawl_run(home: Path, db: Path, log: Path, mark: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # its own temporary server
    env |= {"PREFECT_HOME": str(home), MARK: mark, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as out:
        return subprocess.Popen(
            [TRAWL, "run", "--sources", str(DEMO_SOURCES), "--db", str(db), "--data-dir", str(db.parent)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def marked(mark: str) -> list[str]:
    """Every live process of the run marked ``mark`` (its command line)."""
    return processes.marked(MARK, mark)


def wait_for(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


def phase(log: Path) -> str:
    text = log.read_text(errors="replace")
    reached = [name for name, needle in PHASES if needle in text]
    return reached[-1] if reached else "startup"


@pytest.mark.timeout(3600)  # 10 killed runs and their re-runs: ~1 min each on an idle machine, 3 when busy
def test_kill_anywhere_then_a_plain_rerun_equals_an_uninterrupted_run(
    reference: dict[str, Any], tmp_path: Path
) -> None:
    home = tmp_path / "prefect-home"  # ONE home for every run: what a killed run leaves, the next one meets
    rng = random.Random(SEED)
    started = time.monotonic()
    # uninterrupted CLI runs first, in the same home: how long a run lasts here once it has
    # started, so that the kills are spread over the whole run, whatever the machine's speed. The
    # first run in a new home also creates Prefect's database, which makes it slower than the runs
    # killed below: the shorter of two runs is the measure (late kills would land after the end)
    durations = []
    for attempt in range(2):
        first = tmp_path / f"timing{attempt}"
        first.mkdir()
        timing = trawl_run(home, first / "w.duckdb", first / "run.log", uuid.uuid4().hex)
        assert wait_for(
            lambda f=first, t=timing: STARTED in (f / "run.log").read_text(errors="replace") or t.poll() is not None,
            300,
        )
        t_run = time.monotonic()
        assert timing.wait(timeout=600) == 0, (first / "run.log").read_text(errors="replace")[-3000:]
        durations.append(time.monotonic() - t_run)
    duration = min(durations)
    outcomes = []
    for point in range(POINTS):
        whole_group = point % 2 == 0
        # after the run started: the crawl takes most of a run, extract, load, index and checks its
        # last seconds, so every other kill is drawn from the run's last third
        delay = rng.uniform(0.0, 0.7) * duration if point % 2 == 0 else rng.uniform(0.7, 0.97) * duration
        folder = tmp_path / f"p{point}"
        folder.mkdir()
        db, log, mark = folder / "w.duckdb", folder / "killed.log", uuid.uuid4().hex
        proc = trawl_run(home, db, log, mark)
        assert wait_for(lambda p=log, c=proc: STARTED in p.read_text(errors="replace") or c.poll() is not None, 300)
        try:
            proc.wait(timeout=delay)
            killed = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL) if whole_group else os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            killed = True
        where = phase(log)
        left = [] if wait_for(lambda m=mark: not marked(m), 10) else marked(mark)
        assert not left, f"point {point} ({where}): processes of the killed run left: {left}"
        finished_before = False
        if db.exists():  # the file always opens
            con = duckdb.connect(str(db), read_only=True)
            finished_before = con.execute("select count(*) from runs where status = 'completed'").fetchone() == (1,)
            con.close()
        rerun_log = folder / "rerun.log"
        t0 = time.monotonic()
        rerun = trawl_run(home, db, rerun_log, uuid.uuid4().hex)
        assert wait_for(lambda p=rerun_log: STARTED in p.read_text(errors="replace"), 120), (
            f"point {point}: the re-run did not start within 120 s:\n{rerun_log.read_text(errors='replace')[-3000:]}"
        )
        start_s = time.monotonic() - t0
        assert rerun.wait(timeout=600) == 0, rerun_log.read_text(errors="replace")[-3000:]
        after = content(db)
        con = duckdb.connect(str(db), read_only=True)
        runs = con.execute("select status, count(*) from runs group by 1").fetchall()
        con.close()
        if finished_before:  # killed after its last warehouse write (or not killed): the re-run is the next night
            assert runs == [("completed", 2)], f"point {point}: {runs}"
            assert {k: v for k, v in after.items() if k != "run_sources"} == {
                k: v for k, v in reference.items() if k != "run_sources"
            }, f"point {point} ({where}): after the next night, the warehouse differs from an uninterrupted run"
        else:
            assert after == reference, f"point {point} ({where}): warehouse differs from an uninterrupted run"
            assert runs == [("completed", 1)], f"point {point}: {runs}"  # the killed run, completed; no second run
        outcomes.append((point, round(delay, 1), "group" if whole_group else "main", killed, where, round(start_s, 1)))
    print(
        f"\nkill points (point, delay s, killed, was killed, phase, re-run start s), {time.monotonic() - started:.0f} s:"
    )
    for outcome in outcomes:
        print(" ", outcome)
    assert sum(o[3] for o in outcomes) >= min(10, POINTS - 1), outcomes  # a run may end before a late kill
    assert len({o[4] for o in outcomes if o[3]}) >= 3, f"kills landed in too few phases: {outcomes}"


@pytest.mark.timeout(1200)
def test_two_runs_at_once_on_one_warehouse_take_turns(reference: dict[str, Any], tmp_path: Path) -> None:
    home, db = tmp_path / "prefect-home", tmp_path / "w.duckdb"
    first = trawl_run(home, db, tmp_path / "first.log", uuid.uuid4().hex)
    time.sleep(3)
    second = trawl_run(home, db, tmp_path / "second.log", uuid.uuid4().hex)
    assert first.wait(timeout=600) == 0, (tmp_path / "first.log").read_text(errors="replace")[-3000:]
    assert second.wait(timeout=600) == 0, (tmp_path / "second.log").read_text(errors="replace")[-3000:]
    # whichever reaches the run lock first (each starts its own Prefect API first, which takes a
    # varying time) makes the other wait, and the waiting one names it
    logs = {
        run.pid: (tmp_path / name).read_text(errors="replace")
        for run, name in ((first, "first.log"), (second, "second.log"))
    }
    waited = [
        pid
        for pid, other in ((second.pid, first.pid), (first.pid, second.pid))
        if f"waiting for the other trawl run on {db} to end: held by pid {other}" in logs[pid]
    ]
    assert len(waited) == 1, logs
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("select run_id, status from runs order by started_at").fetchall()
    con.close()
    assert [s for _, s in runs] == ["completed", "completed"] and runs[0][0] != runs[1][0]
    folders = {p.name for p in (tmp_path / "raw" / "kprf_demo").iterdir()}
    assert folders == {runs[0][0], runs[1][0]}  # one archive folder per run, none shared
    assert content(db)["documents"] == reference["documents"]
