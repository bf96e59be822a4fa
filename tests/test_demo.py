"""The demo's configuration edges: its URLs are passed in a file, not the environment; without demo/ it says so."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.demo import DEMO_SOURCES, url_variable, write_sources
from flows.sources import load_sources

runner = CliRunner()


def test_the_demo_sources_get_their_urls_written_in_not_exported(tmp_path: Path) -> None:
    urls = {"kprf_demo": "http://127.0.0.1:1/", "movimento_demo": "http://127.0.0.1:2/"}
    before = dict(os.environ)

    written = write_sources(urls, tmp_path)

    assert dict(os.environ) == before
    assert not any(url_variable(key) in os.environ for key in urls)
    assert {s.key: s.home for s in load_sources(written, variables={})} == urls
    # the same sources as the unresolved file with the variables given
    given = {url_variable(key): url for key, url in urls.items()}
    assert load_sources(written, variables={}) == load_sources(DEMO_SOURCES, variables=given)


@pytest.mark.parametrize("command", [["demo"], ["demo-server"]])
def test_the_demo_commands_fail_clearly_without_the_demo_package(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "demo.server", None)  # as installed from a wheel: no demo/
    result = runner.invoke(app, [*command, *(["--data-dir", str(tmp_path)] if command == ["demo"] else [])])
    assert result.exit_code == 2, result.output
    assert "the offline demo sites are not installed" in result.output
    assert "checkout of trawl" in result.output
    assert not (tmp_path / "trawl.duckdb").exists()
