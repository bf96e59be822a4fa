"""Rebuild a source's documents from re-extracted archive pages, recording what changed, field by field.

The re-extracted records are loaded like a crawl without fetches (``load_batch``): texts that
clean and hash differently become new documents and new page versions, the old versions stay
in the history. Documents whose text is unchanged but whose metadata the current extractor reads
differently get their metadata rewritten from their first page. Every changed page is a row of
``document_changes``; each rebuild a row of ``rebuilds`` with the code versions that made it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from transforms.boilerplate import Boilerplate
from transforms.decide import document_row
from transforms.document import build_document
from transforms.records import Article
from warehouse.faultpoint import pause_point
from warehouse.load import LOAD_CHUNK, LoadReport, SourceBatch, apply_batch, record_chunks, transaction
from warehouse.queries import query
from warehouse.rows import insert_rows, select_rows
from warehouse.structure import stored_blocks


@dataclass(frozen=True)
class Versions:
    """The versions of the code a rebuild ran with."""

    extractor: str
    cleaner: str
    normalizer: str
    trafilatura: str | None = None


@dataclass
class RebuildReport:
    """What rebuilding one source did."""

    run_id: str
    source: str
    pages: int = 0
    new_pages: int = 0
    discarded: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    load: LoadReport | None = None

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if c["old_doc_id"] is not None or c["kind"] == "metadata")

    def fields(self) -> dict[str, int]:
        """Field -> how many changed pages changed it."""
        counts = Counter(f for c in self.changes if c["old_doc_id"] is not None for f in c["changed_fields"])
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _boilerplate(con: duckdb.DuckDBPyConnection, source: str) -> Boilerplate:
    """The boilerplate the source's documents were just cleaned with (as the loader stored it)."""
    rows = con.execute(query("boilerplate_model"), {"source": source}).fetchall()
    documents = int(rows[0][2]) if rows else 0
    return Boilerplate(source, documents, {str(line): int(n) for line, n, _ in rows}, stored_blocks(con, source))


def _metadata_changes(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, articles: list[Article], now: datetime
) -> list[dict[str, Any]]:
    """Rewrite the metadata of unchanged texts whose first page now yields other metadata."""
    model = _boilerplate(con, batch.source)
    rows: dict[str, dict[str, Any]] = {}
    for article in articles:
        row = document_row(build_document(batch.source, article, model), batch.source, batch.run_id, now)
        rows.setdefault(row["first_url"], row)
    changed = select_rows(con, "metadata_changes", list(rows.values()))
    if not changed:
        return []
    insert_rows(con, "update_document_metadata", [rows[url] for _, url, _ in changed])
    return [
        {"url": url, "old_doc_id": doc_id, "new_doc_id": doc_id, "changed_fields": list(fields), "kind": "metadata"}
        for doc_id, url, fields in changed
    ]


def rebuild_source(con: duckdb.DuckDBPyConnection, batch: SourceBatch, versions: Versions) -> RebuildReport:
    """Load a batch of re-extracted records and record how the source's documents changed."""
    started = datetime.now(UTC)
    records = [r for chunk in record_chunks(batch.records, LOAD_CHUNK) for r in chunk]  # one transaction anyway
    articles = [r for r in records if isinstance(r, Article)]
    report = RebuildReport(batch.run_id, batch.source, pages=len(records))
    report.discarded = len(records) - len(articles)
    with transaction(con):  # one transaction: the changes and their records, or neither
        before = dict(con.execute(query("current_pages_of_source"), {"source": batch.source}).fetchall())
        report.load = apply_batch(con, batch)  # new texts, documents, page versions, re-cleans
        pause_point("rebuild:after-load")
        after = dict(con.execute(query("current_pages_of_source"), {"source": batch.source}).fetchall())
        pairs = [
            {"url": url, "old_doc_id": before.get(url), "new_doc_id": doc_id}
            for url, doc_id in sorted(after.items())
            if before.get(url) != doc_id
        ]
        rows = select_rows(con, "page_changes", pairs)
        report.changes = [
            {"url": url, "old_doc_id": old, "new_doc_id": new, "changed_fields": list(fields), "kind": "text"}
            for url, old, new, fields in rows
        ]
        report.new_pages = sum(1 for c in report.changes if c["old_doc_id"] is None)
        report.changes += _metadata_changes(con, batch, articles, started)
        insert_rows(
            con,
            "insert_document_changes",
            [
                {k: c[k] for k in ("url", "old_doc_id", "new_doc_id", "changed_fields")}
                | {"run_id": batch.run_id, "source": batch.source}
                for c in report.changes
            ],
        )
        insert_rows(
            con,
            "insert_rebuild",
            [
                {
                    "run_id": batch.run_id,
                    "source": batch.source,
                    "pages": report.pages,
                    "changed": report.changed,
                    "new_pages": report.new_pages,
                    "discarded": report.discarded,
                    "fields": json.dumps(report.fields()),
                    "extractor_version": versions.extractor,
                    "cleaner_version": versions.cleaner,
                    "normalizer_version": versions.normalizer,
                    "trafilatura_version": versions.trafilatura,
                    "started_at": batch.started_at or started,
                    "finished_at": datetime.now(UTC),
                }
            ],
        )
    return report
