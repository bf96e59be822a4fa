"""A backfill recrawls without conditional requests; a nightly run sends the validators it knows."""

from __future__ import annotations

import json
from pathlib import Path

from flows import settings
from flows.nightly import _begin
from flows.ondemand import backfill, source_run
from flows.sources import Source
from warehouse.db import connect


def test_a_backfill_forgets_the_validators_a_nightly_run_sends(tmp_path: Path) -> None:
    paths = settings.resolve_paths(tmp_path / "w.duckdb", tmp_path / "data")
    con = connect(paths.db)
    con.execute(
        "insert into fetches (run_id, source, url, role, status, fetched_at, etag) "
        "values ('r0', 'site', 'http://a.example/1', 'article', 200, now(), '\"v1\"')"
    )
    con.close()
    site = Source(key="site", url="http://a.example/")
    nightly_known = _begin(paths.db, "r1", [site], paths)
    backfill_known = _begin(paths.db, "r2", [site], paths, full=True)
    assert json.loads(Path(nightly_known["site"]).read_text()) == {
        "http://a.example/1": {"etag": '"v1"', "last_modified": None}
    }
    assert json.loads(Path(backfill_known["site"]).read_text()) == {}


def test_on_demand_flows_take_one_source() -> None:
    for flow in (source_run, backfill):
        assert flow.parameters.required == ["source"]
    assert (source_run.name, backfill.name) == ("source", "backfill")
