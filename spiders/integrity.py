"""Bodies that end early are faults, not pages: a cut gzip stream is refused before it is decoded.

Scrapy's HttpCompressionMiddleware decodes what a truncated gzip body holds and hands it on as
if it were whole, so a page cut in half would be stored as a normal (short) article. This
middleware sits just outside it and checks that a gzip body reaches its end-of-stream marker.
It decodes in bounded steps and discards the output; a body that inflates past
``DOWNLOAD_MAXSIZE`` is left to HttpCompressionMiddleware, which refuses it for its size.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

logger = logging.getLogger(__name__)

STEP = 1 << 20  # inflated bytes looked at per step


class TruncatedBody(IgnoreRequest):
    """The body ended before its encoding said it would."""


def gzip_is_whole(body: bytes, limit: int) -> bool:
    """True when ``body`` is a gzip stream that reaches its end (or inflates past ``limit`` first)."""
    inflater = zlib.decompressobj(wbits=31)
    pending, inflated = body, 0
    try:
        while pending and not inflater.eof:
            inflated += len(inflater.decompress(pending, STEP))
            pending = inflater.unconsumed_tail
            if limit and inflated > limit:
                return True  # too big to be kept anyway: its size is the reason it is refused
    except zlib.error:
        return False
    return inflater.eof


class TruncatedBodyMiddleware:
    """Refuse a gzip body that stops before its end, with the URL and the reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limit = crawler.settings.getint("DOWNLOAD_MAXSIZE", 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TruncatedBodyMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        encoding = b",".join(response.headers.getlist("Content-Encoding")).lower()
        if encoding.strip() not in (b"gzip", b"x-gzip") or request.method == "HEAD" or not response.body:
            return response
        if gzip_is_whole(response.body, self.limit):
            return response
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("trawl/refused/truncated_body")
        logger.warning("truncated gzip body: %s", response.url)
        raise TruncatedBody(f"gzip body of {len(response.body)} bytes ends before its end-of-stream: {response.url}")
