"""`prefect deploy --all` registers the nightly deployment with its cron schedule on a real local server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PWD": str(ROOT),  # as in a shell cd'ed into the checkout: prefect.yaml's pull step uses it
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("prefect server did not start: " + (tmp_path / "server.log").read_text()[-2000:])
        yield env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def prefect(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def test_deploy_all_registers_nightly_with_its_cron(prefect_server: dict[str, str]) -> None:
    prefect(prefect_server, "work-pool", "create", "trawl", "--type", "process")
    prefect(prefect_server, "deploy", "--all", "--no-prompt")
    api = prefect_server["PREFECT_API_URL"]
    deployment = httpx.get(f"{api}/deployments/name/nightly/nightly", timeout=10).json()
    crons = [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in deployment["schedules"]]
    assert crons == [("0 2 * * *", "UTC", True)]
    assert deployment["work_pool_name"] == "trawl"
    assert deployment["entrypoint"] == "flows/nightly.py:nightly"
    assert json.dumps(deployment["pull_steps"]).count(str(ROOT)) == 1
