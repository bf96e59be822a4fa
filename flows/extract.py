"""Extract every archived article page of one crawl, on all cores, with a per-page timeout.

Reads pages back from the WARC archive (never from the network) and writes the results
to ``extracted.jsonl`` beside it; tasks pass that path on, never the HTML.

The timeout is enforced from outside: lxml's C parser ignores signals, so a page that
holds a worker past its time gets the worker killed (pebble's ProcessPool) and replaced,
and is recorded as a ``timeout`` discard. Pages over ``MAX_PAGE_BYTES`` never reach the
parser (a ``too_large`` discard): parse memory grows with the page, and no article is that big.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from flows.lifetime import exit_with_parent
from spiders.archive import read_record
from spiders.candidates import read_candidates
from spiders.folder import CrawlFolder
from transforms.dates import parse_datetime
from transforms.kind import KINDS, REST_TYPE, SITEMAP_TYPE, sitemap_kind, wordpress_type
from transforms.records import Article, Discard, Hints
from transforms.serialize import from_dict, to_dict
from transforms.urls import canonicalize

PAGE_TIMEOUT_S = 30.0
# a page's HTML handed to the parser at most (a 60 MB page took 87 s and 728 MB to parse)
MAX_PAGE_BYTES = 16 * 1024 * 1024
# a worker is restarted after this many pages, so that no parser leak accumulates over a night
# (a worker grows about 12 MB per 1,000 pages of the 10,000-page bench site; a new one costs
# about 1 s of CPU to start and load its models: at 200 pages that was 50 starts and ~25 s of
# a 10,000-page extraction on two cores)
PAGES_PER_WORKER = 1000
# pages handed to the pool ahead of the one being collected, per worker
IN_FLIGHT_PER_WORKER = 8
# how often a worker checks that the process that started it is still alive


@dataclass(frozen=True)
class PageRef:
    """Where one article response sits in the archive."""

    out_dir: str
    url: str
    warc_file: str
    warc_offset: int
    content_type: str | None
    hints: Hints | None = None
    size: int | None = None  # body bytes, as the manifest recorded them


def _too_large(ref: PageRef, size: int) -> Discard:
    return Discard(ref.url, "too_large", f"{size} bytes of HTML, over the {MAX_PAGE_BYTES} byte limit")


def extract_page(ref: PageRef) -> dict[str, Any]:
    """Read one page from the archive and extract it; a crash becomes a Discard (the timeout is the pool's)."""
    from transforms.extract import extract_article  # in the pool's workers only: the flow needs none of it

    try:
        headers, body, _, _ = read_record(Path(ref.out_dir), ref.warc_file, ref.warc_offset)
        content_type = ref.content_type or headers.get("Content-Type") or headers.get("content-type")
        result: Article | Discard = (
            _too_large(ref, len(body))
            if len(body) > MAX_PAGE_BYTES
            else extract_article(body, ref.url, content_type=content_type, hints=ref.hints)
        )
    except Exception as error:  # a malformed page is data, not a crash of the batch
        result = Discard(ref.url, "extraction_error", f"{type(error).__name__}: {error}"[:300])
    return to_dict(result)


WARM_UP_PAGE = (
    b"<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + b"<p>A short paragraph that loads the models a first page would otherwise pay for.</p>" * 4
    + b"</article></body></html>"
)


def _start_worker(parent: int) -> None:
    """Worker initializer: exit when the process that started the pool is gone (killed, not shut
    down), so that no orphaned worker keeps parsing after its run died; and load what the first
    page would otherwise load inside its timeout (language and date models: seconds on a busy
    machine), so that a replaced worker's first page is not killed for the worker's warm-up."""

    from transforms.extract import extract_article
    from transforms.language import detect_language

    exit_with_parent(parent=parent)  # flows/lifetime.py
    with contextlib.suppress(Exception):  # a warm-up only: a real page will say what is wrong
        extract_article(WARM_UP_PAGE, "http://warm-up.invalid/")
        # the language model (0.6 s): the warm-up page's text is too short to be classified
        detect_language(WARM_UP_PAGE.decode())


# discovery hints of the manifest -> (field, signal) of the date they give
HINT_FIELDS = {
    "sitemap:lastmod": "modified_at",
    "feed:pubDate": "published_at",
    "feed:updated": "modified_at",
}


def rest_records(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The crawl's REST API posts (``rest.jsonl``) by canonical URL."""
    rows = CrawlFolder(out_dir).json_lines(CrawlFolder.REST)
    return {canonicalize(row["url"]): row for row in rows if row.get("url")}


def kind_hints(
    row: dict[str, Any], record: dict[str, Any] | None, vias: list[str] | None = None
) -> tuple[tuple[str, str], ...]:
    """What discovery said a page is: the REST API's ``type`` of its item, and the kind of the
    sitemaps that listed it (``sitemap:type``); a value that cannot be read says nothing.

    The sitemaps are read from every discovery of the URL in the crawl (``vias``, from its
    candidates), not only from the one that happened to request it first (a feed found first
    would otherwise hide the sitemap, and the signal would depend on timing); sitemaps that
    disagree say nothing."""
    kinds: list[tuple[str, str]] = []
    rest_kind = wordpress_type(str(record.get("type") or "")) if record else None
    if rest_kind is not None:
        kinds.append((REST_TYPE, rest_kind))
    listed = {k for v in vias or () if v.startswith("sitemap:") and (k := sitemap_kind(v.removeprefix("sitemap:")))}
    if not listed and (row.get("hints") or {}).get(SITEMAP_TYPE) in KINDS:
        listed = {str(row["hints"][SITEMAP_TYPE])}
    if len(listed) == 1:
        kinds.append((SITEMAP_TYPE, listed.pop()))
    return tuple(kinds)


def page_hints(
    row: dict[str, Any],
    record: dict[str, Any] | None,
    date_floor: date | None = None,
    vias: list[str] | None = None,
) -> Hints:
    """What the crawl knew about one page: its fetch time, discovery dates, REST API record and
    kind signals, and the source's date floor."""
    dates: list[tuple[str, str, Any]] = []
    if record:
        for field, key in (("published_at", "published"), ("modified_at", "modified")):
            value = parse_datetime(record.get(key))
            if value is not None:
                dates.append((field, f"rest-api:{key}", value))
    for name, value in sorted((row.get("hints") or {}).items()):
        parsed = parse_datetime(value)
        if name in HINT_FIELDS and parsed is not None:
            dates.append((HINT_FIELDS[name], name, parsed))
    return Hints(
        fetched_at=parse_datetime(row.get("fetched_at")),
        date_floor=datetime.combine(date_floor, clock(), UTC) if date_floor else None,
        dates=tuple(dates),
        authors=tuple(record.get("authors") or ()) if record else (),
        categories=tuple(record.get("categories") or ()) if record else (),
        tags=tuple(record.get("tags") or ()) if record else (),
        signal="rest-api" if record else "",
        kinds=kind_hints(row, record, vias),
    )


def article_refs(out_dir: Path, date_floor: date | None = None) -> list[PageRef]:
    """The article pages of a crawl that came back with a body (200), one per URL, with their hints."""
    records = rest_records(out_dir)
    vias = {canonicalize(c["url"]): list(c.get("via") or ()) for c in read_candidates(out_dir) if c.get("url")}
    refs: dict[str, PageRef] = {}
    for row in CrawlFolder(out_dir).manifest_rows():
        if row.get("role") == "article" and row.get("status") == 200 and row.get("warc_file"):
            url = row.get("final_url") or row["url"]
            record = records.get(canonicalize(url)) or records.get(canonicalize(row["url"]))
            refs[url] = PageRef(
                str(out_dir),
                url,
                row["warc_file"],
                int(row["warc_offset"]),
                row.get("content_type"),
                page_hints(row, record, date_floor, vias.get(canonicalize(row["url"]))),
                row.get("bytes"),
            )
    return [refs[url] for url in sorted(refs)]


def _outcome(ref: PageRef, future: Future[dict[str, Any]], timeout: float) -> dict[str, Any]:
    """A page's result, or the Discard that says why the worker gave none."""
    try:
        return future.result()
    except FutureTimeout:
        return to_dict(Discard(ref.url, "timeout", f"extraction took over {timeout:g} s; the worker was killed"))
    except ProcessExpired as error:  # the worker died (out of memory, a crash in C code)
        return to_dict(Discard(ref.url, "extraction_error", f"worker died: {error}"[:300]))
    except Exception as error:
        return to_dict(Discard(ref.url, "extraction_error", f"{type(error).__name__}: {error}"[:300]))


def _done(ref: PageRef, future: Future[dict[str, Any]] | None, timeout: float) -> dict[str, Any]:
    return to_dict(_too_large(ref, ref.size or 0)) if future is None else _outcome(ref, future, timeout)


def _results(refs: list[PageRef], workers: int, timeout: float) -> Iterator[dict[str, Any]]:
    """In killable worker processes, one page per task, in the order of ``refs``."""
    if not refs:
        return
    pool = ProcessPool(
        max_workers=max(1, min(workers, len(refs))),
        max_tasks=PAGES_PER_WORKER,
        initializer=_start_worker,
        initargs=(os.getpid(),),
        context=get_context("spawn"),  # never fork the flow's threads and sockets
    )
    window: deque[tuple[PageRef, Future[dict[str, Any]] | None]] = deque()
    try:
        for ref in refs:  # a bounded number of pages in flight: results never pile up in memory
            too_large = (ref.size or 0) > MAX_PAGE_BYTES
            window.append((ref, None if too_large else pool.schedule(extract_page, (ref,), timeout=timeout)))
            if len(window) >= IN_FLIGHT_PER_WORKER * workers:
                yield _done(*window.popleft(), timeout)
        while window:
            yield _done(*window.popleft(), timeout)
        pool.close()  # type: ignore[no-untyped-call]  # pebble has no annotations
    finally:
        pool.stop()  # type: ignore[no-untyped-call]
        pool.join()


def _up_to_date(target: Path, out_dir: Path) -> bool:
    """An earlier attempt already extracted this crawl (nothing was archived since)."""
    if not target.exists():
        return False
    inputs = [p for p in (out_dir / CrawlFolder.MANIFEST, out_dir / CrawlFolder.REST) if p.exists()]
    return all(p.stat().st_mtime <= target.stat().st_mtime for p in inputs)


def extract_crawl(
    out_dir: Path,
    workers: int | None = None,
    date_floor: date | None = None,
    on_page: Callable[[int, int], None] | None = None,
) -> Path:
    """Extract a crawl's article pages into ``out_dir/extracted.jsonl`` (rewritten whole, unless up to date)."""
    target = CrawlFolder(out_dir).extracted
    if _up_to_date(target, out_dir):
        return target
    return extract_pages(article_refs(out_dir, date_floor), target, workers, on_page=on_page)


def extract_pages(
    refs: list[PageRef],
    target: Path,
    workers: int | None = None,
    timeout: float = PAGE_TIMEOUT_S,
    on_page: Callable[[int, int], None] | None = None,
) -> Path:
    """Extract archived pages (of any crawls) into ``target``, a JSON-lines file rewritten whole;
    a page taking over ``timeout`` seconds is a ``timeout`` discard. ``on_page(done, total)``
    hears each page as it is through."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".jsonl.part")
    if on_page is not None:
        on_page(0, len(refs))
    with partial.open("w", encoding="utf-8") as handle:
        for done, row in enumerate(_results(refs, workers or os.cpu_count() or 1, timeout), 1):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            if on_page is not None:
                on_page(done, len(refs))
    partial.replace(target)
    return target


def read_extracted(path: Path) -> list[Article | Discard]:
    """The records an ``extract_crawl`` wrote, all at once (tests, small files; the loader reads
    them a chunk at a time through ``ExtractedFile``)."""
    return [r for chunk in ExtractedFile(path).chunks(1000) for r in chunk]


@dataclass(frozen=True)
class ExtractedFile:
    """An ``extracted.jsonl`` read a bounded chunk of records at a time, as often as asked
    (``warehouse.load.RecordChunks``): the loader's memory does not grow with the crawl."""

    path: Path

    def chunks(self, size: int) -> Iterator[list[Article | Discard]]:
        chunk: list[Article | Discard] = []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    chunk.append(from_dict(json.loads(line)))
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk
