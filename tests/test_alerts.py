"""Alerts and the run's final state: one webhook notification per run, never fatal, never leaking its URL."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import pytest
from typer.testing import CliRunner
from webhook import Receiver

from flows.alerts import Problem, notify, payload, source_problems
from flows.cli import app
from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly
from flows.outcome import WARNINGS_STATE, RunFailed, final_state
from flows.report import source_key
from transforms.drops import fetch_drops, reasons, refusals


def row(source: str, status: str = "ok", **counts: Any) -> dict[str, Any]:
    base = {"source": source, "status": status, "error": None, "fetched": 0, "not_modified": 0, "failed": 0}
    return {**base, "blocked": 0, **counts}


def test_fetch_drops_count_failures_by_reason_and_refusals() -> None:
    rows = [
        {"role": "article", "status": 200},
        {"role": "article", "status": 304},
        {"role": "article", "status": 404},
        {"role": "article", "status": 404},
        {"role": "article", "status": 403},
        {"role": "article", "status": None, "error": "TimeoutError: took too long"},
        {"role": "sitemap", "status": 429},
        {"role": "robots", "status": 404},
    ]
    rows = [{"url": f"https://s.example/{i}", **row} for i, row in enumerate(rows)]
    assert reasons(fetch_drops(rows), "fetch") == {"http 404": 2, "TimeoutError": 1, "http 403": 1}
    assert refusals(rows) == 2  # the 403 article and the 429 sitemap; a missing robots.txt is no refusal


def test_problems_name_failed_unreachable_and_blocked_sources() -> None:
    rows = [
        row("fine", fetched=50, failed=1),
        row("down", "unreachable", error="ConnectionRefusedError: Connection was refused"),
        row("walled", fetched=3, failed=17, blocked=17),
        row("one_refusal", fetched=99, failed=1, blocked=1),  # 1 % refused: noise, not a block
    ]
    problems = source_problems(rows)
    assert [(p.source, p.kind) for p in problems] == [("down", "unreachable"), ("walled", "blocked")]
    assert "Connection was refused" in problems[0].reason
    assert source_key("movimento_demo") == "trawl-source-movimento-demo"


def test_final_state_fails_naming_sources_and_warnings_stay_completed() -> None:
    reports = [{"source": "a"}, {"source": "b"}]
    failed = final_state(reports, [Problem("b", "unreachable", "ConnectionRefusedError: refused\nmore")])
    assert failed.is_failed()
    assert failed.message == "1 of 2 sources failed: b (unreachable: ConnectionRefusedError: refused)"
    warned = final_state(reports, [Problem("a", "quality", "60 % of pages without a date", "warning")])
    assert warned.is_completed() and warned.name == WARNINGS_STATE and "a (quality" in (warned.message or "")
    assert final_state(reports, []).is_completed()


def test_payload_is_slack_and_telegram_shaped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAWL_ALERT_CHAT_ID", "-100123")
    body = payload("r1", [Problem("kprf", "failed", "CrawlFailed: exited 1")], "http://127.0.0.1:4200/runs/x")
    assert body["text"].startswith("trawl run r1: 1 source problem(s)")
    assert "kprf failed: CrawlFailed: exited 1" in body["text"]
    assert body["chat_id"] == "-100123"
    assert body["problems"] == [
        {"source": "kprf", "kind": "failed", "reason": "CrawlFailed: exited 1", "severity": "error"}
    ]


def test_notify_posts_once_and_never_logs_the_url(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with Receiver() as hook:
        monkeypatch.setenv("TRAWL_ALERT_WEBHOOK_URL", hook.url)
        assert notify("r1", [Problem("a", "failed", "boom")])
        assert not notify("r2", [])  # nothing to say: nothing sent
    assert [b["json"]["run_id"] for b in hook.bodies] == ["r1"]
    assert hook.path in hook.bodies[0]["path"]
    assert "T0KEN" not in caplog.text and hook.url not in caplog.text


@pytest.mark.parametrize("status", [500, None])
def test_a_failing_webhook_is_logged_not_raised(
    status: int | None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with Receiver(status=status or 200) as hook:
        url = hook.url
    if status:  # a receiver that answers 500
        with Receiver(status=status) as hook:
            monkeypatch.setenv("TRAWL_ALERT_WEBHOOK_URL", hook.url)
            assert not notify("r1", [Problem("a", "failed", "boom")])
        assert "HTTP 500" in caplog.text
    else:  # nobody listens any more
        monkeypatch.setenv("TRAWL_ALERT_WEBHOOK_URL", url)
        assert not notify("r1", [Problem("a", "failed", "boom")])
        assert "unreachable (ConnectError)" in caplog.text
    assert "T0KEN" not in caplog.text


def test_the_url_can_come_from_a_prefect_secret_block(prefect_harness: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.blocks.system import Secret

    monkeypatch.delenv("TRAWL_ALERT_WEBHOOK_URL", raising=False)
    monkeypatch.setenv("TRAWL_ALERT_SECRET_BLOCK", "trawl-test-webhook")
    with Receiver() as hook:
        Secret(value=hook.url).save("trawl-test-webhook", overwrite=True)
        assert notify("r1", [Problem("a", "failed", "boom")])
    assert len(hook.bodies) == 1


def test_a_dead_source_fails_the_run_by_name_and_alerts_once(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    db = tmp_path / "w.duckdb"
    with Receiver() as hook, demo_sites(down=frozenset({"kprf_demo"})) as server:
        monkeypatch.setenv("TRAWL_ALERT_WEBHOOK_URL", hook.url)
        state = nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(tmp_path / "data"), return_state=True)
        alive = len(server.sites["movimento_demo"].articles)
    # the run state names the failed source; its reports come with it
    assert state.is_failed()
    assert state.message and state.message.startswith("1 of 2 sources failed: kprf_demo (unreachable: ")
    failed = state.result(raise_on_failure=False)
    assert isinstance(failed, RunFailed)
    by_source = {r["source"]: r for r in failed.reports}
    assert by_source["kprf_demo"]["status"] == "unreachable"
    assert "Connection" in (by_source["kprf_demo"]["error"] or "")
    assert by_source["movimento_demo"]["status"] == "ok"
    # the other source loaded
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from articles").fetchone() == (alive,)
    assert con.execute("select status from run_sources where source = 'kprf_demo'").fetchone() == ("unreachable",)
    assert con.execute("select status from runs").fetchone() == ("completed_with_failures",)
    (documents,) = con.execute("select count(*) from current_documents").fetchone()  # type: ignore[misc]
    con.close()
    # what an operator sees: `trawl status` names the failed source and its reason, exit 1
    shown = CliRunner().invoke(app, ["status", "--db", str(db), "--json"])
    assert shown.exit_code == 1, shown.output
    status = {s["source"]: s for s in json.loads(shown.output)}
    dead, alive_source = status["kprf_demo"], status["movimento_demo"]
    assert [r["status"] for r in dead["last_runs"]] == ["unreachable"] and dead["last_new_article_at"] is None
    assert len(dead["alerts"]) == 1 and dead["alerts"][0].startswith("last run unreachable: ")
    assert "Connection" in dead["alerts"][0]
    (last,) = alive_source["last_runs"]
    # new documents: the articles and the static pages
    assert (last["status"], last["new"], last["failed"], last["failure_share"]) == ("ok", documents, 0, 0.0)
    assert alive_source["alerts"] == [] and alive_source["days_since_new_article"] is not None
    runs = json.loads(CliRunner().invoke(app, ["runs", "--db", str(db), "--json"]).output)
    assert [(r["status"], r["sources"], r["sources_not_ok"], r["new"]) for r in runs] == [
        ("completed_with_failures", 2, 1, documents)
    ]
    # exactly one notification, with the source and the reason
    assert len(hook.bodies) == 1
    body = hook.bodies[0]["json"]
    assert [(p["source"], p["kind"]) for p in body["problems"]] == [("kprf_demo", "unreachable")]
    assert "Connection" in body["problems"][0]["reason"] and "kprf_demo" in body["text"]
    # the report names it too; each source has its own keyed table
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(str(flow_run_id))]))
        )
        stored = client.read_flow_run(flow_run_id)
    assert stored.state is not None and stored.state.is_failed() and "kprf_demo" in (stored.state.message or "")
    by_key = {a.key: a for a in artifacts}
    assert {"trawl-run-sources", "trawl-run-report", "trawl-source-kprf-demo", "trawl-source-movimento-demo"} <= set(
        by_key
    )
    report = str(by_key["trawl-run-report"].data)
    assert "## Problems" in report and "**kprf_demo** unreachable" in report
    assert '"status": "unreachable"' in str(by_key["trawl-source-kprf-demo"].data)
