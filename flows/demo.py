"""Run the nightly job on the bundled offline demo sites, served on loopback for the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from flows.settings import PROJECT_ROOT, Paths

DEMO_SOURCES = PROJECT_ROOT / "demo" / "sources.toml"
# `trawl demo` asks for these ports first so that a second demo run sees the same URLs
# (and gets 304s for them); the tests take any free port.
DEMO_PORTS = {"kprf_demo": 8701, "movimento_demo": 8702}


def url_variable(site_key: str) -> str:
    """The environment variable that carries a demo site's loopback URL into the sources file."""
    return f"TRAWL_DEMO_{site_key.upper()}_URL"


@contextmanager
def demo_sites(
    night: int = 1,
    down: frozenset[str] = frozenset(),
    broken: frozenset[str] = frozenset(),
    ports: dict[str, int] | None = None,
) -> Iterator[Any]:
    """Serve the demo sites and export their URLs for ``demo/sources.toml``."""
    from demo.server import DemoServer

    with DemoServer(night=night, down=down, broken=broken, ports=ports) as server:
        saved = {}
        for key, url in server.urls.items():
            saved[url_variable(key)] = os.environ.get(url_variable(key))
            os.environ[url_variable(key)] = url
        try:
            yield server
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def run_demo(paths: Paths, night: int = 1) -> list[dict[str, Any]]:
    """One nightly run over the demo sites into ``paths``."""
    from flows.nightly import nightly
    from flows.outcome import RunFailed

    with demo_sites(night=night, ports=DEMO_PORTS):
        try:
            # a flow called as a function returns its final state's result: the per-source reports
            reports = nightly(sources_file=str(DEMO_SOURCES), db=str(paths.db), data_dir=str(paths.data_dir))
            return cast(list[dict[str, Any]], reports)
        except RunFailed as failed:
            return failed.reports
