"""One writer at a time: an exclusive OS file lock beside the warehouse file.

DuckDB lets one process write a file and refuses a second one at once ("Could not set
lock"). Every pipeline step that writes therefore takes ``writer_lock(db)`` first, which
waits for the current writer instead of failing. The lock is ``flock`` on
``<warehouse>.lock``: taking a free lock costs microseconds, and the kernel releases it when
its holder exits, even on SIGKILL, so a crashed run never leaves the warehouse locked. The
lock file names its holder (pid, host, what it does) for the waiting side's log line.

Like DuckDB itself, this assumes the warehouse is on a local disk (``flock`` over NFS is
not reliable).
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class WriterLockTimeout(TimeoutError):
    """Another writer held the warehouse for the whole wait."""


def lock_path(db: Path | str) -> Path:
    """The lock file of a warehouse: ``<name>.lock`` beside it."""
    path = Path(db)
    return path.with_name(path.name + ".lock")


@contextmanager
def writer_lock(
    db: Path | str,
    purpose: str = "write",
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    interval: float = 0.2,
) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait (forever, or ``timeout`` seconds) while another holds it.

    ``on_wait`` is called once, with the holder's description, when the lock is busy.
    """
    with hold_one([lock_path(db)], purpose, timeout, on_wait, interval):
        yield


@contextmanager
def hold_one(
    paths: Sequence[Path],
    purpose: str,
    timeout: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    interval: float = 0.2,
    shared: bool = False,
) -> Iterator[Path]:
    """Hold the first free one of these lock files (a slot of a bounded resource; one file: a mutex).

    Waits (forever, or ``timeout`` seconds) while all are held; ``on_wait`` is called once with
    their holders. The kernel releases a lock when its holder dies, even on SIGKILL. ``shared``
    holders exclude only exclusive ones (they leave the holder line alone: there are several).
    """
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    fds = [os.open(path, os.O_RDWR | os.O_CREAT, 0o644) for path in paths]
    try:
        started, told = time.monotonic(), False
        while True:
            held = next((i for i, fd in enumerate(fds) if _try_lock(fd, shared)), None)
            if held is not None:
                break
            holders = "; ".join(_holder(path) for path in paths)
            if on_wait is not None and not told:
                on_wait(holders)
                told = True
            if timeout is not None and time.monotonic() - started >= timeout:
                raise WriterLockTimeout(f"{paths[0]}: held by {holders} for {timeout:.0f} s")
            time.sleep(interval)
        fd = fds[held]
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}: {purpose}\n".encode(), 0)
        try:
            yield paths[held]
        finally:
            if not shared:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        for fd in fds:
            os.close(fd)


def _try_lock(fd: int, shared: bool = False) -> bool:
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another process"
