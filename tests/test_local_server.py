"""Which Prefect API a lone command uses (flows/local_server.py): the server a live `trawl ui` or
`trawl serve` names in the Prefect home, never a stale name; else a temporary API of its own
that answers before the flow runs and is gone when the command ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from flows import local_server
from flows.local_server import SERVER_FILE, advertised, attach, running_api, temporary_api


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def api_on_loopback() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    return tmp_path


def test_a_live_advertised_server_is_used_and_its_name_goes_with_it(home: Path) -> None:
    with api_on_loopback() as api:
        with advertised(api, home) as path:
            assert json.loads(path.read_text())["pid"] == os.getpid()
            assert running_api(home) == api
            assert attach() == api and os.environ["PREFECT_API_URL"] == api
        assert not (home / SERVER_FILE).exists()
    os.environ.pop("PREFECT_API_URL")


def test_a_stale_name_is_never_used(home: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with api_on_loopback() as api:  # answers, but the process that named it is gone
        (home / SERVER_FILE).write_text(json.dumps({"api_url": api, "pid": dead.pid}))
        assert running_api(home) is None
    # a live process, but nothing answers at the URL any more
    (home / SERVER_FILE).write_text(json.dumps({"api_url": api, "pid": os.getpid()}))
    assert running_api(home) is None and attach() is None and "PREFECT_API_URL" not in os.environ
    (home / SERVER_FILE).write_text("{not json")
    assert running_api(home) is None


def test_the_configured_api_wins(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with api_on_loopback() as api, advertised(api, home):
        assert attach() == "http://127.0.0.1:9/api"


def test_the_temporary_api_answers_when_ready_and_is_stopped_after(home: Path) -> None:
    with temporary_api(home / "logs" / "api.log") as ready:
        api = ready()
        assert os.environ["PREFECT_API_URL"] == api
        assert httpx.get(f"{api}/health", timeout=10).status_code == 200
        assert local_server.answers(api)
    assert "PREFECT_API_URL" not in os.environ
    assert not local_server.answers(api)
