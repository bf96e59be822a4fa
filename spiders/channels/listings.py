"""Archive pages: the fallback when no sitemap, feed or API gave an article URL (or always, per job)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from spiders.core import PRIO_ARCHIVE, SpiderCore
from spiders.discovery import classify_link, html_links
from spiders.job import CrawlJob

logger = logging.getLogger(__name__)


class ListingChannel(SpiderCore):
    """Archive pages: the fallback when no sitemap, feed or API gave an article URL (or always, per job)."""

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(job, **kwargs)
        self._home: tuple[str, list[str], list[str]] | None = None
        self._listings = 0
        self._fallback_started = False

    def _listing(self, url: str, *, via: str, depth: int) -> Iterator[Request]:
        if depth > self.job.max_archive_depth or self._listings >= self.job.max_pages:
            return
        req = self._request(
            url, role="archive", callback=self.parse_listing, depth=depth, via=via, priority=PRIO_ARCHIVE
        )
        if req is not None:
            self._listings += 1
            yield req

    def _start_archive(self) -> Iterator[Request]:
        if self._fallback_started:
            return
        self._fallback_started = True
        if self._home is not None:
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("trawl/archive_fallback", True)
            url, links, nexts = self._home
            yield from self._follow_listing(url, links, nexts, depth=0)

    def _follow_listing(self, page_url: str, links: list[str], nexts: list[str], depth: int) -> Iterator[Request]:
        via = f"archive:{page_url}"
        for link in nexts:
            cleaned = self._allowed(link)
            if cleaned is not None:
                yield from self._listing(cleaned, via=via, depth=depth + 1)
        for link in links:
            cleaned = self._allowed(link)
            if cleaned is None:
                continue
            kind = classify_link(cleaned)
            if kind == "article":
                yield from self._article(cleaned, via=via, depth=depth + 1)
            elif kind == "listing":
                yield from self._listing(cleaned, via=via, depth=depth + 1)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if response.status != 200 or not isinstance(response, TextResponse):
            return
        links, nexts = html_links(response.text, response.url)
        yield from self._follow_listing(response.url, links, nexts, int(response.meta.get("trawl_depth") or 0))
