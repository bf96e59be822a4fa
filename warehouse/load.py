"""Load one source's crawl of one run into the warehouse: in bounded steps, resumable, idempotent.

The records are read a chunk at a time (``LOAD_CHUNK`` pages; an ``extracted.jsonl`` is never
read whole), and each step is one transaction:

1. *count*, per chunk: block counts (``warehouse.structure``), extractions and line counts (each
   distinct extracted text counted once; a rerun counts nothing twice);
2. *learn*: the source's boilerplate, once, from all its counts;
3. *load*, per chunk: documents cleaned and hashed, the pages' state read once and what each page
   is decided by ``transforms.decide`` (pure), and written: documents by content hash, page
   versions (with the diff from the version before), the chunk's extraction drops;
4. *re-clean*, a chunk at a time: earlier pages of the source cleaned again when its boilerplate
   changed;
5. *finish*: fetches and their drops (``transforms.drops``), the frontier (per-URL crawl state,
   see ``warehouse.frontier``), REST API names, the run report row.

A load step records what it counted and settled in ``load_progress`` inside its transaction, so a
load killed half-way is completed by loading the batch again (the next run does), each page
counted once; the source has no report row until the last step commits. Re-loading a loaded batch
changes nothing. ``load_batch`` commits each step; ``apply_batch`` runs them inside the caller's
transaction (a rebuild adds its change records to the same one).

A page version remembers the extraction it was cleaned from (``raw_hash``) and the cleaning
that made its document (``cleaning_version``: the source's boilerplate lines and the
cleaner's code). When the list changes, every current page of the source still cleaned
under another version is rebuilt from its stored extraction and pointed at the new
document in place: a re-clean is not a new version of the page, the page did not change.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol, TypeVar

import duckdb

from transforms.boilerplate import MIN_DOCS, MIN_SHARE, Boilerplate, count_lines, learn, line_hash
from transforms.decide import CurrentVersion, StoredState, decide_pages, document_row, page_url, pages_of, raw_hash
from transforms.document import build_document
from transforms.drops import discover_drops, extract_drops, fetch_drops, reasons, refusals
from transforms.fetches import count_fetches, final_rows
from transforms.frontier import PageResult, Revisit
from transforms.kind import ARTICLE
from transforms.records import Article, Discard, Document
from transforms.serialize import from_dict, to_dict
from warehouse.db import MemoryLimit
from warehouse.faultpoint import pause_point
from warehouse.frontier import Crawl, fold_crawl, parse_time
from warehouse.queries import query
from warehouse.rows import insert_rows, select_rows, table_schema
from warehouse.structure import count_structure, learn_blocks_of

LOAD_CHUNK = 500  # pages per step of a load: one transaction each, memory flat in the source's size
FETCH_ROWS_SLICE = 20_000  # fetch rows made and inserted at a time by the last step
# DuckDB's memory for a loader's connection (``warehouse.db.MemoryLimit``): it keeps what a load
# reads and writes cached up to its limit (80 % of RAM by default), so that the main process grew
# with the source; with this limit and 500-page steps a 10,000-page load peaked ~380 MB above its
# start, with no growth from step to step. A step that needs more runs again under a bigger one
LOADER_MEMORY_LIMIT = "128MB"
# the WAL size at which a commit also checkpoints (DuckDB's default, 16 MB, is less than one
# 500-page step writes, so that every step checkpointed): a 10,000-page load took 15-19 % less
# time and peaked 30-40 MB lower (``set checkpoint_threshold``; the connection's close checkpoints)
LOADER_CHECKPOINT_THRESHOLD = "256MB"
T = TypeVar("T")
DISCARD = "discard:"  # a step's count of extraction discards of one reason: "discard:<reason>"


class RecordChunks(Protocol):
    """Records read a bounded chunk at a time (an ``extracted.jsonl``, see ``flows.extract``),
    as often as the loader asks: it reads them twice (counts, then documents)."""

    def chunks(self, size: int) -> Iterator[list[Article | Discard]]: ...


Records = Sequence[Article | Discard] | RecordChunks


class RowFile(Protocol):
    """Rows kept in a file, read when the load's last step needs them (a crawl's manifest and
    candidates: 46 MB of dicts at 10,000 pages, which held through every step grew the loader's
    peak with the source)."""

    def rows(self) -> list[dict[str, Any]]: ...


Rows = list[dict[str, Any]] | RowFile


def loader_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Set up a connection opened to load and closed after it: the checkpoint threshold
    (``LOADER_CHECKPOINT_THRESHOLD``), a setting of the database file's instance: no other
    connection to it should be open. (Flushing DuckDB's allocator after every task, not at 16 MB,
    took 20-30 MB off a 10,000-page load's peak for 4-14 % more load time: not adopted.)"""
    con.execute(f"set checkpoint_threshold = '{LOADER_CHECKPOINT_THRESHOLD}'")


def rows_of(rows: Rows) -> list[dict[str, Any]]:
    return rows if isinstance(rows, list) else rows.rows()


def record_chunks(records: Records, size: int) -> Iterator[list[Article | Discard]]:
    """The records ``size`` at a time, in their order."""
    if isinstance(records, Sequence):
        for start in range(0, len(records), size):
            yield list(records[start : start + size])
    else:
        yield from records.chunks(size)


@dataclass(frozen=True)
class SourceBatch:
    """Everything one source's crawl produced in one run, ready to load."""

    run_id: str
    source: str
    fetches: Rows
    records: Records
    crawl_stats: dict[str, Any] = field(default_factory=dict)
    crawl_error: str | None = None
    started_at: datetime | None = None
    min_docs: int = MIN_DOCS
    min_share: float = MIN_SHARE
    candidates: Rows = field(default_factory=list)
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


@dataclass(frozen=True)
class Step:
    """What one step of a load counted (the report's counters) and settled (pages for the frontier)."""

    counts: Counter[str]
    results: dict[str, PageResult]


def _result(content_hash: str | None, url: str | None, published: str | None, not_article: bool) -> PageResult:
    return PageResult(content_hash, url, parse_time(published), not_article)


@dataclass
class Progress:
    """The steps of a source's load finished so far in this run (by earlier attempts too)."""

    done: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    results: dict[str, PageResult] = field(default_factory=dict)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, run_id: str, source: str) -> Progress:
        progress = cls()
        for step, counts, results in con.execute(
            query("load_progress"), {"run_id": run_id, "source": source}
        ).fetchall():
            progress.done.add(step)
            progress.counts.update(json.loads(counts))
            progress.results.update({url: _result(*row) for url, row in json.loads(results).items()})
        return progress

    def store(self, con: duckdb.DuckDBPyConnection, batch: SourceBatch, name: str, step: Step, now: datetime) -> None:
        """Store a step's figures with its name, inside the step's own transaction (``add`` them
        once it committed: a step rolled back and done again must not count twice)."""
        results = {
            url: [r.content_hash, r.page_url, r.published_at.isoformat() if r.published_at else None, r.not_article]
            for url, r in step.results.items()
        }
        row = {
            "run_id": batch.run_id,
            "source": batch.source,
            "step": name,
            "counts": json.dumps(step.counts),
            "results": json.dumps(results, ensure_ascii=False),
            "done_at": now,
        }
        insert_rows(con, "insert_load_progress", [row])

    def add(self, name: str, step: Step) -> None:
        """Add the figures of a step that committed."""
        self.done.add(name)
        self.counts.update(step.counts)
        self.results.update(step.results)

    def fill(self, report: LoadReport) -> None:
        """The report's page counters: the sums over every step (each step counts under the
        report's field names, and extraction discards as ``discard:<reason>``)."""
        for name, n in self.counts.items():
            if not name.startswith(DISCARD):
                setattr(report, name, n)
        reasons = {k.removeprefix(DISCARD): n for k, n in self.counts.items() if k.startswith(DISCARD)}
        report.discard_reasons = dict(sorted(reasons.items()))


def _fetch_rows(batch: SourceBatch, final: Sequence[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    return [
        {
            **{name: row.get(name) for name in columns},
            "run_id": batch.run_id,
            "source": batch.source,
            "fetched_at": parse_time(row.get("fetched_at")),
            "lastmod": parse_time(row.get("lastmod")),
        }
        for row in final
    ]


def _count_fetches(batch: SourceBatch, fetches: list[dict[str, Any]], report: LoadReport) -> None:
    counts = count_fetches(fetches, batch.crawl_stats, batch.crawl_error)
    report.discovered = sum(counts.outcomes.values())
    report.fetched, report.failed = counts.outcomes["fetched"], counts.outcomes["failed"]
    report.not_modified = counts.outcomes["not_modified"]
    report.status, report.error = counts.status, counts.error


def _learn_lines(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, hashed: list[tuple[str, Article]], now: datetime
) -> None:
    """Count the lines of extracted texts the source has not counted before; store the extractions."""
    by_hash = dict(hashed)
    known = {
        row[0]
        for row in select_rows(con, "known_raw_hashes", [{"source": batch.source, "raw_hash": h} for h in by_hash])
    }
    fresh = [a.text for h, a in sorted(by_hash.items()) if h not in known]  # normalized at extraction
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
                "raw_hash": h,
                "run_id": batch.run_id,
                "extracted_at": now,
                "record": json.dumps(to_dict(a), ensure_ascii=False),
                "text": a.text,
                "missing_metadata": a.doc_kind == ARTICLE and (not a.title or a.published_at is None),
                "future_dates": any(f"future_{name}" in a.provenance for name in ("published_at", "modified_at")),
            }
            for h, a in hashed
        ],
    )


def _relearn_boilerplate(con: duckdb.DuckDBPyConnection, batch: SourceBatch, blocks: frozenset[str]) -> Boilerplate:
    rows = con.execute(query("source_line_counts"), {"source": batch.source, "min_docs": batch.min_docs}).fetchall()
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
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, docs: list[Document], model: Boilerplate, now: datetime
) -> Counter[str]:
    """Read the pages' state, decide (``transforms.decide``), write what was decided; the counts."""
    state = _stored_state(con, batch.source, docs)
    decision = decide_pages(docs, state, batch.source, batch.run_id, model.version, now)
    insert_rows(con, "insert_documents", decision.documents)
    insert_rows(con, "reclean_versions", decision.recleaned)
    insert_rows(con, "close_versions", decision.versions)
    insert_rows(con, "insert_versions", decision.versions)
    insert_rows(con, "insert_version_diffs", decision.diffs)
    return Counter(
        new_documents=decision.new_documents,
        duplicates=decision.duplicates,
        new_versions=decision.new_versions,
        recleaned=decision.recleaned_changed,
    )


def _reclean(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, model: Boilerplate, now: datetime, after: str, chunk: int
) -> tuple[str, Step] | None:
    """Clean again, from their stored extractions, the next ``chunk`` of the source's current
    pages (by URL, after ``after``) that an older boilerplate list cleaned; point each at its
    rebuilt document. The last URL done and the count, or None when none is left."""
    stale = con.execute(
        query("stale_cleanings"),
        {"source": batch.source, "cleaning_version": model.version, "after": after, "limit": chunk},
    ).fetchall()
    if not stale:
        return None
    updates: list[dict[str, Any]] = []
    rows: dict[str, dict[str, Any]] = {}
    changed = 0
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
        changed += doc.content_hash != doc_id
    existing = {row[0] for row in select_rows(con, "existing_documents", [{"doc_id": h} for h in rows])}
    insert_rows(con, "insert_documents", [row for h, row in rows.items() if h not in existing])
    insert_rows(con, "reclean_versions", updates)
    return str(stale[-1][0]), Step(Counter(recleaned=changed), {})


def _page_results(docs: list[Document], discards: list[Discard]) -> dict[str, PageResult]:
    """Per fetched URL (final URL): the content it held, for the frontier."""
    results = {d.url: PageResult(d.content_hash, page_url(d.article), d.article.published_at, False) for d in docs}
    for discard in discards:
        transient = discard.reason in ("timeout", "extraction_error")
        results.setdefault(discard.url, PageResult(None, None, None, not transient))
    return results


def _load_frontier(
    con: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    crawl: Crawl,
    results: dict[str, PageResult],
    report: LoadReport,
    now: datetime,
) -> None:
    counts = fold_crawl(con, crawl, results, batch.revisit, now)
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


def _count(con: duckdb.DuckDBPyConnection, batch: SourceBatch, records: list[Article | Discard], now: datetime) -> None:
    """Count the lines and blocks of a chunk's texts new to the source and store the extractions
    (texts counted before are skipped: a rerun counts nothing twice)."""
    hashed = [(raw_hash(r), r) for r in records if isinstance(r, Article)]  # each text hashed once
    count_structure(con, batch, hashed, now)
    _learn_lines(con, batch, hashed, now)


def _learn(con: duckdb.DuckDBPyConnection, batch: SourceBatch) -> Boilerplate:
    """The source's boilerplate, learned once from all its counts (blocks and lines)."""
    return _relearn_boilerplate(con, batch, learn_blocks_of(con, batch.source, batch.run_id))


def _digest(urls: list[str]) -> str:
    return hashlib.sha1("\n".join(urls).encode("utf-8")).hexdigest()[:16]


def _load_chunk(
    con: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    chunk: list[Article | Discard],
    model: Boilerplate,
    now: datetime,
) -> Step:
    """Clean, decide and write one chunk of the batch's pages; what it counted and settled."""
    articles = [r for r in chunk if isinstance(r, Article)]
    discards = [r for r in chunk if isinstance(r, Discard)]
    drops = extract_drops(chunk)
    insert_rows(con, "insert_drops", [{"run_id": batch.run_id, "source": batch.source, **asdict(d)} for d in drops])
    docs = [build_document(batch.source, a, model) for a in articles]
    counts = _load_documents(con, batch, docs, model, now)
    counts.update(
        extracted=len(articles),
        discarded=len(discards),
        dates_rejected=sum(1 for d in drops if d.stage == "dates"),
        boilerplate_removed=sum(d.boilerplate_removed for d in docs),
    )
    counts.update(f"{DISCARD}{d.reason}" for d in drops if d.stage == "extract")
    return Step(counts, _page_results(docs, discards))


def _finish(
    con: duckdb.DuckDBPyConnection,
    batch: SourceBatch,
    report: LoadReport,
    results: dict[str, PageResult],
    now: datetime,
) -> None:
    """The load's last step: fetches and their drops, the frontier, REST names, the report row."""
    fetches = rows_of(batch.fetches)
    report.blocked = refusals(fetches)  # every attempt counts
    final = final_rows(fetches)  # then only each URL's last answer: the superseded rows go
    del fetches
    candidates = rows_of(batch.candidates)
    _count_fetches(batch, final, report)
    drops = [*discover_drops(candidates), *fetch_drops(final)]
    report.failed_reasons = reasons(drops, "fetch")
    schema = table_schema(con, "fetches")
    for start in range(0, len(final), FETCH_ROWS_SLICE):
        part = final[start : start + FETCH_ROWS_SLICE]
        insert_rows(con, "insert_fetches", _fetch_rows(batch, part, schema.names), schema)
    insert_rows(con, "insert_drops", [{"run_id": batch.run_id, "source": batch.source, **asdict(d)} for d in drops])
    complete = bool(batch.crawl_stats.get("trawl/inventory_complete"))
    _load_frontier(con, batch, Crawl(batch.source, final, candidates, complete), results, report, now)
    report.finished_at = datetime.now(UTC)
    insert_rows(con, "upsert_run_source", [report.row()])
    con.execute("delete from load_progress where run_id = ? and source = ?", [batch.run_id, batch.source])


class StepRunner(Protocol):
    """Runs one step of a load: in a transaction of its own (``load_batch``), or as it is inside
    the caller's (``apply_batch``)."""

    def __call__(self, work: Callable[[], T], what: str) -> T: ...


def _steps(con: duckdb.DuckDBPyConnection, batch: SourceBatch, run: StepRunner, chunk: int) -> LoadReport:
    """The load, one bounded step after the other, each given to ``run``; a step an earlier
    attempt finished is not done again, and a step is safe to run again after a rollback (its
    figures join ``progress`` once it returned)."""
    now = datetime.now(UTC)
    report = LoadReport(batch.run_id, batch.source, started_at=batch.started_at, crawl_stats=batch.crawl_stats)
    progress = Progress.read(con, batch.run_id, batch.source)
    for i, records in enumerate(record_chunks(batch.records, chunk)):  # every text counted before learning
        run(partial(_count, con, batch, records, now), f"count step {i}")
    model = run(partial(_learn, con, batch), "learning the boilerplate")
    report.cleaning_version = model.version

    def load_step(name: str, records: list[Article | Discard]) -> Step:
        step = _load_chunk(con, batch, records, model, now)
        progress.store(con, batch, name, step, now)
        return step

    for i, records in enumerate(record_chunks(batch.records, chunk)):
        name = f"load-{i}-{_digest([r.url for r in records])}"
        if name not in progress.done:
            progress.add(name, run(partial(load_step, name, records), f"load step {i}"))
            pause_point(f"load:after-step-{i}")

    def reclean_step(after: str) -> tuple[str, str, Step] | None:
        done = _reclean(con, batch, model, now, after, chunk)
        if done is None:
            return None
        name = f"reclean-{_digest([done[0]])}"
        progress.store(con, batch, name, done[1], now)
        return done[0], name, done[1]

    after = ""
    while (done := run(partial(reclean_step, after), "a re-clean step")) is not None:
        after, name, step = done
        progress.add(name, step)
    progress.fill(report)
    run(partial(_finish, con, batch, report, progress.results, now), "the last step")
    return report


def apply_batch(con: duckdb.DuckDBPyConnection, batch: SourceBatch, chunk: int = LOAD_CHUNK) -> LoadReport:
    """Load one source's batch inside the caller's transaction and return its report."""
    return _steps(con, batch, lambda work, what: work(), chunk)


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


def load_batch(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, chunk: int = LOAD_CHUNK, memory: str | None = None
) -> LoadReport:
    """Load one source's batch in bounded steps (``chunk`` pages each), each in its own
    transaction, and return its report. Memory stays flat in the number of pages; a load killed
    half-way leaves every finished step committed and is completed by loading the batch again
    (the source has no report row until the last step commits). ``memory`` limits DuckDB's
    memory (``warehouse.db.MemoryLimit``): a step that needs more is rolled back and runs again
    under a bigger limit, which the steps after it keep."""
    limit = MemoryLimit(con, memory) if memory else None

    def in_transaction(work: Callable[[], T]) -> T:
        with transaction(con):
            return work()

    def run(work: Callable[[], T], what: str) -> T:
        if limit is None:
            return in_transaction(work)
        return limit.run(partial(in_transaction, work), f"{what} of {batch.source}")

    return _steps(con, batch, run, chunk)
