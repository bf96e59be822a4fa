"""A REST API probe that found nothing is remembered for a week (flows.runplan, warehouse.read)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.runplan import DISCOVERY_RECHECK, frontier_inputs
from spiders.site import ABSENT_STAT
from warehouse.db import connect

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "w.duckdb")


def crawl(con: duckdb.DuckDBPyConnection, source: str, days_ago: float, stats: dict[str, object]) -> None:
    started = NOW - timedelta(days=days_ago)
    con.execute(
        "insert into run_sources (run_id, source, status, started_at, crawl_stats) values (?, ?, 'ok', ?, ?)",
        [f"run-{days_ago}", source, started, json.dumps(stats)],
    )


def probe(con: duckdb.DuckDBPyConnection, tmp_path: Path, source: str = "site") -> bool:
    return bool(frontier_inputs(con, source, tmp_path / source, NOW).get("rest_probe", True))


def test_a_recent_probe_without_api_skips_the_next_one(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    crawl(con, "site", 2, {ABSENT_STAT: 1})
    crawl(con, "site", 1, {"trawl/rest_api/probe_skipped": 1})  # a skipping run decides nothing
    assert not probe(con, tmp_path)
    assert probe(con, tmp_path, "other")  # per source


def test_the_probe_is_repeated_after_the_recheck_interval(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    crawl(con, "site", DISCOVERY_RECHECK.days + 1, {ABSENT_STAT: 1})
    assert probe(con, tmp_path)


def test_an_api_found_later_wins(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    crawl(con, "site", 3, {ABSENT_STAT: 1})
    crawl(con, "site", 1, {"trawl/rest_api": "https://example.org/wp-json/"})
    assert probe(con, tmp_path)


def test_no_history_probes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    assert probe(con, tmp_path)
