"""The loader's frontier step: fold one crawl's candidates and answers into the per-URL crawl state.

Runs inside the load transaction (``warehouse.load``); the state transitions themselves are
the pure ``transforms.frontier.observe``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from transforms.dates import parse_datetime, to_utc
from transforms.frontier import GONE, Answer, Observation, PageResult, PageState, Revisit, observe
from warehouse.queries import query
from warehouse.rows import select_rows, table_schema

SLICE_URLS = 20_000  # URLs folded into the frontier at a time


@dataclass(frozen=True)
class Crawl:
    """What the frontier reads of one source's crawl: the last fetch row per URL
    (``transforms.fetches.final_rows``) and the discovery candidates."""

    source: str
    fetches: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    inventory_complete: bool


@dataclass(frozen=True)
class FrontierCounts:
    """What the frontier step tells the run report."""

    gone: int
    not_due: int


def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime (naive means UTC), or None; a lastmod UTC cannot hold (year 1 with
    an offset) is clamped by the one date parser, never an OverflowError that fails the load."""
    if isinstance(value, datetime):
        return to_utc(value)
    return parse_datetime(value)


def observations(
    fetches: list[dict[str, Any]],
    candidates: list[dict[str, Any]],
    results: dict[str, PageResult],
    inventory_complete: bool,
    now: datetime,
) -> dict[str, Observation]:
    """Per article URL: what this crawl learned (discovery, answer, extracted content); ``results``
    is keyed by the final URL of a fetch."""
    found: dict[str, Observation] = {}
    for cand in candidates:
        url = cand.get("url")
        if not url:
            continue
        found[url] = Observation(
            url=url,
            at=now,
            discovered=bool(cand.get("discovered", True)),
            listed=bool(cand.get("listed")) if inventory_complete else None,
            lastmod=parse_time(cand.get("lastmod")),
            lastmod_via=cand.get("lastmod_via"),
        )
    for row in fetches:
        if row.get("role") != "article":
            continue
        url = row["url"]
        base = found.get(url) or Observation(url=url, at=now, listed=False if inventory_complete else None)
        result = results.get(row.get("final_url") or url) or results.get(url)
        answer = Answer(
            fetched_at=parse_time(row.get("fetched_at")),
            status=row.get("status"),
            error=row.get("error"),
            etag=row.get("etag"),
            last_modified=row.get("last_modified"),
        )
        found[url] = replace(base, answer=answer, result=result or PageResult())
    return found


STATE_FIELDS = tuple(f.name for f in fields(PageState))


def _previous(con: duckdb.DuckDBPyConnection, source: str, urls: list[str]) -> dict[str, PageState]:
    if not urls:
        return {}
    con.register("batch", pa.Table.from_pylist([{"source": source, "url": u} for u in urls]))
    try:
        cursor = con.execute(query("frontier_rows"))
        names = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall()
    finally:
        con.unregister("batch")
    states = {}
    for row in rows:
        data = dict(zip(names, row, strict=True))
        states[data["url"]] = PageState(**data)
    return states


SEEN_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("url", pa.string()),
        ("at", pa.timestamp("us", tz="UTC")),
        ("discovered", pa.bool_()),
        ("listed", pa.bool_()),
        ("lastmod", pa.timestamp("us", tz="UTC")),
        ("lastmod_via", pa.string()),
    ]
)


def _relisted(con: duckdb.DuckDBPyConnection, source: str, found: dict[str, Observation]) -> set[str]:
    """Fold the observations without a request into the rows of known URLs past ``new``, in one
    statement (``relist_frontier.sql``: what ``observe`` does to them); the URLs it updated.

    A sitemap lists every URL every night, so this is most of a quiet night's frontier work: done
    row by row in Python it grew with the site (19 s at 100k URLs), not with the night."""
    seen = [
        {
            "source": source,
            "url": o.url,
            "at": o.at,
            "discovered": o.discovered,
            "listed": o.listed,
            "lastmod": o.lastmod,
            "lastmod_via": o.lastmod_via,
        }
        for o in found.values()
        if not o.requested
    ]
    return {row[0] for row in select_rows(con, "relist_frontier", seen, SEEN_SCHEMA)}


def update_frontier(con: duckdb.DuckDBPyConnection, source: str, found: dict[str, Observation], policy: Revisit) -> int:
    """Apply the observations to the source's frontier rows (inside the caller's transaction):
    the URLs merely listed again in SQL, the rest (new URLs, answers) through ``observe``; how
    many pages with content went gone."""
    relisted = _relisted(con, source, found)
    rest = sorted(url for url in found if url not in relisted)
    previous = _previous(con, source, rest)
    rows = []
    gone = 0
    for url in rest:
        prev = previous.get(url)
        state = observe(prev, found[url], policy, source)
        if state.state == GONE and prev is not None and prev.state != GONE and prev.content_hash is not None:
            gone += 1
        rows.append({name: getattr(state, name) for name in STATE_FIELDS})  # flat values: no deep copy
    if rows:
        con.register("batch", pa.Table.from_pylist(rows, schema=table_schema(con, "frontier")))
        try:
            con.execute(query("upsert_frontier"))
        finally:
            con.unregister("batch")
    return gone


def _unlist(con: duckdb.DuckDBPyConnection, source: str, candidates: list[dict[str, Any]]) -> None:
    """A complete inventory: the source's URLs it did not list are no longer listed."""
    listed = pa.Table.from_pydict(
        {"url": [c["url"] for c in candidates if c.get("listed") and c.get("url")]},
        schema=pa.schema([("url", pa.string())]),
    )
    con.register("listed_now", listed)
    try:
        con.execute(query("unlist_frontier"), {"source": source})
    finally:
        con.unregister("listed_now")


def _url_slices(rows: Iterable[dict[str, Any]], parts: int) -> list[list[dict[str, Any]]]:
    """The rows in ``parts`` groups by URL (every row of a URL in the same group)."""
    slices: list[list[dict[str, Any]]] = [[] for _ in range(parts)]
    for row in rows:
        url = row.get("url")
        if url:
            slices[zlib.crc32(str(url).encode()) % parts].append(row)
    return slices


def fold_crawl(
    con: duckdb.DuckDBPyConnection,
    crawl: Crawl,
    results: dict[str, PageResult],
    policy: Revisit,
    now: datetime,
    slice_urls: int = SLICE_URLS,
) -> FrontierCounts:
    """Fold one crawl (its last fetch per URL and its candidates) into the source's frontier,
    ``slice_urls`` URLs at a time: what the step holds beyond its inputs is bounded, not
    proportional to the site (a 100k-URL inventory is 5 slices)."""
    parts = max(1, -(-max(len(crawl.fetches), len(crawl.candidates)) // slice_urls))
    gone = 0
    for fetches, candidates in zip(
        _url_slices(crawl.fetches, parts), _url_slices(crawl.candidates, parts), strict=True
    ):
        found = observations(fetches, candidates, results, crawl.inventory_complete, now)
        gone += update_frontier(con, crawl.source, found, policy)
    if crawl.inventory_complete:
        _unlist(con, crawl.source, crawl.candidates)
    not_due = sum(1 for c in crawl.candidates if c.get("decision") == "not_due")
    return FrontierCounts(gone=gone, not_due=not_due)
