"""Read API of the warehouse for the pipeline (what the flows need to know before a crawl)."""

from __future__ import annotations

import duckdb

from warehouse.queries import query


def known_validators(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, dict[str, str | None]]:
    """URL -> {etag, last_modified} of the source's article pages, for conditional requests."""
    rows = con.execute(query("known_validators"), {"source": source}).fetchall()
    return {url: {"etag": etag, "last_modified": last_modified} for url, etag, last_modified in rows}
