"""Read API of the warehouse for the pipeline (what the flows need to know before a crawl)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from warehouse.load import LoadReport
from warehouse.queries import query


def frontier_snapshot(con: duckdb.DuckDBPyConnection, source: str, due_by: datetime) -> dict[str, dict[str, Any]]:
    """URL -> what the spider needs about a known article page: validators, discovery time, state, due."""
    cursor = con.execute(query("frontier_snapshot"), {"source": source, "due_by": due_by})
    names = [d[0] for d in cursor.description or []]
    known = {}
    for row in cursor.fetchall():
        data = dict(zip(names, row, strict=True))
        url = data.pop("url")
        if data["lastmod"] is not None:
            data["lastmod"] = data["lastmod"].isoformat()
        known[url] = data
    return known


def rest_cursor(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    """The newest ``modified`` time the source's WordPress REST API reported (ISO, UTC), if any."""
    row = con.execute(query("rest_cursor"), {"source": source}).fetchone()
    return row[0].isoformat() if row and row[0] is not None else None


def rest_names(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, dict[str, str]]:
    """The source's known REST API names: {"users"|"categories"|"tags": {id: name}}."""
    names: dict[str, dict[str, str]] = {}
    for kind, ident, name in con.execute(query("rest_names"), {"source": source}).fetchall():
        names.setdefault(kind, {})[str(ident)] = name
    return names


def unfinished_run(con: duckdb.DuckDBPyConnection, since: datetime) -> str | None:
    """The newest run started after ``since`` that never finished (killed, crashed): the next run completes it."""
    row = con.execute(query("unfinished_run"), {"since": since}).fetchone()
    return str(row[0]) if row else None


def loaded_reports(con: duckdb.DuckDBPyConnection, run_id: str) -> list[LoadReport]:
    """The report rows of the sources a run has already loaded."""
    cursor = con.execute(query("run_reports"), {"run_id": run_id})
    names = [d[0] for d in cursor.description or []]
    fields = set(LoadReport.__dataclass_fields__)
    reports = []
    for row in cursor.fetchall():
        data = {k: v for k, v in zip(names, row, strict=True) if k in fields}
        data["discard_reasons"] = json.loads(data.get("discard_reasons") or "{}")
        data["failed_reasons"] = json.loads(data.get("failed_reasons") or "{}")
        data["blocked"] = data.get("blocked") or 0
        data["crawl_stats"] = json.loads(data.get("crawl_stats") or "{}")
        reports.append(LoadReport(**data))
    return reports


def runs_of_flow_run(con: duckdb.DuckDBPyConnection, flow_run_id: str) -> list[str]:
    """The run ids a Prefect flow run started in this warehouse, oldest first."""
    return [str(row[0]) for row in con.execute(query("runs_of_flow_run"), {"flow_run_id": flow_run_id}).fetchall()]


def page_history(con: duckdb.DuckDBPyConnection, url: str, canonical: str) -> list[dict[str, Any]]:
    """The versions of the page at ``url`` (as given or canonicalized), with their diffs and the page's state."""
    cursor = con.execute(query("page_history"), {"url": url, "canonical": canonical})
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def rest_api_found(con: duckdb.DuckDBPyConnection, source: str, since: datetime) -> bool | None:
    """What the source's latest crawl since ``since`` that looked for a WordPress REST API
    saw: True when it used one, False when its probe found none, None when no crawl looked in
    that time or the API it tried failed."""
    row = con.execute(query("rest_probe_outcomes"), {"source": source, "since": since}).fetchone()
    if row is None:
        return None
    return True if row[1] else (False if row[2] else None)


def recent_inventory(con: duckdb.DuckDBPyConnection, source: str, since: datetime) -> bool:
    """True when a crawl of the source since ``since`` read its complete sitemap inventory."""
    row = con.execute(query("recent_inventory"), {"source": source, "since": since}).fetchone()
    return bool(row and row[0])
