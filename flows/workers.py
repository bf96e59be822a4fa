"""Process workers of the trawl pool started and stopped from Python (the scale-out test and bench).

``prefect worker start`` ignores its first SIGTERM (it keeps polling and taking runs) and kills
itself on the second, so a worker is stopped with two. The flow runs it started live in their
own sessions and outlive it: every process started here carries a marker in its environment
(inherited by the flow-run processes), and whatever still carries it once the workers are gone
is killed with its process group. Linux only (``/proc``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from flows.ui import POOL, PREFECT, managed_process

MARK = "TRAWL_WORKER_MARK"
STOP_WAIT_S = 10.0


def marked_pids(mark: str) -> list[int]:
    """Every live process whose environment has ``TRAWL_WORKER_MARK=mark``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            carries = f"{MARK}={mark}".encode() in (entry / "environ").read_bytes().split(b"\0")
            if carries and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def kill_marked(mark: str) -> list[int]:
    """SIGKILL every process (and its group) carrying the marker; the pids killed."""
    pids = marked_pids(mark)
    ours = os.getpgid(0)
    for pid in pids:
        with suppress(ProcessLookupError, PermissionError):
            group = os.getpgid(pid)
            if group != ours:  # a flow run leads its own group; never signal the caller's
                os.killpg(group, signal.SIGKILL)
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


@contextmanager
def worker(
    env: dict[str, str], name: str, log: Path, queue: str | None = None, limit: int | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """One ``prefect worker start --pool trawl`` (of one work queue, at most ``limit`` runs at once)."""
    args = [PREFECT, "worker", "start", "--pool", POOL, "--type", "process", "--name", name]
    args += ["--work-queue", queue] if queue else []
    args += ["--limit", str(limit)] if limit else []
    with managed_process(args, env, log, grace=STOP_WAIT_S, terms=2) as child:  # the first SIGTERM only asks
        yield child


@contextmanager
def pool_workers(
    env: dict[str, str],
    shard_workers: Sequence[str],
    log_dir: Path,
    planner_worker: str | None = "planner",
    mark: str | None = None,
) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """One worker per name on the ``shards`` queue (one run at a time each), and a worker for the
    ``default`` queue (the planner) unless ``planner_worker`` is None; all stopped at the end,
    with every flow-run process they left behind (found by ``mark``, a new one when not given)."""
    mark = mark or uuid.uuid4().hex
    marked = {**env, MARK: mark}
    with ExitStack() as stack:
        stack.callback(kill_marked, mark)  # runs last: after every worker was stopped
        started = {
            name: stack.enter_context(worker(marked, name, log_dir / f"{name}.log", queue="shards", limit=1))
            for name in shard_workers
        }
        if planner_worker:
            started[planner_worker] = stack.enter_context(
                worker(marked, planner_worker, log_dir / f"{planner_worker}.log", queue="default")
            )
        yield started


def wait_online(api_url: str, names: Sequence[str], timeout: float = 120.0) -> None:
    """Wait until every named worker has sent the pool a heartbeat."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = httpx.post(f"{api_url}/work_pools/{POOL}/workers/filter", json={}, timeout=10)
        if response.status_code == 200 and set(names) <= {
            w["name"] for w in response.json() if w["status"] == "ONLINE"
        }:
            return
        time.sleep(0.5)
    raise TimeoutError(f"workers {', '.join(names)} did not come online in {timeout:.0f} s")
