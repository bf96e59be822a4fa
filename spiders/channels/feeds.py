"""RSS/Atom feeds: the job's, the home page's links, else /feed/ (when there is no REST API)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from spiders.core import FEED_PROBE, PRIO_DISCOVERY, SpiderCore
from spiders.discovery import parse_feed
from spiders.job import CrawlJob

logger = logging.getLogger(__name__)


class FeedChannel(SpiderCore):
    """RSS/Atom feeds: the job's, the home page's links, else /feed/ (when there is no REST API)."""

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(job, **kwargs)
        self._home_feeds: list[str] = []
        self._feeds_started = False

    def _feed(self, url: str, *, via: str | None, depth: int) -> Iterator[Request]:
        cleaned = self._allowed(url)
        if cleaned is not None:
            req = self._request(
                cleaned, role="feed", callback=self.parse_feed, depth=depth, via=via, priority=PRIO_DISCOVERY
            )
            if req is not None:
                yield req

    def _discover_feeds(self) -> Iterator[Request]:
        """Feeds: the sources' own list, the home page's links, else /feed/ (once per crawl)."""
        if self._feeds_started:
            return
        self._feeds_started = True
        for url in self.job.feeds:
            yield from self._feed(url, via="job", depth=0)
        for url in self._home_feeds:
            yield from self._feed(url, via=f"home:{self.job.home_url}", depth=1)
        if not self.job.feeds and not self._home_feeds and self._reachable:
            yield from self._feed(urljoin(self.job.home_url, FEED_PROBE), via="probe", depth=0)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        self._check_blocked()
        entries = parse_feed(response.body, response.url) if response.status == 200 else None
        if entries is None:
            return
        depth = int(response.meta.get("trawl_depth") or 0) + 1
        for entry in entries:
            hints = {"feed:pubDate": entry.published or "", "feed:updated": entry.updated or ""}
            yield from self._article(
                entry.link, via=f"feed:{response.url}", depth=depth, lastmod=entry.updated, kind="feed", hints=hints
            )
