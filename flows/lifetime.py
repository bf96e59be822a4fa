"""Children die with their parent: no crawl, extraction worker or Prefect server outlives a killed run.

A SIGKILL of ``trawl run`` alone (not of its process group) used to leave the Scrapy
subprocess, the extraction workers and Prefect's temporary API server running. Each of
them now calls :func:`exit_with_parent` first thing: a daemon thread polls ``os.getppid()``
and ends the process the moment it changes (the parent died and the process was
re-parented). ``pdeathsig=True`` also asks the kernel (``PR_SET_PDEATHSIG``) for a SIGKILL
when the parent *thread* exits; only safe where the thread that started the child waits for
it (``subprocess.run`` in a crawl task), hence opt-in.

Prefect 3 starts its temporary server lazily, from whichever thread first needs the API, as
``python -m uvicorn`` (``SubprocessASGIServer``). :func:`bind_prefect_server` registers a
subclass as that default server whose process runs :func:`exit_with_parent` before uvicorn.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
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


_UVICORN = (
    "import sys; from flows.lifetime import exit_with_parent; exit_with_parent(); "
    "from uvicorn.main import main; sys.argv[0] = 'uvicorn'; main()"
)


def bind_prefect_server() -> None:
    """Make Prefect's temporary API server (when one is used) die with this process."""
    import prefect
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    class BoundServer(SubprocessASGIServer):
        """Prefect's own server command, started through :func:`exit_with_parent`."""

        def start(self, timeout: int | None = None) -> None:
            # a first start migrates a new database: on a busy machine well over Prefect's 20 s
            configured = get_current_settings().server.ephemeral.startup_timeout_seconds
            super().start(timeout or max(STARTUP_TIMEOUT_S, configured))

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            env = {
                **child_env(),
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True),
            }
            args = ["--app-dir", str(prefect.__module_path__.parent), "--factory"]
            args += ["prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port)]
            args += ["--log-level", "error", "--lifespan", "on"]
            return subprocess.Popen([sys.executable, "-c", _UVICORN, *args], env=env)

    current = SubprocessASGIServer._instances.get(None)
    if current is None or not current.running:
        SubprocessASGIServer._instances.pop(None, None)
        BoundServer()  # registers itself as the default (port None) instance
