"""Concurrency bounds shared by every trawl flow run, as Prefect global concurrency limits.

- ``trawl-crawls``: how many crawls run at once across all runs (``$TRAWL_MAX_PARALLEL_CRAWLS``, 4);
- ``trawl-source-<key>``: one crawl of a source at a time, whichever flow started it
  (a backfill and the nightly never hit one site together).

The single writer of the DuckDB file is not a Prefect limit: it is an OS file lock beside
the file (``warehouse.lock``), free in microseconds and released by the kernel when its
holder dies. (A Prefect slot costs a server round trip, on a SQLite-backed server often a
~2 s client retry, and a crashed holder keeps it until its lease expires.)

The limits are created when missing at the start of a run and never overwritten, so a value
changed in the UI (Concurrency page) or with ``prefect gcl update`` stays.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from prefect import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import MissingContextError, ObjectAlreadyExists, ObjectNotFound
from prefect.logging import get_logger, get_run_logger

from warehouse.lock import writer_lock

CRAWLS = "trawl-crawls"
DEFAULT_PARALLEL_CRAWLS = 4
# a slot is held with a lease the client renews; a crashed holder frees it after this long
LEASE_SECONDS = 300

logger = get_logger("trawl.limits")


def source_limit(key: str) -> str:
    """The limit name of one source (limit names allow lower-case letters, digits and dashes)."""
    return "trawl-source-" + key.replace("_", "-")


def parallel_crawls() -> int:
    """The configured bound on simultaneous crawls."""
    return max(1, int(os.environ.get("TRAWL_MAX_PARALLEL_CRAWLS", DEFAULT_PARALLEL_CRAWLS)))


def wanted(keys: Iterable[str]) -> dict[str, int]:
    """Every limit a run over these sources uses, with its default size."""
    return {CRAWLS: parallel_crawls(), **{source_limit(k): 1 for k in keys}}


def ensure_limits(keys: Iterable[str]) -> None:
    """Create the run's limits when missing; a server that refuses only costs the bound (logged)."""
    try:
        with get_client(sync_client=True) as client:
            for name, size in wanted(keys).items():
                try:
                    client.read_global_concurrency_limit_by_name(name)
                except ObjectNotFound:
                    with suppress(ObjectAlreadyExists):  # another run created it meanwhile
                        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=size))
    except Exception as error:  # never stop a run for its bookkeeping
        logger.warning("could not create concurrency limits (%s); runs are not bounded", type(error).__name__)


@contextmanager
def crawl_slot(key: str) -> Iterator[None]:
    """Hold a crawl slot and the source's own slot while crawling it."""
    with concurrency([CRAWLS, source_limit(key)], occupy=1, lease_duration=LEASE_SECONDS):
        yield


@contextmanager
def warehouse_writer(db: str | Path, purpose: str = "write") -> Iterator[None]:
    """Be the warehouse's only writer (waiting, with one log line, while another process is)."""

    def waiting(holder: str) -> None:
        try:  # in a flow or task run: on its page in the UI
            run_logger: Any = get_run_logger()
        except MissingContextError:
            run_logger = logger
        run_logger.info("waiting for the warehouse %s: held by %s", db, holder)

    with writer_lock(db, purpose, on_wait=waiting):
        yield
