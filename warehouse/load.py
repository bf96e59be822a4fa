"""Load one source's crawl of one run into the warehouse: one transaction, idempotent.

Order inside the transaction: fetches and every stage's drops (``transforms.drops``); block counts
(``warehouse.structure``); extractions and line counts (each distinct extracted text counted once);
the source's boilerplate learned anew; documents cleaned and hashed, then the pages' state read once
and what each page is decided by ``transforms.decide`` (pure), and written: documents by content
hash, page versions (with the diff from the version before); earlier pages of the source cleaned
again when its boilerplate changed; the frontier (per-URL crawl state, see ``warehouse.frontier``);
REST API names; the run report row. Re-loading the same batch changes nothing. ``apply_batch`` does
this inside the caller's transaction (a rebuild adds its change records to the same one),
``load_batch`` in its own.

A page version remembers the extraction it was cleaned from (``raw_hash``) and the cleaning
that made its document (``cleaning_version``: the source's boilerplate lines and the
cleaner's code). When the list changes, every current page of the source still cleaned
under another version is rebuilt from its stored extraction and pointed at the new
document in place: a re-clean is not a new version of the page, the page did not change.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import duckdb

from transforms.boilerplate import MIN_DOCS, MIN_SHARE, Boilerplate, count_lines, learn, line_hash
from transforms.decide import CurrentVersion, StoredState, decide_pages, document_row, page_url, pages_of, raw_hash
from transforms.document import build_document
from transforms.drops import batch_drops, reasons, refusals
from transforms.fetches import count_fetches, final_rows
from transforms.frontier import PageResult, Revisit
from transforms.normalize import normalize_text
from transforms.records import Article, Discard, Document
from transforms.serialize import from_dict, to_dict
from warehouse.frontier import observations, parse_time, update_frontier
from warehouse.queries import query
from warehouse.rows import insert_rows, select_rows, table_schema
from warehouse.structure import learn_structure


@dataclass(frozen=True)
class SourceBatch:
    """Everything one source's crawl produced in one run, ready to load."""

    run_id: str
    source: str
    fetches: list[dict[str, Any]]
    records: list[Article | Discard]
    crawl_stats: dict[str, Any] = field(default_factory=dict)
    crawl_error: str | None = None
    started_at: datetime | None = None
    min_docs: int = MIN_DOCS
    min_share: float = MIN_SHARE
    candidates: list[dict[str, Any]] = field(default_factory=list)
    rest_names: dict[str, dict[str, str]] = field(default_factory=dict)
    revisit: Revisit = field(default_factory=Revisit)


@dataclass
class LoadReport:
    """What loading one batch did: the per-run, per-source report row."""

    run_id: str
    source: str
    status: str = "ok"
    error: str | None = None
    discovered: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    extracted: int = 0
    discarded: int = 0
    discard_reasons: dict[str, int] = field(default_factory=dict)
    failed_reasons: dict[str, int] = field(default_factory=dict)  # article fetches without a page, by reason
    blocked: int = 0  # requests the site refused (401/403/429/451)
    new_documents: int = 0
    duplicates: int = 0
    new_versions: int = 0
    boilerplate_removed: int = 0
    recleaned: int = 0
    cleaning_version: str | None = None
    gone: int = 0
    not_due: int = 0
    dates_rejected: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    crawl_stats: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        data = asdict(self)
        data["discard_reasons"] = json.dumps(self.discard_reasons, sort_keys=True)
        data["failed_reasons"] = json.dumps(self.failed_reasons)
        data["crawl_stats"] = json.dumps(self.crawl_stats, sort_keys=True, default=str)
        return data


def _fetch_rows(batch: SourceBatch, columns: list[str]) -> list[dict[str, Any]]:
    rows = []
    for row in final_rows(batch.fetches):
        rows.append(
            {
                **{name: row.get(name) for name in columns},
                "run_id": batch.run_id,
                "source": batch.source,
                "fetched_at": parse_time(row.get("fetched_at")),
                "lastmod": parse_time(row.get("lastmod")),
            }
        )
    return rows


def _count_fetches(batch: SourceBatch, report: LoadReport) -> None:
    counts = count_fetches(batch.fetches, batch.crawl_stats, batch.crawl_error)
    report.discovered = sum(counts.outcomes.values())
    report.fetched, report.failed = counts.outcomes["fetched"], counts.outcomes["failed"]
    report.not_modified = counts.outcomes["not_modified"]
    report.status, report.error = counts.status, counts.error


def _learn_lines(con: duckdb.DuckDBPyConnection, batch: SourceBatch, articles: list[Article], now: datetime) -> None:
    """Count the lines of extracted texts the source has not counted before."""
    by_hash = {raw_hash(a): a for a in articles}
    known = {
        row[0]
        for row in select_rows(con, "known_raw_hashes", [{"source": batch.source, "raw_hash": h} for h in by_hash])
    }
    fresh = [normalize_text(a.text) for h, a in sorted(by_hash.items()) if h not in known]
    counts = count_lines(fresh)
    insert_rows(
        con,
        "upsert_line_counts",
        [
            {"source": batch.source, "line_hash": line_hash(key), "line": key, "doc_count": n, "seen_at": now}
            for key, n in sorted(counts.items())
        ],
    )
    insert_rows(
        con,
        "insert_extractions",
        [
            {
                "source": batch.source,
                "url": a.url,
                "raw_hash": raw_hash(a),
                "run_id": batch.run_id,
                "extracted_at": now,
                "record": json.dumps(to_dict(a), ensure_ascii=False),
            }
            for a in articles
        ],
    )


def _relearn_boilerplate(con: duckdb.DuckDBPyConnection, batch: SourceBatch, blocks: frozenset[str]) -> Boilerplate:
    rows = con.execute(query("source_line_counts"), {"source": batch.source}).fetchall()
    documents_row = con.execute(query("source_documents_count"), {"source": batch.source}).fetchone()
    documents = int(documents_row[0]) if documents_row else 0
    counts = {row[1]: row[2] for row in rows}
    model = replace(learn(batch.source, counts, documents, batch.min_docs, batch.min_share), blocks=blocks)
    con.execute("delete from boilerplate_lines where source = ?", [batch.source])
    insert_rows(
        con,
        "replace_boilerplate",
        [
            {
                "source": batch.source,
                "line_hash": row[0],
                "line": row[1],
                "doc_count": row[2],
                "documents": documents,
                "first_seen": row[3],
                "last_seen": row[4],
                "learned_run_id": batch.run_id,
            }
            for row in rows
            if row[1] in model.lines
        ],
    )
    return model


def _stored_state(con: duckdb.DuckDBPyConnection, source: str, docs: list[Document]) -> StoredState:
    """The one read before deciding: which of the batch's documents exist, its pages' current versions and texts."""
    existing = select_rows(con, "existing_documents", [{"doc_id": d.content_hash} for d in docs])
    urls = [{"source": source, "url": url} for url in pages_of(docs)]
    current = {row[0]: CurrentVersion(*row[1:]) for row in select_rows(con, "current_versions", urls)}
    texts = select_rows(con, "document_texts", [{"doc_id": v.doc_id} for v in current.values() if v.doc_id])
    return StoredState(frozenset(row[0] for row in existing), current, dict(texts))


def _load_documents(
    con: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    docs: list[Document],
    model: Boilerplate,
    report: LoadReport,
    now: datetime,
) -> None:
    """Read the pages' state, decide (``transforms.decide``), write what was decided."""
    state = _stored_state(con, batch.source, docs)
    decision = decide_pages(docs, state, batch.source, batch.run_id, model.version, now)
    report.new_documents, report.duplicates = decision.new_documents, decision.duplicates
    report.new_versions = decision.new_versions
    report.recleaned += decision.recleaned_changed
    insert_rows(con, "insert_documents", decision.documents)
    insert_rows(con, "reclean_versions", decision.recleaned)
    insert_rows(con, "close_versions", decision.versions)
    insert_rows(con, "insert_versions", decision.versions)
    insert_rows(con, "insert_version_diffs", decision.diffs)


def _reclean(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, model: Boilerplate, report: LoadReport, now: datetime
) -> None:
    """Clean again, from their stored extractions, the source's current pages that an older
    boilerplate list cleaned; point each at its rebuilt document."""
    stale = con.execute(
        query("stale_cleanings"), {"source": batch.source, "cleaning_version": model.version}
    ).fetchall()
    updates: list[dict[str, Any]] = []
    rows: dict[str, dict[str, Any]] = {}
    for url, version, doc_id, raw, record in stale:
        article = from_dict(json.loads(record))
        if not isinstance(article, Article):
            continue
        doc = build_document(batch.source, article, model)
        rows.setdefault(doc.content_hash, {**document_row(doc, batch.source, batch.run_id, now), "first_url": url})
        updates.append(
            {
                "source": batch.source,
                "url": url,
                "version": version,
                "doc_id": doc.content_hash,
                "raw_hash": raw,
                "cleaning_version": model.version,
            }
        )
        report.recleaned += doc.content_hash != doc_id
    existing = {row[0] for row in select_rows(con, "existing_documents", [{"doc_id": h} for h in rows])}
    insert_rows(con, "insert_documents", [row for h, row in rows.items() if h not in existing])
    insert_rows(con, "reclean_versions", updates)


def _page_results(batch: SourceBatch, docs: list[Document], discards: list[Discard]) -> dict[str, PageResult]:
    """Per fetched URL (final URL): the content it held, for the frontier."""
    results = {d.url: PageResult(d.content_hash, page_url(d.article), d.article.published_at, False) for d in docs}
    for discard in discards:
        transient = discard.reason in ("timeout", "extraction_error")
        results.setdefault(discard.url, PageResult(None, None, None, not transient))
    return results


def _load_frontier(
    con: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    docs: list[Document],
    discards: list[Discard],
    report: LoadReport,
    now: datetime,
) -> None:
    complete = bool(batch.crawl_stats.get("trawl/inventory_complete"))
    found = observations(
        final_rows(batch.fetches), batch.candidates, _page_results(batch, docs, discards), complete, now
    )
    counts = update_frontier(con, batch.source, found, batch.candidates, complete, batch.revisit)
    report.gone, report.not_due = counts.gone, counts.not_due
    insert_rows(
        con,
        "upsert_rest_terms",
        [
            {"source": batch.source, "kind": kind, "id": int(ident), "name": name, "seen_at": now}
            for kind, names in sorted(batch.rest_names.items())
            for ident, name in sorted(names.items())
        ],
    )


def apply_batch(con: duckdb.DuckDBPyConnection, batch: SourceBatch) -> LoadReport:
    """Load one source's batch inside the caller's transaction and return its report."""
    now = datetime.now(UTC)
    report = LoadReport(batch.run_id, batch.source, started_at=batch.started_at, crawl_stats=batch.crawl_stats)
    _count_fetches(batch, report)
    articles = [r for r in batch.records if isinstance(r, Article)]
    discards = [r for r in batch.records if isinstance(r, Discard)]
    drops = batch_drops(batch.fetches, batch.candidates, batch.records)  # every count of drops reads these
    report.extracted = len(articles)
    report.discarded = len(discards)
    report.discard_reasons = dict(sorted(Counter(d.reason for d in drops if d.stage == "extract").items()))
    report.failed_reasons = reasons(drops, "fetch")
    report.blocked = refusals(batch.fetches)
    report.dates_rejected = sum(1 for d in drops if d.stage == "dates")
    fetches = table_schema(con, "fetches")
    insert_rows(con, "insert_fetches", _fetch_rows(batch, fetches.names), fetches)
    insert_rows(con, "insert_drops", [{"run_id": batch.run_id, "source": batch.source, **asdict(d)} for d in drops])
    blocks = learn_structure(con, batch, articles, now)
    _learn_lines(con, batch, articles, now)
    model = _relearn_boilerplate(con, batch, blocks)
    docs = [build_document(batch.source, a, model) for a in articles]
    report.boilerplate_removed = sum(d.boilerplate_removed for d in docs)
    report.cleaning_version = model.version
    _load_documents(con, batch, docs, model, report, now)
    _reclean(con, batch, model, report, now)
    _load_frontier(con, batch, docs, discards, report, now)
    report.finished_at = datetime.now(UTC)
    insert_rows(con, "upsert_run_source", [report.row()])
    return report


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: committed when the block ends, rolled back when it raises (or the process dies)."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def load_batch(con: duckdb.DuckDBPyConnection, batch: SourceBatch) -> LoadReport:
    """Load one source's batch in one transaction and return its report."""
    with transaction(con):
        return apply_batch(con, batch)
