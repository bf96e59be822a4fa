"""`trawl doctor` on each demo site: what it finds, and a sources entry that `trawl run` accepts."""

from __future__ import annotations

import json
import re
import socket
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


def _dead_port() -> int:
    with socket.socket() as sock:  # bound, never listening: a connection is refused
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_doctor_on_a_dead_site_names_the_connection_error() -> None:
    port = _dead_port()
    result = runner.invoke(app, ["doctor", f"127.0.0.1:{port}", "--timeout", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    assert f"http://127.0.0.1:{port}/: no answer from the site: ConnectError" in result.output
    assert "home page: no answer: ConnectError" in result.output and "HTTP None" not in result.output


def test_doctor_json_holds_the_findings_and_the_entry(server: DemoServer) -> None:
    url = server.urls["kprf_demo"]
    result = runner.invoke(app, ["doctor", url.removeprefix("http://"), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["url"] == url and found["home_status"] == 200 and found["home_error"] is None
    assert found["rest_root"] == f"{url}wp-json/" and len(found["samples"]) == 3
    assert all(s["title"] and s["words"] > 0 for s in found["samples"])
    assert found["sources_entry"].startswith("# trawl doctor") and f'url = "{url}"' in found["sources_entry"]


def test_doctor_is_under_the_crawls_caps(tmp_path: Path) -> None:
    """A gzip bomb home page and a redirect to cloud metadata: doctor drops the one at the size cap
    (decoded bytes) and refuses the other, in bounded memory (it once peaked at 10.6 GB)."""
    import os
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from faults.site import gzip_bomb

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path != "/":
                self.send_error(404)
                return
            body = gzip_bomb()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    gzip_bomb()  # compressed once, before the doctor's read timeout starts
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        out = tmp_path / "out.txt"
        with out.open("w") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "flows.cli", "doctor", url, "--timeout", "5"],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "COLUMNS": "300"},
            )
            _, status, usage = os.wait4(proc.pid, 0)
        text = out.read_text()
        assert os.waitstatus_to_exitcode(status) == 2, text  # no usable home page: a clear failure
        assert f"body over {64 * 1024 * 1024} bytes (decoded), dropped: {url}" in text
        assert "refused host '169.254.169.254' is not one of 127.0.0.1" in text, text
        assert usage.ru_maxrss / 1024 <= 1024, usage.ru_maxrss  # the bound for every process: 1 GB
    finally:
        server.shutdown()
        server.server_close()
