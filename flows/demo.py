"""Run the nightly job on the bundled offline demo sites, served on loopback for the run.

The demo sites (``demo/``) belong to a checkout of trawl, not to the installed package: they
are imported only here, when asked for, and their absence is a clear error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from flows.settings import PROJECT_ROOT, Paths

DEMO_SOURCES = PROJECT_ROOT / "demo" / "sources.toml"
# `trawl demo` asks for these ports first so that a second demo run sees the same URLs
# (and gets 304s for them); the tests take any free port.
DEMO_PORTS = {"kprf_demo": 8701, "movimento_demo": 8702}


class DemoUnavailable(RuntimeError):
    """The demo sites are not importable: trawl was installed from a wheel, not run from a checkout."""


def url_variable(site_key: str) -> str:
    """The ``${NAME}`` in ``demo/sources.toml`` that stands for a demo site's loopback URL."""
    return f"TRAWL_DEMO_{site_key.upper()}_URL"


def demo_server_class() -> Any:
    """``demo.server.DemoServer``, imported on demand (the demo is not part of the installed package)."""
    try:
        from demo.server import DemoServer
    except ImportError as error:
        raise DemoUnavailable(
            f"the offline demo sites are not installed ({error}): they live in demo/ of a checkout of trawl;"
            " clone the repository and run `make demo` there"
        ) from error
    if not DEMO_SOURCES.is_file():
        raise DemoUnavailable(f"no demo sources file at {DEMO_SOURCES}: run the demo from a checkout of trawl")
    return DemoServer


def write_sources(urls: dict[str, str], folder: Path) -> Path:
    """``demo/sources.toml`` with the demo sites' URLs written in, as ``<folder>/demo-sources.toml``."""
    from flows.sources import load_sources

    text = DEMO_SOURCES.read_text(encoding="utf-8")
    for key, url in urls.items():
        text = text.replace("${" + url_variable(key) + "}", url)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "demo-sources.toml"
    target.write_text(text, encoding="utf-8")
    load_sources(target, variables={})  # every URL filled in: nothing left for the environment
    return target


@contextmanager
def demo_sites(
    night: int = 1,
    down: frozenset[str] = frozenset(),
    broken: frozenset[str] = frozenset(),
    ports: dict[str, int] | None = None,
) -> Iterator[Any]:
    """Serve the demo sites and export their URLs for ``demo/sources.toml`` (for tests and child processes
    that read the unresolved file; ``run_demo`` passes the URLs in a resolved file instead)."""
    with demo_server_class()(night=night, down=down, broken=broken, ports=ports) as server:
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

    with demo_server_class()(night=night, ports=DEMO_PORTS) as server:
        sources_file = write_sources(server.urls, paths.data_dir)
        try:
            # the flow returns its final state's result: the reports
            return cast(
                list[dict[str, Any]],
                nightly(sources_file=str(sources_file), db=str(paths.db), data_dir=str(paths.data_dir)),
            )
        except RunFailed as failed:
            return failed.reports
