"""Run health: a source whose article fetches fail half of the time is `degraded`, named everywhere, once."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import pytest
from webhook import Receiver

from demo.app import Response, SiteApp
from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly
from flows.outcome import WARNINGS_STATE
from warehouse.load import LoadReport, SourceBatch, _count_fetches


class EveryOtherArticleFails:
    """The site, except that every second article URL (in the order first asked) answers 500, always."""

    def __init__(self, app: SiteApp) -> None:
        self.app = app
        self.failing: dict[str, bool] = {}
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        path = unquote(urlsplit(target).path)
        if path in self.app.articles:
            with self.lock:
                fails = self.failing.setdefault(path, len(self.failing) % 2 == 1)
            if fails:
                body = b"Internal Server Error\n"
                head = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
                return Response(500, head, body)
        return self.app.handle(method, target, headers)


def health(*statuses: int | None) -> LoadReport:
    report = LoadReport("r", "s")
    fetches = [
        {"url": f"https://s.example/{i}", "role": "article", "status": s, "error": None if s else "TimeoutError: x"}
        for i, s in enumerate(statuses)
    ]
    _count_fetches(SourceBatch(run_id="r", source="s", fetches=fetches, records=[]), fetches, report)
    return report


def test_fetch_failure_shares_set_the_status() -> None:
    assert health(200, 200, 200, 200, 500).status == "degraded"  # 20 %
    assert health(200, 200, 200, 200, 200, 404, 410, 304, None).status == "ok"  # 404/410/304 are answers
    assert health(200, 500).status == "ok"  # fewer than 3 pages: too few to judge
    assert health(200, None, None, None, 503).status == "failed"  # 80 %
    assert health(None).status == "unreachable"  # nothing answered at all
    report = health(200, 200, 503, None)
    assert report.status == "degraded"
    assert report.error == "2 of 4 article fetches failed (50%): http 503 1, TimeoutError 1"


def test_half_failing_articles_degrade_the_source_and_are_named_once(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    with Receiver() as hook, demo_sites() as server:
        server._apps["kprf_demo"] = EveryOtherArticleFails(server._apps["kprf_demo"])  # type: ignore[assignment]
        monkeypatch.setenv("TRAWL_ALERT_WEBHOOK_URL", hook.url)
        state = nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(tmp_path / "data"), return_state=True)
    # a degraded source does not fail the run, but the state message names it, with the counts
    assert state.is_completed() and state.name == WARNINGS_STATE, state
    assert state.message and "kprf_demo (degraded: " in state.message
    assert "article fetches failed (" in state.message and "%): http 500 " in state.message
    reports = {r["source"]: r for r in state.result()}
    assert 0.4 <= reports["kprf_demo"]["failed"] / reports["kprf_demo"]["discovered"] <= 0.6
    assert reports["kprf_demo"]["status"] == "degraded" and reports["movimento_demo"]["status"] == "ok"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select status from run_sources where source = 'kprf_demo'").fetchone() == ("degraded",)
    check = con.execute(
        "select status, value from quality_checks where source = 'kprf_demo' and check_name = 'fetch_failure_share'"
    ).fetchone()
    con.close()
    assert check is not None and check[0] == "warning" and 0.4 <= check[1] <= 0.6
    # exactly one webhook POST, naming the source and why
    assert len(hook.bodies) == 1
    body = hook.bodies[0]["json"]
    degraded = [p for p in body["problems"] if p["kind"] == "degraded"]
    assert [p["source"] for p in degraded] == ["kprf_demo"]
    assert "article fetches failed (" in degraded[0]["reason"] and "http 500" in degraded[0]["reason"]
    assert "kprf_demo degraded" in body["text"]
