"""Readers never wait for a load: a run publishes a read-only snapshot when it ends.

DuckDB lets one process write a file, and while it does, no other process can open that
file, not even read-only. So a run, once its last write is closed (and ``trawl migrate``),
copies the warehouse to ``<name>.snapshot.duckdb`` (copy to a temporary name, then an atomic rename;
the copy gets the warehouse's modification time, which is how readers know it is current).
Readers (``trawl sql``, ``search``, ``export``) open the snapshot while it is current, the
warehouse itself when it is newer and free, and the snapshot again while a load holds the
warehouse. A reader that asks for the live file waits for the lock, retrying.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from warehouse.db import connect

LOCK_MARKERS = ("Could not set lock", "Conflicting lock")


class WarehouseBusy(RuntimeError):
    """The warehouse stayed locked by a writer for the whole wait."""


def snapshot_path(db: Path | str) -> Path:
    """Where the read-only snapshot of a warehouse lives: beside it, ``<stem>.snapshot<suffix>``."""
    path = Path(db)
    return path.with_name(f"{path.stem}.snapshot{path.suffix or '.duckdb'}")


def is_locked(error: BaseException) -> bool:
    return isinstance(error, duckdb.Error) and any(m in str(error) for m in LOCK_MARKERS)


def is_current(db: Path | str) -> bool:
    """True when the snapshot was taken from the warehouse as it is now."""
    live, snap = Path(db), snapshot_path(db)
    if not live.exists() or not snap.exists():
        return False
    a, b = live.stat(), snap.stat()
    return a.st_mtime_ns == b.st_mtime_ns and a.st_size == b.st_size and not _wal(live).exists()


def _wal(db: Path) -> Path:
    return db.with_name(db.name + ".wal")


def _remove_orphans(target: Path) -> None:
    """Delete the temporary copies of publishers that died (SIGKILL) before renaming them."""
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        pid = tmp.name.removeprefix(f".{target.name}.").removesuffix(".tmp")
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            tmp.unlink(missing_ok=True)


def publish(db: Path | str) -> Path | None:
    """Copy the closed warehouse to its snapshot; None when a writer holds it (next write publishes)."""
    live = Path(db)
    if not live.exists():
        return None
    target = snapshot_path(live)
    if is_current(live):
        return target
    try:
        guard = duckdb.connect(str(live), read_only=True)  # a shared lock: no writer while copying
    except duckdb.Error as error:
        if is_locked(error):
            return None
        raise
    try:
        if _wal(live).exists():  # a writer died before its checkpoint: copy only a clean file
            return None
        _remove_orphans(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(live, tmp)
            with tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
            stat = live.stat()
            os.utime(tmp, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            os.replace(tmp, target)
        except BaseException:  # a full disk (ENOSPC) or a kill: no half copy left behind
            tmp.unlink(missing_ok=True)
            raise
    finally:
        guard.close()
    return target


def open_live(
    db: Path | str, wait: float = 60.0, interval: float = 0.25, extensions: bool = True
) -> duckdb.DuckDBPyConnection:
    """The warehouse itself, read-only; retries while a writer holds it, up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return connect(db, read_only=True, extensions=extensions)
        except duckdb.Error as error:
            if not is_locked(error):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{db} is being written by a load for more than {wait:g} s; retry later, "
                    "or read the snapshot (without --live)"
                ) from error
            time.sleep(interval)


def open_reader(
    db: Path | str, live: bool = False, wait: float = 60.0, extensions: bool = True
) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """A read-only connection for analysts and the path it reads (see the module docstring);
    without ``extensions``, fts is not loaded (``warehouse.db.connect``)."""
    path, snap = Path(db), snapshot_path(db)
    if live or not snap.exists():
        return open_live(path, wait, extensions=extensions), path
    if is_current(path):
        return connect(snap, read_only=True, extensions=extensions), snap
    try:
        return connect(path, read_only=True, extensions=extensions), path  # newer than the snapshot, and free
    except duckdb.Error as error:
        if not is_locked(error):
            raise
    return connect(snap, read_only=True, extensions=extensions), snap  # a load is running: its last published state
