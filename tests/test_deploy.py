"""The deployments on a real local Prefect server, as `make ui` starts it: a process worker runs `nightly`
on the demo sites, two runs never overlap, and headless Chromium shows the run's per-source table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from flows.local_server import free_port
from flows.ui import Stack, local_stack

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "test-output"
RUN_TIMEOUT_S = 420
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


def chromium() -> str:
    """Debian's chromium, installed when missing (CI and developers' machines are root with apt)."""
    found = shutil.which("chromium")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1500, check=False)
        assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-1500:]}{done.stderr[-1500:]}"
    found = shutil.which("chromium")
    assert found, "apt-get installed chromium, but it is not on PATH"
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """What `make ui` starts, on a free port, with the warehouse and archives in a temporary folder."""
    base = tmp_path_factory.mktemp("ui")
    extra = {
        "TRAWL_DB": str(base / "trawl.duckdb"),
        "TRAWL_DATA_DIR": str(base / "data"),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }
    with local_stack(port=free_port(), home=base / "prefect", extra_env=extra, demo_ports={}) as running:
        yield running


def api(stack: Stack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the server's REST API; retry while it is busy (503), as Prefect's own client does."""
    for attempt in range(10):
        response = httpx.request(method, f"{stack.api_url}{path}", json=body, timeout=30)
        if response.status_code not in (429, 503):
            break
        time.sleep(0.5 * 2 ** min(attempt, 4))
    assert response.status_code < 300, response.text
    return response.json()


@pytest.fixture(scope="module")
def two_nightly_runs(stack: Stack) -> dict[str, Any]:
    """Two runs of `nightly` started back to back through its deployment; both waited for."""
    deployment = api(stack, "GET", "/deployments/name/nightly/nightly")
    ids = [api(stack, "POST", f"/deployments/{deployment['id']}/create_flow_run", {})["id"] for _ in range(2)]
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        runs = {i: api(stack, "GET", f"/flow_runs/{i}") for i in ids}
        if all(r["state_type"] in TERMINAL for r in runs.values()):
            break
        time.sleep(2)
    else:
        log = (stack.home / "logs" / "worker.log").read_text(errors="replace")[-3000:]
        pytest.fail(f"nightly runs did not finish in {RUN_TIMEOUT_S} s: {runs}\nworker log:\n{log}")
    return runs


def test_prefect_yaml_registers_every_deployment(stack: Stack) -> None:
    nightly = api(stack, "GET", "/deployments/name/nightly/nightly")
    crons = [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in nightly["schedules"]]
    assert crons == [("0 2 * * *", "UTC", True)]
    assert nightly["work_pool_name"] == "trawl"
    assert nightly["entrypoint"] == "flows/nightly.py:nightly"
    assert nightly["global_concurrency_limit"]["limit"] == 1
    assert nightly["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
    assert json.dumps(nightly["pull_steps"]).count(str(ROOT)) == 1
    entrypoints = {
        name: api(stack, "GET", f"/deployments/name/{name}/{name}")["entrypoint"]
        for name in ("source", "reextract", "backfill")
    }
    assert entrypoints == {
        "source": "flows/ondemand.py:source_run",
        "reextract": "flows/reextract.py:reextract",
        "backfill": "flows/ondemand.py:backfill",
    }
    schema = api(stack, "GET", "/deployments/name/backfill/backfill")["parameter_openapi_schema"]
    assert schema["required"] == ["source"]


def test_nightly_runs_through_its_deployment_and_never_overlaps(stack: Stack, two_nightly_runs: dict[str, Any]) -> None:
    states = sorted((r["state_type"], r["state"]["message"] or "") for r in two_nightly_runs.values())
    assert [s for s, _ in states] == ["CANCELLED", "COMPLETED"], states
    assert states[1][1] == "2 source(s) ok"
    cancelled = next(i for i, r in two_nightly_runs.items() if r["state_type"] == "CANCELLED")
    history = [s["type"] for s in api(stack, "GET", f"/flow_run_states/?flow_run_id={cancelled}")]
    assert "RUNNING" not in history  # the second run never ran beside the first
    completed = next(i for i, r in two_nightly_runs.items() if r["state_type"] == "COMPLETED")
    tasks = api(stack, "POST", "/task_runs/filter", {"flow_runs": {"id": {"any_": [completed]}}})
    names = {t["name"] for t in tasks}
    assert {f"{stage}-{key}" for stage in ("crawl", "extract", "load") for key in stack.demo_urls} <= names
    logs = api(stack, "POST", "/logs/filter", {"logs": {"flow_run_id": {"any_": [completed]}}, "limit": 200})
    # one summary line per crawl; the Scrapy stats are an artifact, not log lines
    assert any(line["message"].startswith("trawl crawl kprf_demo: finished") for line in logs)
    assert not any("scrapy stats" in line["message"] or '"log_count/INFO"' in line["message"] for line in logs)
    assert any(line["message"].startswith("loaded kprf_demo: ok, ") for line in logs)
    stats = api(stack, "POST", "/artifacts/filter", {"artifacts": {"key": {"any_": ["trawl-crawl-stats-kprf-demo"]}}})
    assert stats, "the crawl's stats artifact"
    data = stats[0]["data"]
    rows = json.loads(data) if isinstance(data, str) else data
    assert any(row["stat"] == "finish_reason" for row in rows)
    # each source's progress artifact filled up in the UI during the run
    made = api(stack, "POST", "/artifacts/filter", {"artifacts": {"key": {"any_": ["trawl-progress-kprf-demo"]}}})
    assert made and made[0]["type"] == "progress" and float(made[0]["data"]) == 100.0
    # the crawl bounds are OS file locks beside the data (flows/limits.py), not Prefect limits
    assert any(line["message"].startswith("run ") for line in logs)


def test_the_flow_run_page_shows_the_per_source_table(stack: Stack, two_nightly_runs: dict[str, Any]) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    completed = next(UUID(i) for i, r in two_nightly_runs.items() if r["state_type"] == "COMPLETED")
    OUTPUT.mkdir(exist_ok=True)
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
    args += ["--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(f"{stack.ui_url}/runs/flow-run/{completed}")
            page.locator("#artifacts").click()  # the run page's Artifacts tab
            for key in (
                "trawl-run-sources",
                "trawl-run-report",
                "trawl-source-kprf-demo",
                "trawl-source-movimento-demo",
            ):
                page.get_by_text(key, exact=True).wait_for(timeout=60_000)
            page.screenshot(path=str(OUTPUT / "ui-flow-run-artifacts.png"), full_page=True)
            page.get_by_text("trawl-run-sources", exact=True).click()
            page.locator("table td", has_text="movimento_demo").wait_for(timeout=60_000)
            headers = [h.inner_text().strip() for h in page.locator("table th").all()]
            cells = [
                [c.inner_text().strip() for c in r.locator("td").all()] for r in page.locator("table tbody tr").all()
            ]
            page.screenshot(path=str(OUTPUT / "ui-run-sources-table.png"), full_page=True)
        finally:
            browser.close()
    assert headers[:4] == ["source", "status", "discovered", "fetched"]
    by_source = {row[0]: dict(zip(headers, row, strict=False)) for row in cells}
    assert set(by_source) == {"kprf_demo", "movimento_demo"}
    assert all(r["status"] == "ok" and int(r["fetched"]) > 0 for r in by_source.values())
    assert (OUTPUT / "ui-run-sources-table.png").stat().st_size > 10_000
