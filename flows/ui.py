"""`trawl ui`: a local Prefect server with its UI, trawl's deployments and a process worker, offline.

The server binds 127.0.0.1 only and keeps its database in ``.prefect/`` of the checkout. With
``demo`` the bundled demo sites are served for as long as the UI runs and the worker's flow runs
crawl them (the worker's environment points ``TRAWL_SOURCES`` at ``demo/sources.toml``), so
``prefect deployment run nightly/nightly`` works on a machine without internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from flows.lifetime import stop
from flows.local_server import advertised
from flows.settings import PROJECT_ROOT

HOST = "127.0.0.1"
DEFAULT_PORT = 4200
POOL = "trawl"
STARTUP_TIMEOUT_S = 180
PREFECT = str(Path(sys.executable).with_name("prefect"))


class UiError(RuntimeError):
    """The local stack could not start; the message says what to do."""


@dataclass
class Stack:
    """A running local stack: where the UI and API are, and the environment flow runs get."""

    ui_url: str
    api_url: str
    env: dict[str, str]
    home: Path
    demo_urls: dict[str, str] = field(default_factory=dict)
    demo: Any = None


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def offline_env(port: int, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the server, the CLI calls and the worker: loopback, no analytics, no outbound calls."""
    api = f"http://{HOST}:{port}/api"
    return {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": api,
        "PREFECT_UI_API_URL": api,
        "PREFECT_UI_URL": f"http://{HOST}:{port}",
        "PREFECT_SERVER_API_HOST": HOST,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_WORKER_QUERY_SECONDS": os.environ.get("PREFECT_WORKER_QUERY_SECONDS", "5"),
        "PWD": str(PROJECT_ROOT),  # prefect.yaml's pull step runs flows from this checkout
        **(extra or {}),
    }


def wait_healthy(api_url: str, alive: Callable[[], bool], log: Path, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Wait until the API answers its health check."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise UiError("the Prefect server exited:\n" + log.read_text(errors="replace")[-2000:])
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise UiError(f"the Prefect server did not answer within {timeout:.0f} s; see {log}")


def prefect(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run a prefect CLI command from the checkout; fail with its output."""
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise UiError(f"prefect {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


@contextmanager
def managed_process(
    args: list[str], env: dict[str, str], log_path: Path, grace: float = 30.0, terms: int = 1
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process logging to a file, stopped on exit (``terms`` SIGTERMs, then SIGKILL after
    ``grace`` s: ``lifetime.stop``)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log: IO[bytes] = log_path.open("ab")
    child = subprocess.Popen(args, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield child
    finally:
        stop(child, grace, terms)
        log.close()


@contextmanager
def local_stack(
    port: int = DEFAULT_PORT,
    home: Path | None = None,
    demo: bool = True,
    extra_env: dict[str, str] | None = None,
    worker: bool = True,
    demo_ports: dict[str, int] | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Iterator[Stack]:
    """Start the server, apply prefect.yaml, start a worker (and the demo sites); stop all on exit.
    ``say`` hears each step as it starts (the server alone takes 10-60 s)."""
    home = (home or PROJECT_ROOT / ".prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not port_is_free(port):
        raise UiError(f"port {port} on {HOST} is busy: another Prefect server? Stop it or pass --port")
    env = offline_env(port, home, extra_env)
    with ExitStack() as stack:
        say(f"starting the Prefect server on {HOST}:{port} (log {home / 'logs' / 'server.log'})...")
        server = stack.enter_context(
            managed_process(
                [PREFECT, "server", "start", "--host", HOST, "--port", str(port)], env, home / "logs" / "server.log"
            )
        )
        wait_healthy(env["PREFECT_API_URL"], lambda: server.poll() is None, home / "logs" / "server.log")
        stack.enter_context(advertised(env["PREFECT_API_URL"], home))  # `trawl run` uses this server
        running = Stack(env["PREFECT_UI_URL"], env["PREFECT_API_URL"], env, home)
        if demo:
            from flows.demo import DEMO_PORTS, DEMO_SOURCES, DemoUnavailable, demo_server_class, url_variable

            try:
                server_class = demo_server_class()
            except DemoUnavailable as error:
                raise UiError(f"{error} (or pass --no-demo)") from error
            ports = DEMO_PORTS if demo_ports is None else demo_ports
            running.demo = stack.enter_context(server_class(ports=ports))
            running.demo_urls = dict(running.demo.urls)
            env["TRAWL_SOURCES"] = str(DEMO_SOURCES)
            env.update({url_variable(key): url for key, url in running.demo_urls.items()})
        say(f"server up; applying prefect.yaml (work pool {POOL}, deployments)...")
        if httpx.get(f"{running.api_url}/work_pools/{POOL}", timeout=10).status_code == 404:
            prefect(env, "work-pool", "create", POOL, "--type", "process")
        prefect(env, "deploy", "--all", "--no-prompt")
        if worker:
            say("starting a process worker...")
            stack.enter_context(
                managed_process(
                    [PREFECT, "worker", "start", "--pool", POOL, "--type", "process"],
                    env,
                    home / "logs" / "worker.log",
                )
            )
        yield running
