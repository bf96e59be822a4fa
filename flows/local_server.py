"""Which Prefect API a command's flow runs use: a long-lived local server, else a temporary one.

``trawl ui`` and ``trawl serve`` keep a Prefect server running; while it answers they name it
in ``<PREFECT_HOME>/trawl-server.json`` (its API URL and their pid), and remove the file when
they stop. ``trawl run``, ``demo`` and ``reextract`` then run their flow against that server
instead of starting Prefect's temporary one, which is most of a small run's fixed cost: the
run shows in that server's UI like a scheduled one. The file is only believed while the
process it names is alive and the API answers; else the run starts its own temporary API as
before. ``$PREFECT_API_URL``, when set, wins over both (Prefect reads it itself).

The temporary API is Prefect's own server app (what Prefect's ephemeral mode runs), started by
``temporary_api`` as soon as the command knows it needs one, so that it boots while the
command imports the flow (a few seconds each, on separate cores), and the command's process
never imports Prefect's server modules. It dies with the command (``flows.lifetime``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import httpx

from flows import settings
from flows.lifetime import STARTUP_TIMEOUT_S, child_env, stop

HOST = "127.0.0.1"
# Prefect's server app in a child that exits with its parent (flows/lifetime.py)
_UVICORN = (
    "import sys; from flows.lifetime import exit_with_parent; exit_with_parent(); "
    "from uvicorn.main import main; sys.argv[0] = 'uvicorn'; main()"
)
STOP_GRACE_S = 10.0


class ApiUnavailable(RuntimeError):
    """The temporary Prefect API did not come up; the message has the end of its log."""


SERVER_FILE = "trawl-server.json"
PROBE_TIMEOUT_S = 2.0


def server_file(home: Path | None = None) -> Path:
    return (home or settings.prefect_home()) / SERVER_FILE


@contextmanager
def advertised(api_url: str, home: Path | None = None) -> Iterator[Path]:
    """Name ``api_url`` as this process's server for as long as the block runs."""
    path = server_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.write_text(json.dumps({"api_url": api_url, "pid": os.getpid()}) + "\n", encoding="utf-8")
    temp.replace(path)
    try:
        yield path
    finally:
        with suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()  # only our own: a later ui/serve may have taken the file over


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def running_api(home: Path | None = None) -> str | None:
    """The API URL of the live, answering server named in the Prefect home, else None."""
    try:
        named = json.loads(server_file(home).read_text(encoding="utf-8"))
        api_url, pid = str(named["api_url"]), int(named["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return api_url if _alive(pid) and answers(api_url) else None


def answers(api_url: str) -> bool:
    """Whether a Prefect API answers its health check at ``api_url``."""
    try:
        return httpx.get(f"{api_url}/health", timeout=PROBE_TIMEOUT_S).status_code == 200
    except httpx.HTTPError:
        return False


def attach() -> str | None:
    """The Prefect API this process's flow runs will use when it is not a temporary one: the
    configured ``$PREFECT_API_URL``, else a running ui/serve server (exported as
    ``$PREFECT_API_URL``, before Prefect is imported); None when Prefect must start its own."""
    configured = settings.prefect_api_url()
    if configured:
        return configured
    api_url = running_api()
    if api_url:
        os.environ["PREFECT_API_URL"] = api_url
    return api_url


def free_port() -> int:
    """A loopback port free now (the kernel's pick)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _spawn(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**child_env(), "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    args = ["--factory", "prefect.server.api.server:create_app", "--host", HOST, "--port", str(port)]
    args += ["--log-level", "error", "--lifespan", "on"]
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-c", _UVICORN, *args], env=env, stdout=out, stderr=subprocess.STDOUT)


def use(api_url: str, stack: ExitStack) -> str:
    """Point this process's flow runs at ``api_url`` (the environment, and Prefect's settings if loaded)."""
    os.environ["PREFECT_API_URL"] = api_url
    if "prefect.settings" in sys.modules:  # Prefect read its settings at import: override them
        from prefect.settings import PREFECT_API_URL, temporary_settings

        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
    return api_url


def _drain_prefect() -> None:
    """Send what Prefect still queues for the API (logs, events), as its test harness does."""
    if "prefect.logging.handlers" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    with suppress(Exception):  # a worker never started, or the API already gone: nothing to send
        APILogWorker.drain_all(timeout=5)
    with suppress(Exception):
        EventsWorker.drain_all(timeout=5)


@contextmanager
def temporary_api(log: Path, timeout: float = STARTUP_TIMEOUT_S) -> Iterator[Callable[[], str]]:
    """Start Prefect's server app on a free loopback port now; yield ``ready``, which waits until
    it answers and returns its API URL (a first start migrates a new database: it may take a
    while). Stopped when the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = _spawn(port, log)
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = f"http://{HOST}:{port}/api"  # before Prefect is imported, which reads it once

    with ExitStack() as stack:

        def ready() -> str:
            nonlocal port, process
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                code = process.poll()
                if code == 3:  # uvicorn's "address in use": another process took the port first
                    port = free_port()
                    process = _spawn(port, log)
                    continue
                if code is not None:
                    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                    raise ApiUnavailable(f"the temporary Prefect API exited with {code} (log {log}):\n{tail}")
                api_url = f"http://{HOST}:{port}/api"
                if answers(api_url):
                    return use(api_url, stack)
                time.sleep(0.1)
            raise ApiUnavailable(f"the temporary Prefect API did not answer within {timeout:.0f} s (log {log})")

        try:
            yield ready
        finally:
            _drain_prefect()  # the run's last logs and events reach the API before it stops
            stack.close()
            if previous is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = previous
            stop(process, STOP_GRACE_S)
