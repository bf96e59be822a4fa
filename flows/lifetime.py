"""Children die with their parent: no crawl, extraction worker or Prefect server outlives a killed run.

A SIGKILL of ``trawl run`` alone (not of its process group) used to leave the Scrapy
subprocess, the extraction workers and Prefect's temporary API server running. Each of
them now calls :func:`exit_with_parent` first thing: a daemon thread polls ``os.getppid()``
and ends the process the moment it changes (the parent died and the process was
re-parented). ``pdeathsig=True`` also asks the kernel (``PR_SET_PDEATHSIG``) for a SIGKILL
when the parent *thread* exits; only safe where the thread that started the child waits for
it (``subprocess.run`` in a crawl task), hence opt-in.

The temporary Prefect API a lone command starts (``flows.local_server.temporary_api``) runs
:func:`exit_with_parent` before uvicorn too.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
import time
from contextlib import suppress
from typing import Any

PARENT_ENV = "TRAWL_PARENT_PID"
PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5
STARTUP_TIMEOUT_S = 180


def _set_pdeathsig() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the polling thread alone does the job
        pass


def exit_with_parent(pdeathsig: bool = False, interval: float = POLL_SECONDS, parent: int | None = None) -> None:
    """End this process as soon as its parent is gone (``parent``, ``$TRAWL_PARENT_PID``, else the current parent)."""
    expected = parent or int(os.environ.pop(PARENT_ENV, None) or os.getppid())  # popped: not for grandchildren
    if pdeathsig:
        _set_pdeathsig()
    if os.getppid() != expected:  # the parent died before we got here
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != expected:
                os._exit(1)  # no cleanup: the parent that would read our results is gone

    threading.Thread(target=watch, name="trawl-exit-with-parent", daemon=True).start()


def child_env() -> dict[str, str]:
    """The environment for a child that calls :func:`exit_with_parent`: this process is its parent."""
    return {**os.environ, PARENT_ENV: str(os.getpid())}


def stop(process: subprocess.Popen[Any], grace: float, terms: int = 1) -> None:
    """End a child: SIGTERM (``terms`` times, a second apart: ``prefect worker start`` only
    exits on the second), then SIGKILL when it has not exited after ``grace`` seconds."""
    for sent in range(terms):
        if process.poll() is not None:
            return
        process.terminate()
        if sent < terms - 1:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1.0)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
