"""The nightly run lock (flows/limits.py): runs of different source sets (a night's shards) hold it
together; a run of all sources, or a second run of the same set, waits for them."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from flows.limits import nightly_run


class Holder(threading.Thread):
    """Takes the run lock for ``sources`` in a thread (flock: each its own open file) until told to stop."""

    def __init__(self, db: Path, sources: Sequence[str] | None) -> None:
        super().__init__(daemon=True)
        self.db, self.sources = db, sources
        self.holding, self.release = threading.Event(), threading.Event()

    def run(self) -> None:
        with nightly_run(self.db, f"run of {self.sources}", self.sources):
            self.holding.set()
            self.release.wait(30)

    def __enter__(self) -> Holder:
        self.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.release.set()
        self.join(10)


def test_shards_of_one_night_hold_the_run_lock_together(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with ExitStack() as stack:
        first = stack.enter_context(Holder(db, ["kprf_1", "kprf_2"]))
        second = stack.enter_context(Holder(db, ["movimento_1"]))
        assert first.holding.wait(5) and second.holding.wait(5)


def test_a_run_of_all_sources_waits_for_the_shards(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Holder(db, ["a"]) as shard:
        assert shard.holding.wait(5)
        with Holder(db, None) as whole:
            assert not whole.holding.wait(0.5)
            shard.release.set()
            assert whole.holding.wait(5)


def test_a_second_run_of_one_source_set_waits(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Holder(db, ["b", "a"]) as shard:
        assert shard.holding.wait(5)
        with Holder(db, ["a", "b"]) as again:
            assert not again.holding.wait(0.5)
            shard.release.set()
            assert again.holding.wait(5)
