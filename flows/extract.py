"""Extract every archived article page of one crawl, on all cores, with a per-page timeout.

Reads pages back from the WARC archive (never from the network) and writes the results
to ``extracted.jsonl`` beside it; tasks pass that path on, never the HTML.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from flows.lifetime import exit_with_parent
from spiders.archive import iter_manifest, read_record
from spiders.discovery import canonical_url, parse_datetime
from spiders.site import REST_NAME
from spiders.warc import MANIFEST_NAME
from transforms.extract import extract_article
from transforms.records import Article, Discard, Hints
from transforms.serialize import from_dict, to_dict

PAGE_TIMEOUT_S = 30
# pages a worker takes at a time
CHUNK = 8


@dataclass(frozen=True)
class PageRef:
    """Where one article response sits in the archive."""

    out_dir: str
    url: str
    warc_file: str
    warc_offset: int
    content_type: str | None
    hints: Hints | None = None


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def extract_page(ref: PageRef, timeout: int = PAGE_TIMEOUT_S) -> dict[str, Any]:
    """Read one page from the archive and extract it; a timeout or a crash becomes a Discard."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        headers, body, _, _ = read_record(Path(ref.out_dir), ref.warc_file, ref.warc_offset)
        content_type = ref.content_type or headers.get("Content-Type") or headers.get("content-type")
        result: Article | Discard = extract_article(body, ref.url, content_type=content_type, hints=ref.hints)
    except _Timeout:
        result = Discard(ref.url, "timeout", f"extraction took over {timeout} s")
    except Exception as error:  # a malformed page is data, not a crash of the batch
        result = Discard(ref.url, "extraction_error", f"{type(error).__name__}: {error}"[:300])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return to_dict(result)


# discovery hints of the manifest -> (field, signal) of the date they give
HINT_FIELDS = {
    "sitemap:lastmod": "modified_at",
    "feed:pubDate": "published_at",
    "feed:updated": "modified_at",
}


def rest_records(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The crawl's REST API posts (``rest.jsonl``) by canonical URL."""
    path = out_dir / REST_NAME
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return {canonical_url(row["url"]): row for row in rows if row.get("url")}


def page_hints(row: dict[str, Any], record: dict[str, Any] | None) -> Hints:
    """What the crawl knew about one page: its fetch time, discovery dates and REST API record."""
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
        dates=tuple(dates),
        authors=tuple(record.get("authors") or ()) if record else (),
        categories=tuple(record.get("categories") or ()) if record else (),
        tags=tuple(record.get("tags") or ()) if record else (),
        signal="rest-api" if record else "",
    )


def article_refs(out_dir: Path) -> list[PageRef]:
    """The article pages of a crawl that came back with a body (200), one per URL, with their hints."""
    records = rest_records(out_dir)
    refs: dict[str, PageRef] = {}
    for row in iter_manifest(out_dir):
        if row.get("role") == "article" and row.get("status") == 200 and row.get("warc_file"):
            url = row.get("final_url") or row["url"]
            record = records.get(canonical_url(url)) or records.get(canonical_url(row["url"]))
            refs[url] = PageRef(
                str(out_dir),
                url,
                row["warc_file"],
                int(row["warc_offset"]),
                row.get("content_type"),
                page_hints(row, record),
            )
    return [refs[url] for url in sorted(refs)]


def _results(refs: list[PageRef], workers: int) -> Iterator[dict[str, Any]]:
    """Always in worker processes: their main thread can arm SIGALRM for the page timeout
    (Prefect runs tasks in threads, where signals cannot be used)."""
    if not refs:
        return
    workers = max(1, min(workers, -(-len(refs) // CHUNK)))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=exit_with_parent
    ) as pool:  # workers exit when this process dies (flows/lifetime.py)
        yield from pool.map(extract_page, refs, chunksize=CHUNK)


def _up_to_date(target: Path, out_dir: Path) -> bool:
    """An earlier attempt already extracted this crawl (nothing was archived since)."""
    if not target.exists():
        return False
    inputs = [p for p in (out_dir / MANIFEST_NAME, out_dir / REST_NAME) if p.exists()]
    return all(p.stat().st_mtime <= target.stat().st_mtime for p in inputs)


def extract_crawl(out_dir: Path, workers: int | None = None) -> Path:
    """Extract a crawl's article pages into ``out_dir/extracted.jsonl`` (rewritten whole, unless up to date)."""
    target = out_dir / "extracted.jsonl"
    if _up_to_date(target, out_dir):
        return target
    return extract_pages(article_refs(out_dir), target, workers)


def extract_pages(refs: list[PageRef], target: Path, workers: int | None = None) -> Path:
    """Extract archived pages (of any crawls) into ``target``, a JSON-lines file rewritten whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".jsonl.part")
    with partial.open("w", encoding="utf-8") as handle:
        for row in _results(refs, workers or os.cpu_count() or 1):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.replace(target)
    return target


def read_extracted(path: Path) -> list[Article | Discard]:
    """The records an ``extract_crawl`` wrote."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(from_dict(json.loads(line)))
    return records
