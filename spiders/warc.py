"""WARC + manifest recorder: downloader middlewares that archive every response a crawl receives."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.python import to_unicode
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from spiders.folder import CrawlFolder

logger = logging.getLogger(__name__)

ORIG_HEADERS_META = "trawl_orig_headers"
MANIFEST_KEYS = (
    "source",
    "run_id",
    "url",
    "final_url",
    "role",
    "status",
    "content_type",
    "bytes",
    "elapsed_ms",
    "fetched_at",
    "etag",
    "last_modified",
    "warc_file",
    "warc_offset",
    "warc_length",
    "warc_record_id",
    "error",
    "discovered_via",
    "lastmod",
    "depth",
    "hints",
)
_HOP_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


@dataclass(frozen=True)
class WarcRef:
    """Where a response record lives: file (relative to out_dir), byte offset and length, record id."""

    warc_file: str
    offset: int
    length: int
    record_id: str


def drop_partial_line(path: Path) -> None:
    """Cut a manifest back to its last complete row: an attempt killed mid-write leaves half a line."""
    if not path.exists():
        return
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            fh.truncate(data.rfind(b"\n") + 1)


def origin_url(request: Request) -> str:
    """The URL the spider asked for, before redirects."""
    url = request.meta.get("trawl_url")
    if url:
        return str(url)
    redirects = request.meta.get("redirect_urls") or [request.url]
    return str(redirects[0])


def error_text(exc: BaseException) -> str:
    msg = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {msg}" if msg else name


def response_header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return to_unicode(value, errors="replace") if value else None


def _iso_now() -> tuple[datetime, str]:
    now = datetime.now(UTC)
    return now, now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class OriginalHeadersMiddleware:
    """Sits just inside HttpCompressionMiddleware: notes the wire encoding/length headers it will change."""

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[ORIG_HEADERS_META] = {
            name: [to_unicode(v, errors="replace") for v in response.headers.getlist(name)] for name in _HOP_HEADERS
        }
        return response


class WarcRecorder:
    """Outermost downloader middleware: one request+response WARC pair and one manifest row per request.

    Sees final responses (after redirects, retries, decompression) and final download errors,
    including the robots.txt fetch that RobotsTxtMiddleware makes on its own.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.source: str = settings.get("TRAWL_SOURCE") or "unknown"
        self.run_id: str = settings.get("TRAWL_RUN_ID") or ""
        self.out_dir = Path(settings.get("TRAWL_OUT_DIR") or ".")
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.warc_file = CrawlFolder(self.out_dir).next_warc()
        self._warc: IO[bytes] = open(self.out_dir / self.warc_file, "xb")  # noqa: SIM115
        drop_partial_line(CrawlFolder(self.out_dir).manifest)
        self._writer = WARCWriter(self._warc, gzip=True, warc_version="1.1")
        self._manifest: IO[str] = open(CrawlFolder(self.out_dir).manifest, "a", encoding="utf-8")  # noqa: SIM115
        self._archived: dict[str, WarcRef] = {}
        self._recorded: set[str] = set()
        self._pending: dict[str, Request] = {}
        self._closed = False
        self._write_warcinfo(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        mw = cls(crawler)
        crawler.signals.connect(mw.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(mw.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    # -- downloader middleware hooks -------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        key = origin_url(request)
        if key not in self._recorded:
            ref = self._archive(request, response)
            self._write_row(request, response=response, ref=ref)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.record_failure(request, exception)

    # -- signals -----------------------------------------------------------------------------

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        key = request.meta.get("trawl_url")
        if key and key not in self._recorded:
            self._pending[key] = request

    def request_dropped(self, request: Request, spider: Spider) -> None:
        why = "DuplicateRequest: redirected to an URL already requested in this crawl"
        if not request.meta.get("redirect_urls"):
            why = "DuplicateRequest: URL already requested in this crawl"
        self.record_failure(request, None, text=why)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        why = "NotFetched: request dropped before download (redirect to an offsite URL?)"
        if reason != "finished":
            why = f"NotFetched: crawl closed ({reason}) before this request was downloaded"
        for request in list(self._pending.values()):
            self.record_failure(request, None, text=why)
        self.close()

    # -- public API for the spider ---------------------------------------------------------

    def record_failure(self, request: Request, exc: BaseException | None, *, text: str | None = None) -> None:
        """Write an error row for a request that ended without a response (once per request)."""
        if origin_url(request) in self._recorded:
            return
        self._write_row(request, error=text or (error_text(exc) if exc else "UnknownError"))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._warc.close()
        self._manifest.close()
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value("trawl/warc_file", self.warc_file)

    # -- internals -----------------------------------------------------------------------------

    def _write_warcinfo(self, crawler: Crawler) -> None:
        info = {
            "software": f"trawl/0.1 (Scrapy {version('scrapy')}, warcio {version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": f"{self.source}/{self.run_id}",
            "trawl-source": self.source,
            "trawl-run-id": self.run_id,
            "http-header-user-agent": crawler.settings.get("USER_AGENT"),
            "robots": "obey" if crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "description": "Payloads are stored decoded: Content-Encoding was removed by the crawler and "
            "is kept as X-Archive-Orig-Content-Encoding.",
        }
        record = self._writer.create_warcinfo_record(self.warc_file, info)
        self._writer.write_record(record)
        self._warc.flush()

    def _http_response_headers(self, request: Request, response: Response) -> list[tuple[str, str]]:
        orig: dict[str, list[str]] = request.meta.get(ORIG_HEADERS_META) or {}
        headers: list[tuple[str, str]] = []
        for raw_name, values in response.headers.items():
            name = to_unicode(raw_name, errors="replace")
            low = name.lower()
            if low in ("content-length", "transfer-encoding"):
                continue
            headers.extend((name, to_unicode(v, errors="replace")) for v in values)
        decoded = orig.get("content-encoding") or []
        remaining = [to_unicode(v) for v in response.headers.getlist("Content-Encoding")]
        if decoded and decoded != remaining:
            headers.append(("X-Archive-Orig-Content-Encoding", ", ".join(decoded)))
        for value in orig.get("transfer-encoding") or []:
            headers.append(("X-Archive-Orig-Transfer-Encoding", value))
        wire_length = next(iter(orig.get("content-length") or []), None)
        if wire_length is not None and wire_length != str(len(response.body)):
            headers.append(("X-Archive-Orig-Content-Length", wire_length))
        headers.append(("Content-Length", str(len(response.body))))
        return headers

    @staticmethod
    def _http_request_headers(request: Request) -> tuple[str, list[tuple[str, str]]]:
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers: list[tuple[str, str]] = [("Host", parts.netloc)]
        for raw_name, values in request.headers.items():
            name = to_unicode(raw_name, errors="replace")
            if name.lower() != "host":
                headers.extend((name, to_unicode(v, errors="replace")) for v in values)
        return f"{request.method} {target} HTTP/1.1", headers

    def _archive(self, request: Request, response: Response) -> WarcRef:
        existing = self._archived.get(response.url)
        if existing is not None:
            self._inc("trawl/warc/reused")
            return existing
        _, warc_date = _iso_now()
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = ""
        protocol = response.protocol or "HTTP/1.1"
        http_headers = StatusAndHeaders(
            f"{response.status} {reason}".strip(), self._http_response_headers(request, response), protocol=protocol
        )
        warc_headers: dict[str, str] = {"WARC-Date": warc_date}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        body = response.body
        resp_rec = self._writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        record_id = str(resp_rec.rec_headers.get_header("WARC-Record-ID"))
        offset = self._warc.tell()
        self._writer.write_record(resp_rec)
        length = self._warc.tell() - offset

        statusline, req_headers = self._http_request_headers(request)
        req_body = request.body or b""
        req_rec = self._writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(req_body),
            length=len(req_body),
            http_headers=StatusAndHeaders(statusline, req_headers, is_http_request=True),
            warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": record_id},
        )
        self._writer.write_record(req_rec)
        self._warc.flush()
        ref = WarcRef(self.warc_file, offset, length, record_id)
        self._archived[response.url] = ref
        self._inc("trawl/warc/records", 2)
        return ref

    def _write_row(
        self,
        request: Request,
        *,
        response: Response | None = None,
        ref: WarcRef | None = None,
        error: str | None = None,
    ) -> None:
        if self._closed:
            logger.warning("manifest closed, dropping row for %s", request.url)
            return
        key = origin_url(request)
        meta = request.meta
        latency = meta.get("download_latency")
        role = meta.get("trawl_role") or ("robots" if urlsplit(request.url).path == "/robots.txt" else "other")
        via: Iterable[str] = meta.get("trawl_via") or ()
        row: dict[str, Any] = {
            "source": self.source,
            "run_id": self.run_id,
            "url": key,
            "final_url": response.url if response is not None else request.url,
            "role": role,
            "status": response.status if response is not None else None,
            "content_type": response_header(response, "Content-Type") if response is not None else None,
            "bytes": len(response.body) if response is not None else None,
            "elapsed_ms": round(float(latency) * 1000, 1) if response is not None and latency is not None else None,
            "fetched_at": _iso_now()[0].isoformat(timespec="milliseconds"),
            "etag": response_header(response, "ETag") if response is not None else None,
            "last_modified": response_header(response, "Last-Modified") if response is not None else None,
            "warc_file": ref.warc_file if ref else None,
            "warc_offset": ref.offset if ref else None,
            "warc_length": ref.length if ref else None,
            "warc_record_id": ref.record_id if ref else None,
            "error": error,
            "discovered_via": list(via),
            "lastmod": meta.get("trawl_lastmod"),
            "depth": int(meta.get("trawl_depth") or 0),
            "hints": dict(meta.get("trawl_hints") or {}),
        }
        self._manifest.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._manifest.flush()
        self._recorded.add(key)
        self._pending.pop(key, None)
        self._inc("trawl/manifest/rows")
        self._inc(f"trawl/manifest/role/{role}")
        self._inc(f"trawl/manifest/status/{row['status'] if response is not None else 'error'}")

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)
