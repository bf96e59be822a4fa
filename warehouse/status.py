"""How the sources are doing, for operators: the last runs of each, its open alerts, recent runs.

Read-only queries over ``runs``, ``run_sources``, ``quality_checks`` and the ``source_health``
view; the CLI's ``trawl status`` and ``trawl runs`` print them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from warehouse.queries import query


@dataclass
class SourceStatus:
    """One source: its last runs (newest first), when it last got a new article, its open alerts."""

    source: str
    name: str
    url: str
    last_runs: list[dict[str, Any]] = field(default_factory=list)
    last_success_at: datetime | None = None
    last_new_article_at: datetime | None = None
    days_since_new_article: float | None = None
    alerts: list[str] = field(default_factory=list)


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def source_status(con: duckdb.DuckDBPyConnection, runs: int = 5) -> list[SourceStatus]:
    """Every source's status. Its alerts: the last run not ``ok`` (with its error) and every
    quality check that warned in it."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(con.execute(query("status_source_runs"), {"runs": runs})):
        by_source.setdefault(row.pop("source"), []).append(row)
    out = []
    for row in _rows(con.execute(query("status_sources"))):
        history = by_source.get(row["source"], [])
        alerts = []
        if history and history[0]["status"] != "ok":
            alerts.append(f"last run {history[0]['status']}: {history[0]['error'] or 'no reason recorded'}")
        alerts += [f"quality check {name} warned" for name in row["warnings"] or []]
        out.append(
            SourceStatus(
                source=row["source"],
                name=row["name"],
                url=row["url"],
                last_runs=history,
                last_success_at=row["last_success_at"],
                last_new_article_at=row["last_new_article_at"],
                days_since_new_article=row["days_since_new_article"],
                alerts=alerts,
            )
        )
    return out


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    """The newest runs with their state, duration and the sum of what their sources did."""
    return _rows(con.execute(query("recent_runs"), {"limit": limit}))
