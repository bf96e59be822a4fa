"""A lake transaction retried, a bounded number of times, when the catalog refuses its commit.

DuckLake retries catalog-id races itself; what reaches trawl is a ``TransactionException``: a
conflict with a concurrent writer (``Transaction conflict``), or a SQLite catalog's ``database
is locked`` (the read-to-write lock upgrade its busy timeout cannot cover, duckdb/ducklake#1309).
The work runs again from the start, after a jittered, growing pause."""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import duckdb

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 8  # a commit that fails this many times is a real fault, not a race
FIRST_PAUSE = 0.05  # seconds; doubled after each failure, with jitter (x0.5-1.5)
# DuckDB's words for a refusal caused by another writer: a SQLite catalog's lock, a conflict
# between two transactions, DuckLake's own retries of a catalog-id race exhausted
RETRYABLE = ("database is locked", "conflict", "maximum retry count")


@dataclass(frozen=True)
class Retried(Generic[T]):
    """What the work returned, and how many of its attempts were rolled back and run again."""

    value: T
    retries: int


class LakeConflict(RuntimeError):
    """The lake refused a transaction ``ATTEMPTS`` times."""


def retryable(error: duckdb.Error) -> bool:
    """A commit the catalog refused because of another writer (worth trying again)."""
    message = str(error).lower()
    return any(words in message for words in RETRYABLE)


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, when a transaction is still open (a failed COMMIT has already ended it)."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def in_lake_transaction(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[int], T],
    attempts: int = ATTEMPTS,
    pause: float = FIRST_PAUSE,
) -> Retried[T]:
    """``work(retries)`` in one transaction committed on ``con``, run again from the start (at most
    ``attempts`` times in all) when the lake refuses it, told how many attempts were refused
    before; raises LakeConflict after the last."""
    for attempt in range(attempts):
        con.execute("begin transaction")
        try:
            value = work(attempt)
            con.execute("commit")
            return Retried(value, attempt)
        except duckdb.Error as error:
            rollback(con)
            if not retryable(error):
                raise
            if attempt == attempts - 1:
                raise LakeConflict(f"the lake refused the transaction {attempts} times: {error}") from error
            wait = pause * 2**attempt * random.uniform(0.5, 1.5)
            reason = " ".join(str(error).split())  # one log line
            log.info("lake commit refused (%s); attempt %d of %d in %.2f s", reason, attempt + 2, attempts, wait)
            time.sleep(wait)
        except BaseException:
            rollback(con)
            raise
    raise AssertionError("unreachable")
