"""Concurrency bounds shared by every trawl process on a data folder, as OS file locks.

- crawl slots: how many crawls run at once across all runs (``$TRAWL_MAX_PARALLEL_CRAWLS``, 4),
  ``<data>/locks/crawl-<n>.lock``, one file per slot;
- ``<data>/locks/source-<key>.lock``: one crawl of a source at a time, whichever flow started
  it (a backfill and the nightly never hit one site together);
- ``<warehouse>.run.lock``: one nightly run of all sources of a warehouse at a time, held for
  the whole run; a second ``trawl run`` waits (saying for whom) and an unfinished run in
  ``runs`` is taken over only once this lock is free, i.e. its holder is dead. A run of chosen
  sources (``--source``, a shard of the planner, flows/planner.py) holds it *shared*, so that
  the shards of one night run together, and ``<warehouse>.run-<hash>.lock`` of its source set
  exclusively (one run of a set at a time); a run of all sources waits for every one of them;
- the single writer of the DuckDB file (``<warehouse>.lock``, see ``warehouse.lock``).

All are ``flock`` locks, free in microseconds and released by the kernel when their holder
dies, even on SIGKILL. (They replaced Prefect global concurrency limits: slots taken through
Prefect's temporary API server stayed taken after a SIGKILL, since that server runs no
lease-expiry service, and the next run waited for ever.) Each wait logs one line naming the
holders (pid, host, what they do).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from prefect.exceptions import MissingContextError
from prefect.logging import get_logger, get_run_logger

from flows import settings
from warehouse.lock import hold_one, writer_lock

DEFAULT_PARALLEL_CRAWLS = 4

logger = get_logger("trawl.limits")


def parallel_crawls() -> int:
    """The configured bound on simultaneous crawls."""
    return settings.max_parallel_crawls(DEFAULT_PARALLEL_CRAWLS)


def lock_dir(data_dir: str | Path) -> Path:
    """Where the crawl and source slots of a data folder live."""
    return Path(data_dir) / "locks"


def _log_wait(what: str, level: int = logging.WARNING) -> Any:
    """The one waiting line of a lock: in the run's log (the UI) when there is a run."""

    def waiting(holder: str) -> None:
        try:  # in a flow or task run: on its page in the UI
            run_logger: Any = get_run_logger()
        except MissingContextError:
            run_logger = logger
        run_logger.log(level, "waiting for %s: held by %s", what, holder)

    return waiting


@contextmanager
def crawl_slot(key: str, locks: str | Path) -> Iterator[None]:
    """Hold the source's own slot, then one of the crawl slots, while crawling it."""
    folder = Path(locks)
    purpose = f"crawl {key}"
    with hold_one([folder / f"source-{key}.lock"], purpose, on_wait=_log_wait(f"the crawl slot of {key}")):
        slots = [folder / f"crawl-{n}.lock" for n in range(parallel_crawls())]
        with hold_one(slots, purpose, on_wait=_log_wait(f"one of {len(slots)} crawl slots")):
            yield


def run_lock_path(db: str | Path) -> Path:
    """The nightly-run lock of a warehouse: ``<name>.run.lock`` beside it."""
    path = Path(db)
    return path.with_name(path.name + ".run.lock")


def set_lock_path(db: str | Path, sources: Sequence[str]) -> Path:
    """The lock of a run of these sources: ``<name>.run-<12 hex digits of their sorted keys>.lock``."""
    path = Path(db)
    digest = hashlib.sha1("\n".join(sorted(set(sources))).encode()).hexdigest()[:12]
    return path.with_name(f"{path.name}.run-{digest}.lock")


@contextmanager
def nightly_run(db: str | Path, purpose: str, sources: Sequence[str] | None = None) -> Iterator[None]:
    """Be the warehouse's only nightly run (waiting, with one log line, while another is); with
    ``sources``, the only run of that set, beside runs of other sets (the shards of a night)."""
    waiting = _log_wait(f"the other trawl run on {db} to end")
    with ExitStack() as held:
        if sources:
            held.enter_context(hold_one([set_lock_path(db, sources)], purpose, on_wait=waiting))
        held.enter_context(hold_one([run_lock_path(db)], purpose, on_wait=waiting, shared=bool(sources)))
        yield


@contextmanager
def warehouse_writer(db: str | Path, purpose: str = "write") -> Iterator[None]:
    """Be the warehouse's only writer (waiting, with one log line, while another process is)."""
    with writer_lock(db, purpose, on_wait=_log_wait(f"the warehouse {db}", logging.INFO)):
        yield
