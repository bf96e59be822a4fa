"""Full-text search: index terms per document language, postings tables, the ``search`` macro.

Each document's title and text become terms ``<language>_<stem>`` (``search_documents``), and
the terms of the documents not indexed yet go into three plain tables: ``search_docs`` (a
number and a length per document), ``search_dict`` (a number per term) and ``search_postings``
(term, document, occurrences), a bounded number of documents per transaction. A refresh thus
costs in proportion to the night's new documents, never to the warehouse: DuckDB's fts index,
used before, is rebuilt whole at every change (about 100 s per 100,000 documents). The
``search_hits`` macro scores BM25 on these tables with the formula of fts's ``match_bm25``.

A search reads the postings of its few terms. Kept in term order, DuckDB skips the rest of the
table by its zone maps; the postings each refresh appends come after the ordered part, and the
refresh rewrites the table in order when they pass an eighth of it (``search_sorted`` says how far
the order goes). Over the nights that costs about eight times the postings added, still in
proportion to the documents added.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse.queries import query

# DuckDB's memory for the connection that refreshes the indexes (``warehouse.db.within_memory``):
# without a limit it keeps what it read cached up to 80 % of RAM, and the run's process grew with
# the warehouse; a refresh that needs more runs on without it
INDEX_MEMORY_LIMIT = "128MB"
# documents indexed per transaction (a refresh after an upgrade indexes the whole warehouse):
# 10,000 documents from nothing peaked 460 MB in 2,000-document steps under 256 MB, 260 MB in
# 500-document steps under 128 MB (7.7 s against 5.9 s)
SEARCH_CHUNK = 500
# the postings appended after the part in term order may grow to this share of the table before a
# refresh rewrites it in order: a search scans them whole (the sorted part by zone maps), and the
# rewrites cost about eight times the postings added (3 s per rewrite at 100,000 documents)
UNSORTED_SHARE = 1 / 8
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


def refresh_search(con: duckdb.DuckDBPyConnection, chunk: int = SEARCH_CHUNK) -> int:
    """Index the documents not indexed yet (``chunk`` per transaction); returns how many. An
    interrupted refresh leaves whole chunks indexed, and the next one goes on from there."""
    with _transaction(con):
        con.execute(query("insert_search_documents"))
        if _has_fts_index(con):  # the index of earlier versions: its tables are replaced
            con.execute("pragma drop_fts_index('search_documents')")
        con.execute(query("create_search_hits_macro"))
        con.execute(query("create_search_macro"))
    added = 0
    while True:
        with _transaction(con):
            con.execute(query("search_pending"), {"limit": chunk})
            row = con.execute("select count(*) from search_pending").fetchone()
            pending = int(row[0]) if row else 0
            if pending:
                con.execute(query("index_search_pending"))
            con.execute("drop table if exists search_pending_terms")
            con.execute("drop table search_pending")
        added += pending
        if pending < chunk:
            break
    if added:
        sort_postings(con)
    return added


def sort_postings(con: duckdb.DuckDBPyConnection, share: float = UNSORTED_SHARE) -> bool:
    """Rewrite the postings in term order when more than ``share`` of them are not; whether it did."""
    row = con.execute(query("search_unsorted")).fetchone()
    unsorted, postings = (int(row[0]), int(row[1])) if row else (0, 0)
    if unsorted <= share * postings:
        return False
    with _transaction(con):
        con.execute(query("sort_search_postings"))
    return True


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _has_fts_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(query("search_fts_index_exists")).fetchone()
    return bool(row and row[0])


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
    ranked = con.execute(query("search_ranked"), params).fetchall()
    if not ranked:
        return []
    values: dict[str, Any] = {}
    for rank, row in enumerate(ranked):  # bound parameters; only their names are written in
        values |= {f"{name}{rank}": value for name, value in zip(("doc", "score", "stems", "strip"), row, strict=True)}
    n = range(len(ranked))
    details = query("search_details").format(
        hits=", ".join(f"($doc{k}, $score{k}, $stems{k}, $strip{k}, {k})" for k in n),
        ids=", ".join(f"$doc{k}" for k in n),
    )
    return [Hit(*row) for row in con.execute(details, values).fetchall()]
