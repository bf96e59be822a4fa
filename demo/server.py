"""Serve the demo sites over HTTP on 127.0.0.1, one ThreadingHTTPServer per site in daemon threads."""

from __future__ import annotations

import argparse
import signal
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, NamedTuple

from demo.app import Response, SiteApp
from demo.sites import DemoSite, build_sites

HOST = "127.0.0.1"


class RequestRecord(NamedTuple):
    """One request as the demo server saw it (``headers`` are the request headers)."""

    site: str
    method: str
    path: str
    status: int
    headers: dict[str, str]


class RequestLog(list[RequestRecord]):
    """Thread-safe request log with a filtering ``count``."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self)

    def reset(self) -> None:
        with self._lock:
            self.clear()

    def filter(
        self,
        site: str | None = None,
        path_prefix: str | None = None,
        status: int | None = None,
        method: str | None = None,
    ) -> list[RequestRecord]:
        return [
            r
            for r in self.snapshot()
            if (site is None or r.site == site)
            and (path_prefix is None or r.path.startswith(path_prefix))
            and (status is None or r.status == status)
            and (method is None or r.method == method)
        ]

    def count(  # type: ignore[override]
        self,
        site: str | None = None,
        path_prefix: str | None = None,
        status: int | None = None,
        method: str | None = None,
    ) -> int:
        """Number of logged requests matching every given filter (all requests when none is given)."""
        return len(self.filter(site, path_prefix, status, method))


class _SiteHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: DemoServer, site_key: str, port: int = 0) -> None:
        self.owner = owner
        self.site_key = site_key
        super().__init__((HOST, port), _Handler)


def _bind(owner: DemoServer, site_key: str, preferred: int) -> _SiteHTTPServer:
    """Bind the preferred port when it is free (stable URLs across demo runs), else any free port."""
    if preferred:
        try:
            return _SiteHTTPServer(owner, site_key, preferred)
        except OSError:
            pass
    return _SiteHTTPServer(owner, site_key)


def send(handler: BaseHTTPRequestHandler, resp: Response) -> None:
    """Write a full response (status, headers, body) through an http.server handler."""
    handler.send_response(resp.status)
    for name, value in resp.headers:
        handler.send_header(name, value)
    handler.end_headers()
    if resp.body:
        handler.wfile.write(resp.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True
    server: _SiteHTTPServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        owner, key = self.server.owner, self.server.site_key
        headers = {k: v for k, v in self.headers.items()}
        resp = owner.app(key).handle(self.command, self.path, headers)
        send(self, resp)
        owner.requests.add(RequestRecord(key, self.command, self.path, resp.status, headers))

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _serve

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class DemoServer:
    """Serves every demo site on its own free port of 127.0.0.1 (ThreadingHTTPServer in daemon threads).

    ``down``: site keys whose server is not started (connection refused), though a URL is still reported.
    ``broken``: site keys whose article pages lose their body (entry-content empty or missing).
    ``ports``: preferred ports per site key, used when free (``trawl demo`` keeps its URLs stable
    from one run to the next this way); any free port otherwise.
    """

    def __init__(
        self,
        night: int = 1,
        down: frozenset[str] = frozenset(),
        broken: frozenset[str] = frozenset(),
        ports: dict[str, int] | None = None,
    ) -> None:
        self.night = night
        self.ports = dict(ports or {})
        self.down = frozenset(down)
        self.broken = frozenset(broken)
        self.urls: dict[str, str] = {}
        self.requests = RequestLog()
        self.sites: dict[str, DemoSite] = {}
        self._apps: dict[str, SiteApp] = {}
        self._servers: dict[str, _SiteHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._started = False

    # ------------------------------------------------------------ lifecycle

    def start(self) -> DemoServer:
        if self._started:
            return self
        self._started = True
        self.sites = build_sites(self.night)
        unknown = (self.down | self.broken) - set(self.sites)
        if unknown:
            raise ValueError(f"unknown demo site(s): {sorted(unknown)}")
        for key in self.sites:
            if key not in self.down:
                self._servers[key] = _bind(self, key, self.ports.get(key, 0))
        live = {srv.server_address[1] for srv in self._servers.values()}
        for key in self.sites:
            port = self._servers[key].server_address[1] if key in self._servers else _unused_port(live)
            self.urls[key] = f"http://{HOST}:{port}/"
        self._apps = self._make_apps(self.sites)
        for key, srv in self._servers.items():
            thread = threading.Thread(
                target=srv.serve_forever, kwargs={"poll_interval": 0.1}, name=f"demo-{key}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for srv in self._servers.values():
            srv.shutdown()
            srv.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self._started = False

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ content

    def set_night(self, night: int) -> None:
        """Switch every site to the content of ``night`` while serving."""
        sites = build_sites(night)
        apps = self._make_apps(sites)
        with self._lock:
            self.night, self.sites, self._apps = night, sites, apps

    def app(self, key: str) -> SiteApp:
        with self._lock:
            return self._apps[key]

    def _make_apps(self, sites: dict[str, DemoSite]) -> dict[str, SiteApp]:
        return {key: SiteApp(sites[key], self.urls[key], broken=key in self.broken) for key in self._servers}


def _unused_port(avoid: set[int]) -> int:
    """A port nobody listens on (bound once to get it from the kernel, then released)."""
    while True:
        with socket.socket() as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port not in avoid:
            return port


def main(
    argv: list[str] | None = None,
    ports: dict[str, int] | None = None,
    announce: Callable[[DemoServer], None] | None = None,
) -> None:
    """Serve until Ctrl-C / SIGTERM: on ``ports`` where free, and ``announce`` called once serving."""
    parser = argparse.ArgumentParser(prog="python -m demo.server", description="Serve the offline demo sites.")
    parser.add_argument("--night", type=int, default=1, choices=(1, 2))
    parser.add_argument("--down", action="append", default=[], help="site key to leave unreachable (repeatable)")
    parser.add_argument("--broken", action="append", default=[], help="site key whose articles lose their body")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    with DemoServer(args.night, frozenset(args.down), frozenset(args.broken), ports=ports) as server:
        for key, url in server.urls.items():
            state = " (down)" if key in server.down else " (broken)" if key in server.broken else ""
            print(f"{key}: {url}{state}", flush=True)
        if announce is not None:
            announce(server)
        print("Serving; press Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
