"""The demo sites cut into smaller sources, each served on its own loopback host (127.0.0.k).

A sharded night needs sources on distinct hosts: the planner deals sources by registered domain,
and every port of 127.0.0.1 is one host. Linux answers on the whole 127.0.0.0/8, so source k is
served on 127.0.0.k (or on the address ``hosts`` names for it: two sources on one host, on two
ports, must then share a shard). Each demo site is cut into ``parts`` sources, post i going to part i mod
``parts`` (the first part keeps the static pages): the parts keep the site's theme, sitemaps,
REST API and boilerplate, and no two of them publish the same post (the one article the two demo
sites share stays shared).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote

from demo.app import SiteApp
from demo.server import RequestLog, _Handler
from demo.sites import DemoSite, build_sites


def cut_sites(parts: int = 2, night: int = 1) -> dict[str, DemoSite]:
    """``<site>_<n>`` -> the n-th part of each demo site (n from 1), in a fixed order."""
    cut = {}
    for key, site in build_sites(night).items():
        for n in range(parts):
            pages = site.pages if n == 0 else ()
            cut[f"{key.removesuffix('_demo')}_{n + 1}"] = replace(site, articles=site.articles[n::parts], pages=pages)
    return cut


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: HostedSites, site_key: str, host: str) -> None:
        self.owner = owner
        self.site_key = site_key
        super().__init__((host, 0), _Handler)


class HostedSites:
    """Serve ``cut_sites(parts)`` on 127.0.0.1, 127.0.0.2, ... or ``hosts[key]`` (free ports), logging every request."""

    def __init__(self, parts: int = 2, night: int = 1, hosts: dict[str, str] | None = None) -> None:
        self.sites = cut_sites(parts, night)
        self.hosts = {key: (hosts or {}).get(key, f"127.0.0.{k}") for k, key in enumerate(self.sites, start=1)}
        self.requests = RequestLog()
        self.urls: dict[str, str] = {}
        self._apps: dict[str, SiteApp] = {}
        self._servers: list[_HostServer] = []
        self._threads: list[threading.Thread] = []

    def app(self, key: str) -> SiteApp:
        return self._apps[key]

    def __enter__(self) -> HostedSites:
        try:
            for key, site in self.sites.items():
                server = _HostServer(self, key, self.hosts[key])
                self._servers.append(server)
                self.urls[key] = f"http://{self.hosts[key]}:{server.server_address[1]}/"
                self._apps[key] = SiteApp(site, self.urls[key])
                thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
                thread.start()
                self._threads.append(thread)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def article_urls(self, key: str) -> set[str]:
        """The URLs of the posts of one source (paths decoded)."""
        return {self.urls[key].rstrip("/") + unquote(a.path) for a in self.sites[key].articles}

    def write_sources(self, folder: Path) -> Path:
        """A sources file naming every hosted source, as the demo's (unpolite: they are on loopback)."""
        lines = []
        for key, site in self.sites.items():
            lines += [
                f"[sources.{key}]",
                f'url = "{self.urls[key]}"',
                f'name = "{site.name} ({key})"',
                f'language = "{site.language}"',
                "crawl = { polite = false, allow_private_addresses = true }",
                "",
            ]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "hosted-sources.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path
