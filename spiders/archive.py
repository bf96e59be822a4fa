"""Read back what a crawl wrote: manifest rows and the WARC response records they point to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from spiders.folder import CrawlFolder


def read_record(out_dir: Path, warc_file: str, offset: int) -> tuple[dict[str, str], bytes, str, int]:
    """(HTTP headers with lower-cased names, body as archived, WARC-Target-URI, HTTP status) at offset."""
    with open(Path(out_dir) / warc_file, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            if record.rec_type != "response" or record.http_headers is None:
                raise ValueError(f"{warc_file}@{offset} is a {record.rec_type} record, not an HTTP response")
            headers: dict[str, str] = {}
            for name, value in record.http_headers.headers:
                key = name.lower()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            body = record.raw_stream.read()
            uri = str(record.rec_headers.get_header("WARC-Target-URI"))
            return headers, body, uri, int(record.http_headers.get_statuscode())
    raise ValueError(f"no WARC record at {warc_file}@{offset}")


def iter_manifest(out_dir: Path) -> Iterator[dict[str, Any]]:
    """Manifest rows in write order; a truncated last line (crash mid-write) is skipped."""
    return CrawlFolder(Path(out_dir)).manifest_rows()
