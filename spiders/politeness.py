"""Politeness for real sites: Retry-After on 429/503, capped exponential backoff, and a stop on 403.

``BackoffRetryMiddleware`` replaces Scrapy's RetryMiddleware (same settings, same retry
counting). A retried request waits before it is sent again: as long as the server's
``Retry-After`` says on 429 and 503, otherwise ``TRAWL_BACKOFF_BASE × 2^attempt`` seconds,
capped at ``TRAWL_BACKOFF_MAX``. While a host is paused every request to it waits: the crawl
sends nothing to it (the crawl's total concurrency equals its per-domain concurrency, so no
request is queued past this middleware).

A ``Retry-After`` over ``TRAWL_MAX_RETRY_AFTER`` means "not in this run": the answer is kept,
and nothing more is sent to that host in this crawl (``HostPaused``); the frontier retries
those pages in a later run. So do all pauses of a crawl together: once they would add up to
over ``TRAWL_MAX_WAIT_PER_RUN`` seconds, the host that needs one more pause is left for a later
run the same way (a crawl is one source's part of a run, so this caps the wait per host and per
run; four 20 s waits no longer run one after another past the budget). After ``TRAWL_BLOCK_AFTER`` 403 answers in a row from a host, the
crawl is blocked: nothing more is sent to it, the spider closes with reason ``blocked`` and
the run reports the source as blocked instead of hammering it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from time import monotonic
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from spiders import defaults
from transforms.dates import parse_datetime

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})
BLOCKED_STAT = "trawl/blocked"


DEFERRED_STAT = "trawl/deferred"


class HostPaused(IgnoreRequest):
    """Nothing more is sent to this host in this crawl (it blocked us, or asked us to come back much later)."""


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent/invalid."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    when = parse_datetime(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff before retry number ``attempt + 1``: base × 2^attempt, at most cap."""
    return float(min(cap, base * (2 ** min(attempt, 30))))


def _host(request: Request) -> str:
    return urlsplit(request.url).netloc.lower()


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, but after a pause (Retry-After or capped backoff), and a stop on repeated 403."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        settings = crawler.settings
        self.base = settings.getfloat("TRAWL_BACKOFF_BASE", defaults.BACKOFF_BASE)
        self.cap = settings.getfloat("TRAWL_BACKOFF_MAX", defaults.BACKOFF_MAX)
        self.max_retry_after = settings.getfloat("TRAWL_MAX_RETRY_AFTER", defaults.MAX_RETRY_AFTER)
        self.block_after = settings.getint("TRAWL_BLOCK_AFTER", defaults.BLOCK_AFTER)
        self.max_wait = settings.getfloat("TRAWL_MAX_WAIT_PER_RUN", defaults.MAX_WAIT_PER_RUN)
        self._waited = 0.0  # seconds of pauses granted in this crawl
        self._resume_at: dict[str, float] = {}
        self._forbidden: dict[str, int] = {}
        self._stopped: dict[str, str] = {}  # host -> why nothing more is sent to it

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        return cls(crawler)

    def _stat(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, value)

    def _defer(self, host: str, message: str) -> None:
        """Nothing more to this host in this crawl: its pages stay due for a later run."""
        logger.warning("%s", message)
        self._stopped.setdefault(host, message)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(DEFERRED_STAT, message)

    def _over_budget(self, host: str, seconds: float) -> bool:
        """True (and the host deferred) when this pause would take the crawl's waits past the budget."""
        if self._waited + seconds <= self.max_wait:
            self._waited += seconds
            return False
        self._stat("trawl/backoff/over_budget")
        self._defer(
            host,
            f"{host}: another {seconds:.0f} s pause would take this run's waits past {self.max_wait:.0f} s "
            f"({self._waited:.0f} s waited): left for a later run",
        )
        return True

    def _pause(self, host: str, seconds: float) -> None:
        self._resume_at[host] = max(self._resume_at.get(host, 0.0), monotonic() + seconds)
        self._stat("trawl/backoff/pauses")
        self._stat("trawl/backoff/milliseconds", round(seconds * 1000))

    async def process_request(self, request: Request) -> None:
        host = _host(request)
        if host in self._stopped:
            raise HostPaused(f"not sent: {self._stopped[host]}")
        wait = self._resume_at.get(host, 0.0) - monotonic()
        if wait > 0:
            await sleep(wait)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        host = _host(request)
        self._note_forbidden(host, response.status)
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        attempt = int(request.meta.get("retry_times", 0))
        wait: float | None = None
        if response.status in RETRY_AFTER_STATUSES:
            header = response.headers.get("Retry-After")
            wait = retry_after_seconds(header.decode("latin-1") if header else None, datetime.now(UTC))
            if wait is not None and wait > self.max_retry_after:
                self._stat("trawl/retry_after/too_long")
                self._defer(
                    host,
                    f"{host} asked to retry after {wait:.0f} s (over {self.max_retry_after:.0f} s): left for a later run",
                )
                return response
            if wait is not None:
                self._stat("trawl/retry_after/honoured")
        if wait is None:
            wait = backoff_seconds(attempt, self.base, self.cap)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None or self._over_budget(host, wait):
            return response
        self._pause(host, wait)
        return retry

    def process_exception(self, request: Request, exception: Exception, spider: Any = None) -> Request | None:
        if isinstance(exception, IgnoreRequest):
            return None
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            host, wait = _host(request), backoff_seconds(int(request.meta.get("retry_times", 0)), self.base, self.cap)
            if self._over_budget(host, wait):
                return None
            self._pause(host, wait)
            return retry
        return None

    def _note_forbidden(self, host: str, status: int) -> None:
        if status != 403:
            self._forbidden[host] = 0
            return
        self._forbidden[host] = self._forbidden.get(host, 0) + 1
        if self._forbidden[host] >= self.block_after and host not in self._stopped:
            message = f"{host} answered 403 Forbidden to {self._forbidden[host]} requests in a row: crawl stopped"
            self._stopped[host] = message
            logger.warning("%s", message)
            if self.crawler.stats is not None:
                self.crawler.stats.set_value(BLOCKED_STAT, message)
