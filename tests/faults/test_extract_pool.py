"""The page timeout is enforced by killing the worker: lxml's parser ignores signals."""

from __future__ import annotations

import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from flows.extract import MAX_PAGE_BYTES, PageRef, extract_pages, read_extracted
from transforms.records import Article, Discard

PARAGRAPH = "<p>" + "A sentence of an ordinary news article about the city council, " * 8 + "</p>\n"


def page(paragraphs: int, title: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{PARAGRAPH * paragraphs}</article></body></html>".encode()


def archive(out_dir: Path, pages: dict[str, bytes]) -> list[PageRef]:
    """Write the pages as WARC response records, as a crawl would, and point at them."""
    refs = []
    with open(out_dir / "pages.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages.items():
            offset = fh.tell()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=_stream(body), http_headers=headers))
            refs.append(PageRef(str(out_dir), url, "pages.warc.gz", offset, "text/html; charset=utf-8"))
    return refs


def _stream(body: bytes):  # type: ignore[no-untyped-def]
    import io

    return io.BytesIO(body)


def test_a_stuck_page_is_a_timeout_and_the_worker_is_replaced(tmp_path: Path) -> None:
    # ~1.5 MB of one-line paragraphs: ~70k elements, tens of seconds of extraction (a long page
    # of long paragraphs is not enough: it parses in a few seconds), far over the 6 s allowed;
    # 6 s rather than less so that the small pages stay well inside it on a loaded machine
    line = "<p>One two three.</p>\n"
    slow = f"<html><body><article><h1>Slow</h1>{line * (1536 * 1024 // len(line))}</article></body></html>".encode()
    good = {f"http://site.test/news/{i}/": page(6, f"Article {i}") for i in range(4)}
    refs = archive(tmp_path, {"http://site.test/news/slow/": slow, **good})
    start = time.monotonic()
    # one worker: the good pages after the slow one extract only if the killed worker was replaced
    target = extract_pages(refs, tmp_path / "extracted.jsonl", workers=1, timeout=6.0)
    elapsed = time.monotonic() - start
    records = {r.url: r for r in read_extracted(target)}
    stuck = records["http://site.test/news/slow/"]
    assert isinstance(stuck, Discard) and stuck.reason == "timeout", stuck
    assert "6 s" in stuck.detail
    assert all(isinstance(records[url], Article) for url in good), records
    assert elapsed < 120


def test_a_page_over_the_size_limit_never_reaches_the_parser(tmp_path: Path) -> None:
    huge = page(MAX_PAGE_BYTES // len(PARAGRAPH) + 10, "Huge")
    refs = archive(tmp_path, {"http://site.test/huge/": huge, "http://site.test/ok/": page(6, "Fine")})
    # once as the manifest reports it (decided before any worker), once found by the worker
    sized = [PageRef(**{**ref.__dict__, "size": len(huge)}) if "huge" in ref.url else ref for ref in refs]
    for batch in (refs, sized):
        records = {r.url: r for r in read_extracted(extract_pages(batch, tmp_path / "x.jsonl", workers=1))}
        assert isinstance(records["http://site.test/huge/"], Discard)
        assert records["http://site.test/huge/"].reason == "too_large"  # type: ignore[union-attr]
        assert isinstance(records["http://site.test/ok/"], Article)
