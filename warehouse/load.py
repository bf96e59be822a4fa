"""Load one source's crawl of one run into the warehouse: one transaction, idempotent.

Order inside the transaction: fetches and discards; block counts (``warehouse.structure``); extractions
and line counts (each distinct extracted text counted once); the source's boilerplate learned anew;
documents cleaned, hashed and inserted by content hash; page versions (with the diff from
the version before); earlier pages of the source cleaned again when its boilerplate changed;
the frontier (per-URL crawl state, see ``warehouse.frontier``); REST API names; rejected
dates; the run report row. Re-loading the same batch changes nothing.

A page version remembers the extraction it was cleaned from (``raw_hash``) and the cleaning
that made its document (``cleaning_version``: the source's boilerplate lines and the
cleaner's code). When the list changes, every current page of the source still cleaned
under another version is rebuilt from its stored extraction and pointed at the new
document in place: a re-clean is not a new version of the page, the page did not change.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from transforms.boilerplate import MIN_DOCS, MIN_SHARE, Boilerplate, count_lines, learn, line_hash
from transforms.diff import text_diff
from transforms.document import build_document
from transforms.frontier import Revisit
from transforms.normalize import canonicalize, content_hash, normalize_text
from transforms.records import Article, Discard, Document
from transforms.serialize import from_dict, to_dict
from warehouse.frontier import PageResult, final_rows, observations, update_frontier
from warehouse.queries import query
from warehouse.structure import learn_structure

TS = pa.timestamp("us", tz="UTC")
LIST = pa.list_(pa.string())

FETCH_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("role", pa.string()),
        ("status", pa.int32()),
        ("content_type", pa.string()),
        ("bytes", pa.int64()),
        ("elapsed_ms", pa.float64()),
        ("fetched_at", TS),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("error", pa.string()),
        ("warc_file", pa.string()),
        ("warc_offset", pa.int64()),
        ("lastmod", TS),
    ]
)


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
        data["crawl_stats"] = json.dumps(self.crawl_stats, sort_keys=True, default=str)
        return data


def _ts(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _insert(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]], schema: pa.Schema | None = None
) -> None:
    if not rows:
        return
    table = pa.Table.from_pylist(rows, schema=schema)
    con.register("batch", table)
    try:
        con.execute(query(name))
    finally:
        con.unregister("batch")


def _select(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    if not rows:
        return []
    con.register("batch", pa.Table.from_pylist(rows))
    try:
        return con.execute(query(name)).fetchall()
    finally:
        con.unregister("batch")


def _fetch_rows(batch: SourceBatch) -> list[dict[str, Any]]:
    rows = []
    for row in final_rows(batch.fetches):
        rows.append(
            {
                **{name: row.get(name) for name in FETCH_SCHEMA.names},
                "run_id": batch.run_id,
                "source": batch.source,
                "fetched_at": _ts(row.get("fetched_at")),
                "lastmod": _ts(row.get("lastmod")),
            }
        )
    return rows


# run health: the share of article fetches that got no usable answer (connection errors,
# timeouts, 5xx after the spider's retries; a 304, 404 or 410 is data, not a failure)
DEGRADED_SHARE = 0.2
DEGRADED_MIN_PAGES = 3
FAILED_SHARE = 0.8


def _fetch_failed(row: dict[str, Any]) -> bool:
    status = row.get("status")
    return not status or int(status) >= 500


def _health(report: LoadReport, pages: int, failures: Counter[str]) -> None:
    """``degraded`` (named, the run goes on) or ``failed`` when too many article fetches failed."""
    failed = sum(failures.values())
    if not pages or not failed:
        return
    share = failed / pages
    kinds = ", ".join(f"{kind} {n}" for kind, n in failures.most_common())
    why = f"{failed} of {pages} article fetches failed ({share:.0%}): {kinds}"
    if failed == pages or (share >= FAILED_SHARE and pages >= DEGRADED_MIN_PAGES):
        report.status, report.error = "failed", why
    elif share >= DEGRADED_SHARE and pages >= DEGRADED_MIN_PAGES:
        report.status, report.error = "degraded", why


def _failure_kind(row: dict[str, Any]) -> str:
    if row.get("status"):
        return f"http {row['status']}"
    error = str(row.get("error") or "no response")
    return error.split(":")[0].strip().rsplit(".", 1)[-1][:60] or "no response"  # the exception's name


def _count_fetches(batch: SourceBatch, report: LoadReport) -> None:
    pages, failures = 0, Counter[str]()
    for row in final_rows(batch.fetches):
        if row.get("role") != "article":
            continue
        report.discovered += 1
        status = row.get("status")
        if status == 200:
            report.fetched += 1
        elif status == 304:
            report.not_modified += 1
        else:
            report.failed += 1
        pages += 1
        if _fetch_failed(row):
            failures[_failure_kind(row)] += 1
    _health(report, pages, failures)
    if batch.fetches and not any(row.get("status") for row in batch.fetches):
        report.status = "unreachable"
        report.error = next((str(r["error"]) for r in batch.fetches if r.get("error")), "no response")
    if batch.crawl_stats.get("finish_reason") == "blocked":
        report.status = "blocked"
        report.error = str(batch.crawl_stats.get("trawl/blocked") or "the site answered 403 Forbidden")
    if batch.crawl_error:
        report.status = "failed"
        report.error = batch.crawl_error


def _page_url(article: Article) -> str:
    """A page's identity: its canonical URL when it stays on the page's own host."""
    fetched = canonicalize(article.url)
    if article.canonical_url and urlsplit(article.canonical_url).netloc == urlsplit(fetched).netloc:
        return article.canonical_url
    return fetched


def _learn_lines(con: duckdb.DuckDBPyConnection, batch: SourceBatch, articles: list[Article], now: datetime) -> None:
    """Count the lines of extracted texts the source has not counted before."""
    by_hash = {raw_hash(a): a for a in articles}
    known = {
        row[0] for row in _select(con, "known_raw_hashes", [{"source": batch.source, "raw_hash": h} for h in by_hash])
    }
    fresh = [normalize_text(a.text) for h, a in sorted(by_hash.items()) if h not in known]
    counts = count_lines(fresh)
    _insert(
        con,
        "upsert_line_counts",
        [
            {"source": batch.source, "line_hash": line_hash(key), "line": key, "doc_count": n, "seen_at": now}
            for key, n in sorted(counts.items())
        ],
    )
    _insert(
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


def raw_hash(article: Article) -> str:
    """The identity of an extracted text before cleaning (``extractions.raw_hash``)."""
    return content_hash(normalize_text(article.text))


def _relearn_boilerplate(con: duckdb.DuckDBPyConnection, batch: SourceBatch, blocks: frozenset[str]) -> Boilerplate:
    rows = con.execute(query("source_line_counts"), {"source": batch.source}).fetchall()
    documents_row = con.execute(query("source_documents_count"), {"source": batch.source}).fetchone()
    documents = int(documents_row[0]) if documents_row else 0
    counts = {row[1]: row[2] for row in rows}
    model = replace(learn(batch.source, counts, documents, batch.min_docs, batch.min_share), blocks=blocks)
    con.execute("delete from boilerplate_lines where source = ?", [batch.source])
    _insert(
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


def _document_row(doc: Document, batch: SourceBatch, now: datetime) -> dict[str, Any]:
    a = doc.article
    return {
        "doc_id": doc.content_hash,
        "content_hash": doc.content_hash,
        "normalizer_version": doc.normalizer_version,
        "title": a.title,
        "authors": list(a.authors),
        "published_at": a.published_at,
        "modified_at": a.modified_at,
        "language": a.language,
        "language_confidence": a.language_confidence,
        "text": doc.text,
        "markdown": doc.markdown,
        "images": json.dumps([asdict(i) for i in a.images], ensure_ascii=False),
        "categories": list(a.categories),
        "tags": list(a.tags),
        "canonical_url": a.canonical_url,
        "site_name": a.site_name,
        "description": a.description,
        "word_count": doc.word_count,
        "provenance": json.dumps(a.provenance, sort_keys=True),
        "links": list(a.links),
        "kind": a.doc_kind,
        "first_source": batch.source,
        "first_url": _page_url(a),
        "first_seen_at": now,
        "first_run_id": batch.run_id,
    }


def _load_documents(
    con: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    docs: list[Document],
    model: Boilerplate,
    report: LoadReport,
    now: datetime,
) -> None:
    """Documents by content hash, then one outcome per page: new, duplicate, unchanged, re-cleaned or edited."""
    rows: dict[str, dict[str, Any]] = {}
    for doc in sorted(docs, key=lambda d: _page_url(d.article)):
        rows.setdefault(doc.content_hash, _document_row(doc, batch, now))
    existing = {row[0] for row in _select(con, "existing_documents", [{"doc_id": h} for h in rows])}
    _insert(con, "insert_documents", [row for h, row in rows.items() if h not in existing])
    pages: dict[str, Document] = {}
    for doc in docs:
        pages.setdefault(_page_url(doc.article), doc)
    current = {
        row[0]: row[1:]
        for row in _select(con, "current_versions", [{"source": batch.source, "url": url} for url in pages])
    }
    previous_texts = dict(_select(con, "document_texts", [{"doc_id": v[1]} for v in current.values() if v[1]]))
    stored = set(existing)
    versions: list[dict[str, Any]] = []
    recleaned: list[dict[str, Any]] = []
    diffs: list[dict[str, Any]] = []
    report.new_documents = report.duplicates = report.new_versions = 0
    for url, doc in sorted(pages.items()):
        version, doc_id, old_raw, cleaning = current.get(url, (0, None, None, None))
        row = {
            "source": batch.source,
            "url": url,
            "version": version + 1,
            "doc_id": doc.content_hash,
            "valid_from": now,
            "run_id": batch.run_id,
            "fetched_url": doc.url,
            "raw_hash": raw_hash(doc.article),
            "cleaning_version": model.version,
        }
        if doc_id == doc.content_hash or (version and old_raw == row["raw_hash"]):
            # same page content: at most its cleaning changed, which is no new version
            if (doc_id, cleaning) != (doc.content_hash, model.version):
                recleaned.append({**row, "version": version})
            continue
        if version == 0:  # a page new to the warehouse: new content, or content stored from another page
            if doc.content_hash in stored:
                report.duplicates += 1
            else:
                report.new_documents += 1
        else:  # the page changed: a new version, and the diff from the one before
            report.new_versions += 1
            change = text_diff(
                previous_texts.get(doc_id, ""), doc.text, f"{url} (version {version})", f"{url} (version {version + 1})"
            )
            diffs.append(
                {
                    "source": batch.source,
                    "url": url,
                    "version": version + 1,
                    "diff": change.diff,
                    "added": change.added,
                    "removed": change.removed,
                }
            )
        stored.add(doc.content_hash)
        versions.append(row)
    report.recleaned += sum(1 for r in recleaned if current[r["url"]][1] != r["doc_id"])
    _insert(con, "reclean_versions", recleaned)
    _insert(con, "close_versions", versions)
    _insert(con, "insert_versions", versions)
    _insert(con, "insert_version_diffs", diffs)


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
        rows.setdefault(doc.content_hash, {**_document_row(doc, batch, now), "first_url": url})
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
    existing = {row[0] for row in _select(con, "existing_documents", [{"doc_id": h} for h in rows])}
    _insert(con, "insert_documents", [row for h, row in rows.items() if h not in existing])
    _insert(con, "reclean_versions", updates)


def _page_results(batch: SourceBatch, docs: list[Document], discards: list[Discard]) -> dict[str, PageResult]:
    """Per fetched URL (final URL): the content it held, for the frontier."""
    results = {d.url: PageResult(d.content_hash, _page_url(d.article), d.article.published_at, False) for d in docs}
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
    _insert(
        con,
        "upsert_rest_terms",
        [
            {"source": batch.source, "kind": kind, "id": int(ident), "name": name, "seen_at": now}
            for kind, names in sorted(batch.rest_names.items())
            for ident, name in sorted(names.items())
        ],
    )


def _load_date_issues(con: duckdb.DuckDBPyConnection, batch: SourceBatch, articles: list[Article]) -> int:
    rows = [
        {"run_id": batch.run_id, "source": batch.source, "url": a.url, "issue": issue}
        for a in articles
        for issue in a.date_issues
    ]
    _insert(con, "insert_date_issues", rows)
    return len(rows)


def load_batch(con: duckdb.DuckDBPyConnection, batch: SourceBatch) -> LoadReport:
    """Load one source's batch in one transaction and return its report."""
    now = datetime.now(UTC)
    report = LoadReport(batch.run_id, batch.source, started_at=batch.started_at, crawl_stats=batch.crawl_stats)
    _count_fetches(batch, report)
    articles = [r for r in batch.records if isinstance(r, Article)]
    discards = [r for r in batch.records if isinstance(r, Discard)]
    report.extracted = len(articles)
    report.discarded = len(discards)
    report.discard_reasons = dict(sorted(Counter(d.reason for d in discards).items()))
    con.execute("begin transaction")
    try:
        _insert(con, "insert_fetches", _fetch_rows(batch), FETCH_SCHEMA)
        _insert(
            con,
            "insert_discards",
            [
                {
                    "run_id": batch.run_id,
                    "source": batch.source,
                    "url": d.url,
                    "reason": d.reason,
                    "detail": d.detail,
                    "text": d.text or None,
                }
                for d in discards
            ],
        )
        blocks = learn_structure(con, batch, articles, now)
        _learn_lines(con, batch, articles, now)
        model = _relearn_boilerplate(con, batch, blocks)
        docs = [build_document(batch.source, a, model) for a in articles]
        report.boilerplate_removed = sum(d.boilerplate_removed for d in docs)
        report.cleaning_version = model.version
        _load_documents(con, batch, docs, model, report, now)
        _reclean(con, batch, model, report, now)
        _load_frontier(con, batch, docs, discards, report, now)
        report.dates_rejected = _load_date_issues(con, batch, articles)
        report.finished_at = datetime.now(UTC)
        _insert(con, "upsert_run_source", [report.row()])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return report
