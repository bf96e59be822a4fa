"""Full-text search: index terms per document language, the fts index, the ``search`` macro.

DuckDB's fts index is rebuilt, never updated in place, so a refresh indexes the terms of the
new documents (incremental) and rebuilds the index only when something new arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.queries import query

# DuckDB's memory for the connection that refreshes the indexes (``warehouse.db.within_memory``):
# without a limit it keeps what it read cached up to 80 % of RAM, and the run's process grew with
# the warehouse (the fts rebuild of 10,000 documents peaked 320 MB above its start, 116 MB with
# this limit); a refresh that needs more runs on without it
INDEX_MEMORY_LIMIT = "256MB"
SEARCH_COLUMNS = ("score", "source", "published_at", "title", "url", "snippet", "language", "doc_id")


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    score: float
    source: str
    published_at: datetime | None
    title: str
    url: str
    snippet: str
    language: str | None
    doc_id: str


def index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(query("search_index_exists")).fetchone()
    return bool(row and row[0])


def refresh_search(con: duckdb.DuckDBPyConnection) -> int:
    """Index the documents not indexed yet and rebuild the fts index if any; returns how many."""
    con.execute("begin transaction")
    try:
        row = con.execute(query("insert_search_documents")).fetchone()
        added = int(row[0]) if row else 0
        if added or not index_exists(con):
            con.execute(query("create_search_index"))
            con.execute(query("create_search_hits_macro"))
            con.execute(query("create_search_macro"))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return added


def search(
    con: duckdb.DuckDBPyConnection,
    text: str,
    source: str | None = None,
    language: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[Hit]:
    """Ranked hits for ``text`` among current articles (every word must match)."""
    if not index_exists(con):
        return []
    params: dict[str, Any] = {
        "query": text,
        "source": source,
        "language": language,
        "since": since,
        "until": until,
        "limit": limit,
    }
    return [Hit(*row) for row in con.execute(query("search"), params).fetchall()]
