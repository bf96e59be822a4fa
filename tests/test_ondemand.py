"""A backfill recrawls without conditional requests; a nightly run sends the validators it knows."""

from __future__ import annotations

import json
from pathlib import Path

from flows import settings
from flows.nightly import _begin
from flows.ondemand import backfill, source_run
from flows.sources import Source
from warehouse.db import connect
from warehouse.load import SourceBatch, load_batch


def test_a_backfill_forgets_the_validators_a_nightly_run_sends(tmp_path: Path) -> None:
    paths = settings.resolve_paths(tmp_path / "w.duckdb", tmp_path / "data")
    con = connect(paths.db)
    page = {"url": "http://a.example/1", "role": "article", "status": 200, "fetched_at": "2026-11-01T02:00:00+00:00"}
    load_batch(con, SourceBatch("r0", "site", [{**page, "etag": '"v1"'}], []))
    con.close()
    site = Source(key="site", url="http://a.example/")
    nightly_plan = _begin(paths.db, [site], paths)
    backfill_plan = _begin(paths.db, [site], paths, full=True, resume=False)
    known = json.loads(Path(nightly_plan.inputs["site"]["known"]).read_text())
    assert known["http://a.example/1"]["etag"] == '"v1"'
    assert backfill_plan.inputs["site"] == {}  # no frontier: every page fetched, unconditionally
    assert backfill_plan.run_id != nightly_plan.run_id


def test_on_demand_flows_take_one_source() -> None:
    for flow in (source_run, backfill):
        assert flow.parameters.required == ["source"]
    assert (source_run.name, backfill.name) == ("source", "backfill")
