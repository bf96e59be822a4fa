"""Open the DuckDB warehouse: its tables by numbered, forward-only migrations (``warehouse/migrations``),
its views from one file each (``warehouse/views``, ``create or replace``), applied when they changed."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

log = logging.getLogger(__name__)

MIGRATIONS = resources.files("warehouse") / "migrations"
VIEWS = resources.files("warehouse") / "views"


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file of ``warehouse/migrations``."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped, in order."""
    found = []
    for entry in MIGRATIONS.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def applied(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions already applied (empty for a new file); never writes."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return set()
    return {row[0] for row in con.execute("select version from schema_migrations").fetchall()}


def pending(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Migrations not applied yet."""
    done = applied(con)
    return [m for m in migrations() if m.version not in done]


def migrate(con: duckdb.DuckDBPyConnection, before: int | None = None) -> list[Migration]:
    """Apply pending migrations, each in one transaction with the row that records it, then the views.

    With ``before``, only the migrations numbered below it and no views: the warehouse an older
    trawl left, on which a test applies the migrations that follow."""
    con.execute(
        "create table if not exists schema_migrations (version integer primary key, name varchar, applied_at timestamptz)"
    )
    todo = [m for m in pending(con) if before is None or m.version < before]
    for migration in todo:  # tables: numbered, forward-only migrations
        con.execute("begin transaction")
        try:
            con.execute(migration.sql)
            con.execute(
                "insert into schema_migrations values (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC)],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    if before is None:
        apply_views(con)
    return todo


@cache  # the shipped files do not change while a process runs: read and hashed once, not at every connect
def views() -> tuple[tuple[str, str], ...]:
    """Every view shipped (``warehouse/views/NN_<name>.sql``), as (name, SQL), in dependency order."""
    found = [
        (entry.name, entry.read_text(encoding="utf-8")) for entry in VIEWS.iterdir() if entry.name.endswith(".sql")
    ]
    return tuple((name.removesuffix(".sql").partition("_")[2], sql) for name, sql in sorted(found))


@cache
def views_digest() -> str:
    return hashlib.sha256("\n".join(f"{name}\n{sql}" for name, sql in views()).encode("utf-8")).hexdigest()


def apply_views(con: duckdb.DuckDBPyConnection) -> bool:
    """(Re)create every view when the shipped view files differ from those applied last (one
    transaction, the digest recorded with them); True when they were applied."""
    con.execute("create table if not exists schema_views (digest varchar, applied_at timestamptz)")
    digest = views_digest()
    current = con.execute("select digest from schema_views").fetchone()
    if current is not None and current[0] == digest:
        return False
    con.execute("begin transaction")
    try:
        for _, sql in views():
            con.execute(sql)
        con.execute("delete from schema_views")
        con.execute("insert into schema_views values (?, ?)", [digest, datetime.now(UTC)])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return True


# never fetch an extension from the network: the ones trawl needs ship as Python packages
CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's full-text search extension from its Python package (offline)."""
    try:
        con.execute("load fts")
    except duckdb.Error:
        from duckdb_extensions import import_extension

        import_extension("fts", con=con)  # copies the packaged binary into DuckDB's extension folder
        con.execute("load fts")


def needs_fts(error: duckdb.Error) -> bool:
    """Whether a statement failed only because the fts extension was not loaded (``connect``)."""
    return isinstance(error, duckdb.CatalogException) and "exists in the fts extension" in str(error)


class WarehouseUnreadable(RuntimeError):
    """The warehouse file exists but DuckDB cannot open it: not a DuckDB file, truncated or corrupt."""


# DuckDB's answers while another process holds the file (the caller waits, or reads the snapshot)
LOCK_MARKERS = ("Could not set lock", "Conflicting lock")


def _is_locked(error: duckdb.Error) -> bool:
    return any(marker in str(error) for marker in LOCK_MARKERS)


def _open(path: Path | str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, with a file that is not a readable warehouse named in one line."""
    try:
        return duckdb.connect(str(path), read_only=read_only, config=CONFIG)
    except duckdb.IOException as error:
        if _is_locked(error):
            raise
        reason = str(error).strip().splitlines()[0].removeprefix("IO Error: ")
        raise WarehouseUnreadable(
            f"cannot open the warehouse {path}: {reason} (restore it from a backup, or move it away to start anew)"
        ) from error


def check_readable(path: Path | str) -> None:
    """Raise WarehouseUnreadable when ``path`` exists and DuckDB cannot open it (fine while a writer holds it)."""
    if not Path(path).exists():
        return
    try:
        _open(path, read_only=True).close()
    except duckdb.IOException as error:
        if not _is_locked(error):  # a writer holds it: a warehouse, and the caller will wait for it
            raise


def _open_writable(path: Path | str, wait: float) -> duckdb.DuckDBPyConnection:
    """Open for writing; while a reader holds the file (a query on the live file), retry up to ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return _open(path, read_only=False)
        except duckdb.IOException as error:
            if not _is_locked(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


# DuckDB's allocator keeps up to 128 MB (512 MB after bulk frees) it no longer uses before it
# flushes, per run of work; a writer's process then sat hundreds of MB above what it used
ALLOCATOR_SETTINGS = (
    "set allocator_flush_threshold = '16MB'; "
    "set allocator_bulk_deallocation_flush_threshold = '16MB'; "
    "set allocator_background_threads = true"
)


def connect(
    path: Path | str, read_only: bool = False, wait: float = 60.0, extensions: bool = True
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse with fts loaded; a writable one is migrated to the current schema.

    A reader that will not search may leave ``extensions`` out: loading fts is a tenth of a quick
    ``trawl sql`` (DuckDB names the extension when a statement needs it: ``needs_fts``).

    Raises WarehouseUnreadable when the file is there but is not a warehouse DuckDB can read.
    """
    if read_only:
        con = _open(path, read_only=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        con = _open_writable(path, wait)
    try:
        con.execute("set timezone = 'UTC'")
        if not read_only:  # memory freed goes back to the system soon (a 10,000-page load peaked 70 MB lower)
            con.execute(ALLOCATOR_SETTINGS)
        if extensions or not read_only:
            load_extensions(con)
        if not read_only:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


T = TypeVar("T")


class MemoryLimit:
    """DuckDB's memory on ``con`` limited to ``limit``: DuckDB otherwise keeps what it read and
    wrote cached up to 80 % of RAM, and the run's process grows with the warehouse.

    ``run(work)`` runs one piece of work under the limit. Should it need more (an out-of-memory
    error, its transaction rolled back), it runs again with ``ESCALATION`` times the limit, then
    again, and last without a limit (the primary-key indexes a load checks stay in memory and grow
    with the warehouse). A raised limit stays raised for the following work: a loader gives each of
    its steps to ``run``, so only the step that hit the limit is done twice, never the load."""

    def __init__(self, con: duckdb.DuckDBPyConnection, limit: str) -> None:
        row = con.execute("select current_setting('memory_limit')").fetchone()
        size = _megabytes(limit)
        self.con = con
        # the last try: DuckDB's own limit as it was (``reset memory_limit`` keeps the limit set last)
        self.limits: list[str | None] = [f"{size * ESCALATION**k}MB" for k in range(ESCALATIONS + 1)]
        self.limits.append(str(row[0]) if row else None)
        self.level = 0

    def run(self, work: Callable[[], T], what: str = "the work") -> T:
        """``work()`` under the current limit, raised until it fits; ``work`` must be safe to run
        again after a rollback. ``what`` names it in the warning."""
        while True:
            limit = self.limits[self.level]
            try:
                if limit:  # setting fails when more than that is in use already
                    self.con.execute(f"set memory_limit = '{limit}'")
                return work()
            except duckdb.OutOfMemoryException as error:
                if self.level == len(self.limits) - 1:
                    raise
                self.level += 1
                following = self.limits[self.level] if self.level < len(self.limits) - 1 else None
                log.warning(
                    "DuckDB needed more than %s for %s (%s); running it again %s",
                    limit,
                    what,
                    error,
                    f"with {following}" if following else "without the limit",
                )


def within_memory(con: duckdb.DuckDBPyConnection, limit: str, work: Callable[[], T]) -> T:
    """``work()`` with DuckDB's memory on ``con`` limited to ``limit``, raised until it fits
    (``MemoryLimit``): ``work`` must be safe to run again (the index refresh resumes from what it
    indexed)."""
    return MemoryLimit(con, limit).run(work)


# a limit that was too small is tried again this many times bigger, at most this many times
ESCALATION = 4
ESCALATIONS = 2


def _megabytes(limit: str) -> int:
    """``'128MB'`` -> 128, ``'1GB'`` -> 1024 (the forms trawl writes its limits in)."""
    found = re.fullmatch(r"\s*(\d+)\s*([MG])i?B\s*", limit, flags=re.IGNORECASE)
    if found is None:
        raise ValueError(f"a memory limit in MB or GB, not {limit!r}")
    return int(found[1]) * (1024 if found[2].upper() == "G" else 1)
