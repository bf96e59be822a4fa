"""Read back the WARC response records a crawl wrote (its manifest rows: ``CrawlFolder.manifest_rows``)."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]


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
