"""`trawl doctor` on each demo site: what it finds, and a sources entry that `trawl run` accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from demo.server import DemoServer
from flows.cli import app
from flows.sources import load_sources

runner = CliRunner()


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as running:
        yield running


@pytest.mark.parametrize("key", ["kprf_demo", "movimento_demo"])
def test_doctor_finds_the_discovery_paths_and_proposes_an_entry(server: DemoServer, key: str, tmp_path: Path) -> None:
    url = server.urls[key]
    result = runner.invoke(app, ["doctor", url], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    site = server.sites[key]
    assert "robots.txt: HTTP 200; home page allowed" in out
    if site.rest_api:
        assert f"REST API: {url}wp-json/ ({len(site.articles)} posts)" in out
    else:
        assert "REST API: none" in out and "answered 401" in out
    assert re.search(r"sitemaps: .+ — \d+ URLs", out) and f"feeds: {url}feed/" in out
    samples = [line for line in out.splitlines() if line.startswith("sample:")]
    assert len(samples) == 3
    titles = {a.title for a in site.articles}
    assert all(any(t in line for t in titles) for line in samples), samples
    if site.rest_api:
        assert all("(rest-api:published)" in line for line in samples)
    entry = out.split("sources.toml entry:", 1)[1]
    sources = tmp_path / "sources.toml"
    sources.write_text(entry, encoding="utf-8")
    (source,) = load_sources(sources)  # the validation `trawl run` does before crawling
    assert source.home == url and source.name == site.name and source.language == site.language
    checked = runner.invoke(app, ["sources", "--sources", str(sources)])
    assert checked.exit_code == 0, checked.output


def test_doctor_on_a_dead_site_fails_clearly() -> None:
    result = runner.invoke(app, ["doctor", "http://127.0.0.1:9/", "--timeout", "2"])
    assert result.exit_code == 2 and "no answer" in result.output
