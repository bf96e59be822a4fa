"""One night over the fault world, through the real nightly flow, and what became of each fault.

Shared by the fault suite (tests/faults) and ``bench/faults.py``. The sources get low
timeouts and small retry/wait budgets so that the night takes a minute or two; they opt in to
private addresses because the world lives on loopback (the deny list itself is tested on a
source that does not).
"""

from __future__ import annotations

import os
import resource
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from faults.site import FAULTS, OWN_SITE, Servers, fault_servers

CRAWL = (
    "polite = false\ntimeout = 3\nretries = 1\nbackoff_base = 0.2\nbackoff_max = 1\n"
    "max_retry_after = 5\nmax_wait_per_run = 30\nallow_private_addresses = true\n"
)


def sources_toml(servers: Servers) -> str:
    tables = []
    for key, base in (("faults", servers.base), ("trap", servers.trap_base), ("busy", servers.busy.base)):
        tables.append(f'[sources.{key}]\nurl = "{base}/"\nname = "{key}"\n\n[sources.{key}.crawl]\n{CRAWL}\n')
    return "\n".join(tables)


# -- peak memory of every process of the run ------------------------------------------------------------


def _children() -> dict[int, int]:
    """pid -> parent pid of every process on the machine (from /proc)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            out[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def _kind(pid: int) -> str:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "gone"
    if "spiders.crawl" in cmd:
        return "scrapy"
    if "multiprocessing" in cmd or "spawn_main" in cmd:
        return "extraction worker"
    return "other child"


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class PeakRss:
    """The high-water RSS (MB) of the main process and of each kind of descendant, polled from /proc."""

    peaks: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    children_bound: float = 0.0  # getrusage(RUSAGE_CHILDREN): the largest waited-for descendant, whatever its kind

    def sample(self, root: int) -> None:
        parents = _children()
        todo, seen = [root], set()
        while todo:
            pid = todo.pop()
            seen.add(pid)
            todo += [p for p, pp in parents.items() if pp == pid and p not in seen]
        for pid in seen:
            mb = _hwm_mb(pid)
            if mb is not None:
                kind = "main" if pid == root else _kind(pid)
                self.peaks[kind] = max(self.peaks[kind], mb)


@contextmanager
def watch_rss(every: float = 0.2) -> Iterator[PeakRss]:
    peak, stop = PeakRss(), threading.Event()

    def poll() -> None:
        while not stop.wait(every):
            peak.sample(os.getpid())

    thread = threading.Thread(target=poll, name="rss-poll", daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()
        peak.sample(os.getpid())
        peak.children_bound = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


# -- the night and its outcome --------------------------------------------------------------------------


@dataclass
class Night:
    servers: Servers
    state: str  # the flow run's final state and its message
    db: Path
    data_dir: Path
    seconds: float
    rss: PeakRss
    crash: str | None = None

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        con = duckdb.connect(str(self.db), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def statuses(self) -> dict[str, str]:
        """Each source's status in the run report, with its reason."""
        rows = self.query("select source, status, error from run_sources")
        return {source: status + (f" ({error})" if error else "") for source, status, error in rows}

    def article_urls(self) -> set[str]:
        return {u for (u,) in self.query("select unnest(urls) from articles")}

    def good_urls(self) -> list[str]:
        s = self.servers
        return (
            [s.base + p for p in s.site.good_paths()]
            + [s.trap_base + p for p in s.trap.good_paths()]
            + [s.busy.base + "/news/calm/"]
        )

    def lost(self) -> list[str]:
        have = self.article_urls()
        return [u for u in self.good_urls() if u not in have]

    def outcome(self, url: str) -> str:
        """What the warehouse says became of one URL: an article, a discard, or a fetch error/status."""
        if url in self.article_urls():
            return "article"
        rows = self.query("select reason, detail from discards where url = ?", [url])
        if rows:
            return f"discard {rows[0][0]}: {(rows[0][1] or '')[:90]}"
        rows = self.query("select status, error from fetches where url = ? order by fetched_at desc limit 1", [url])
        if rows:
            status, error = rows[0]
            return (
                f"HTTP {status}" + (f", {error[:200]}" if error else "") if status else f"error: {(error or '?')[:200]}"
            )
        return "never fetched"


def fault_url(servers: Servers, name: str) -> str:
    fault = next(f for f in FAULTS if f.name == name)
    base = {"calendar-trap": servers.trap_base}.get(name, servers.busy.base if name in OWN_SITE else servers.base)
    return base + fault.path


@contextmanager
def fault_night(tmp: Path) -> Iterator[Night]:
    """Serve the fault world and run the nightly flow over it once (a Prefect API must be available)."""
    from flows.nightly import nightly

    with fault_servers() as servers:
        sources = tmp / "sources.toml"
        sources.write_text(sources_toml(servers), encoding="utf-8")
        db, data_dir = tmp / "faults.duckdb", tmp / "data"
        started = time.monotonic()
        crash, state = None, "?"
        with watch_rss() as rss:
            try:
                final = nightly(sources_file=str(sources), db=str(db), data_dir=str(data_dir), return_state=True)
                state = f"{final.name}: {final.message or ''}"
                if final.is_crashed():
                    crash = state
            except Exception as error:  # the suite reports it; it must never happen
                crash = f"{type(error).__name__}: {error}"
        yield Night(servers, state, db, data_dir, time.monotonic() - started, rss, crash)
