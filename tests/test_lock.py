"""The warehouse writer lock: one holder at a time across processes, freed when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from warehouse.lock import WriterLockTimeout, lock_path, writer_lock

HOLD = """
import sys, time
from warehouse.lock import writer_lock
with writer_lock(sys.argv[1], "holding for a test"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_waits_for_the_first_and_names_it(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = hold(db, 1.5)
    told: list[str] = []
    started = time.monotonic()
    with writer_lock(db, "second", on_wait=told.append):
        waited = time.monotonic() - started
    holder.wait(10)
    assert waited >= 1.0, waited
    assert len(told) == 1 and "holding for a test" in told[0] and f"pid {holder.pid}" in told[0]


def test_a_killed_holder_frees_the_lock_at_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    holder = hold(db, 600)
    with pytest.raises(WriterLockTimeout, match="holding for a test"), writer_lock(db, "impatient", timeout=0.3):
        pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    started = time.monotonic()
    with writer_lock(db, "after the crash", timeout=5):
        assert "after the crash" in lock_path(db).read_text()
    assert time.monotonic() - started < 1.0


def test_a_free_lock_is_taken_at_once_and_reentry_from_another_open_waits(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    started = time.monotonic()
    with writer_lock(db):
        assert time.monotonic() - started < 1.0
        # flock locks belong to an open file: a second open in the same process is a second writer
        with pytest.raises(WriterLockTimeout), writer_lock(db, timeout=0.2):
            pass


SLOT_HOLDER = """
import sys, time
from pathlib import Path
from flows.limits import crawl_slot
with crawl_slot(sys.argv[1], sys.argv[2]):
    print("HOLDING", flush=True)
    time.sleep(600)
"""


def test_crawl_slots_bound_crawls_and_a_killed_holder_frees_its_slots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.limits import crawl_slot

    monkeypatch.setenv("TRAWL_MAX_PARALLEL_CRAWLS", "1")
    env = {**os.environ, "TRAWL_MAX_PARALLEL_CRAWLS": "1"}
    holder = subprocess.Popen(
        [sys.executable, "-c", SLOT_HOLDER, "a", str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HOLDING"
        from warehouse.lock import hold_one

        waits: list[str] = []
        slot = hold_one([tmp_path / "crawl-0.lock"], "crawl b", timeout=0.5, on_wait=waits.append)
        with pytest.raises(WriterLockTimeout), slot:  # the only crawl slot is taken: another source waits
            pass
        assert waits == [f"pid {holder.pid} on {os.uname().nodename}: crawl a"]
        os.kill(holder.pid, signal.SIGKILL)  # the kernel releases its source and crawl slots
        holder.wait(timeout=10)
        started = time.monotonic()
        with crawl_slot("a", tmp_path):
            assert time.monotonic() - started < 1
    finally:
        holder.kill()
        holder.wait(timeout=10)
