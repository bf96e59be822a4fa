"""`trawl serve`: the nightly flow on its cron, run by this process, against a Prefect API it finds or starts.

Prefect's ``flow.serve`` schedules nothing on the temporary API a lone ``trawl run`` starts
("Cannot schedule flows on an ephemeral server"). So ``serve`` uses, in this order: the API
named by ``PREFECT_API_URL``; a local server already answering on the port (``trawl ui``'s);
else a ``prefect server start`` of its own, on loopback, with its database in
``$PREFECT_HOME`` (else ``.prefect/`` of the checkout, which ``trawl ui`` shares). Whatever it
started (the server, flow runs still going) is stopped on Ctrl-C or SIGTERM, within seconds.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim

from flows import settings
from flows.local_server import advertised, answers
from flows.ui import HOST, PREFECT, UiError, managed_process, offline_env, port_is_free, wait_healthy

# what a stop may take: children asked to end, then killed
STOP_GRACE_S = 3.0


def next_runs(cron: str, timezone: str, count: int = 1, after: datetime | None = None) -> list[datetime]:
    """The next ``count`` times the cron fires, in its time zone."""
    zone = ZoneInfo(timezone)
    times = CronSim(cron, (after or datetime.now(zone)).astimezone(zone))
    return [next(times) for _ in range(count)]


@contextmanager
def prefect_api(port: int, home: Path | None = None) -> Iterator[tuple[str, str]]:
    """(API URL, where it came from): the configured one, a local server on ``port``, or one started here."""
    configured = settings.prefect_api_url()
    if configured:
        yield configured, "PREFECT_API_URL"
        return
    local = f"http://{HOST}:{port}/api"
    if not port_is_free(port) and answers(local):
        yield local, f"the Prefect server already on port {port}"
        return
    if not port_is_free(port):
        raise UiError(f"port {port} on {HOST} is busy and is not a Prefect server: pass --port")
    home = (home or settings.prefect_home()).resolve()
    env = offline_env(port, home)
    log = home / "logs" / "serve-server.log"
    args = [PREFECT, "server", "start", "--host", HOST, "--port", str(port)]
    with managed_process(args, env, log, grace=STOP_GRACE_S) as server:
        wait_healthy(env["PREFECT_API_URL"], lambda: server.poll() is None, log)
        with advertised(env["PREFECT_API_URL"], home):  # a `trawl run` meanwhile uses this server
            yield (
                env["PREFECT_API_URL"],
                f"a Prefect server started for this serve (UI {env['PREFECT_UI_URL']}, log {log})",
            )


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (Linux /proc; empty elsewhere)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def stop_children(grace: float = STOP_GRACE_S) -> None:
    """SIGTERM every descendant of this process, then SIGKILL what is left after ``grace`` seconds."""
    kids = _children(os.getpid())
    for pid in kids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in kids):
        time.sleep(0.2)
    for pid in _children(os.getpid()) + kids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def serve(
    cron: str,
    timezone: str,
    parameters: dict[str, Any],
    port: int,
    announce: Callable[[str, str, list[datetime]], None],
) -> None:
    """Serve the nightly flow on ``cron`` until Ctrl-C / SIGTERM; everything started here stops with it."""
    from prefect.schedules import Cron
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.nightly import nightly

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with ExitStack() as stack:
        try:
            api, origin = stack.enter_context(prefect_api(port))
            stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api}))
            announce(api, origin, next_runs(cron, timezone, 3))
            nightly.serve(name="nightly", schedule=Cron(cron, timezone=timezone), parameters=parameters)
        except KeyboardInterrupt:
            pass
        finally:
            stop_children()  # flow runs in flight (and their crawls) before the server goes
