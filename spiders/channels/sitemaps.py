"""Sitemaps: robots.txt's, the job's, else probed; the site's complete inventory (with lastmod)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders.core import PRIO_DISCOVERY, SITEMAP_PROBES, SpiderCore
from spiders.discovery import SitemapEntry, is_taxonomy_sitemap, parse_datetime, parse_sitemap, robots_sitemaps
from spiders.job import CrawlJob
from transforms.kind import SITEMAP_TYPE, sitemap_kind

logger = logging.getLogger(__name__)


class SitemapChannel(SpiderCore):
    """Sitemaps: robots.txt's, the job's, else probed; the site's complete inventory (with lastmod)."""

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(job, **kwargs)
        self._robots_sitemaps: list[str] = []
        # the inventory is complete when every sitemap asked for was read
        self._urlsets = 0
        self._sitemaps_deferred = False  # left out this run: the REST API covers the changes
        self._sitemap_failures = 0

    def _sitemap(self, url: str, *, via: str | None, depth: int, probe: int | None = None) -> Iterator[Request]:
        cleaned = self._allowed(url)
        if cleaned is None:
            self._inc("trawl/sitemaps/offsite")
            return
        meta = {"trawl_probe": probe} if probe is not None else None
        req = self._request(
            cleaned,
            role="sitemap",
            callback=self.parse_sitemap,
            depth=depth,
            via=via,
            priority=PRIO_DISCOVERY,
            meta=meta,
        )
        if req is not None:
            yield req

    def _next_probe(self, response_or_request: Response | Request) -> Iterator[Request]:
        probe = response_or_request.meta.get("trawl_probe")
        if probe is not None and probe + 1 < len(SITEMAP_PROBES):
            yield from self._sitemap(
                urljoin(self.job.home_url, SITEMAP_PROBES[probe + 1]), via="probe", depth=0, probe=probe + 1
            )

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get("trawl_role") or not response.url.endswith("/robots.txt"):
            return
        if 200 <= response.status < 300:
            found = robots_sitemaps(response.body, response.url)
            self._robots_sitemaps.extend(u for u in found if u not in self._robots_sitemaps)

    def _inventory_sitemaps(self) -> Iterator[Request]:
        """The site's sitemaps (from robots.txt, else probed): its complete inventory."""
        self._sitemaps_deferred = False
        robots_url = urljoin(self.job.home_url, "/robots.txt")
        for url in self._robots_sitemaps:
            yield from self._sitemap(url, via=f"robots:{robots_url}", depth=1)
        if not self.job.sitemaps and not self._robots_sitemaps and self._reachable:
            yield from self._sitemap(urljoin(self.job.home_url, SITEMAP_PROBES[0]), via="probe", depth=0, probe=0)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        self._check_blocked()
        kind, entries = parse_sitemap(response.body) if response.status == 200 else ("", [])
        depth = int(response.meta.get("trawl_depth") or 0) + 1
        via = f"sitemap:{response.url}"
        if kind == "sitemapindex":
            for entry in entries:
                if is_taxonomy_sitemap(entry.loc):
                    self._inc("trawl/sitemaps/skipped_taxonomy")
                else:
                    yield from self._sitemap(entry.loc, via=via, depth=depth)
        elif kind == "urlset":
            self._urlsets += 1
            # a page sitemap (wp-sitemap-posts-page-N.xml, page-sitemap.xml) lists pages, not articles
            listed_kind = sitemap_kind(response.url)
            for entry in entries:
                yield from self._sitemap_entry(entry, via=via, depth=depth, listed_kind=listed_kind)
        else:
            if response.status == 200:
                self._inc("trawl/sitemaps/invalid")
            if response.meta.get("trawl_probe") is None:
                self._sitemap_failures += 1
            yield from self._next_probe(response)

    def _sitemap_entry(
        self, entry: SitemapEntry, *, via: str, depth: int, listed_kind: str | None = None
    ) -> Iterator[Request]:
        """One URL of a urlset; a lastmod that cannot be read costs the lastmod, never the URL or the rest.
        ``listed_kind``: what the sitemap's name says its URLs are (a hint for extraction)."""
        try:
            parse_datetime(entry.lastmod)  # every later use of the lastmod parses it the same way
        except (OverflowError, ValueError) as error:
            self._inc("trawl/sitemaps/bad_lastmod")
            logger.warning("%s: lastmod %r of %s ignored (%s)", via, entry.lastmod, entry.loc, error)
            entry = SitemapEntry(loc=entry.loc, lastmod=None, news=entry.news)
        hints = {"sitemap:lastmod": entry.lastmod} if entry.lastmod else {}
        if listed_kind:
            hints[SITEMAP_TYPE] = listed_kind
        # a news sitemap lists only the last days: its URLs are not the inventory of the site
        kind = "news" if entry.news else "sitemap"
        yield from self._article(entry.loc, via=via, depth=depth, lastmod=entry.lastmod, kind=kind, hints=hints)

    @property
    def inventory_complete(self) -> bool:
        """Every sitemap asked for was read, and at least one listed URLs."""
        return self._urlsets > 0 and self._sitemap_failures == 0

    def _deferred_sitemaps(self) -> Iterator[Request]:
        if self._sitemaps_deferred:
            yield from self._inventory_sitemaps()

    def _sitemap_failed(self, request: Request, failure: Failure) -> Iterator[Request]:
        """A sitemap that got no response: the inventory is incomplete (unless it was a probe)."""
        if request.meta.get("trawl_probe") is None:
            self._sitemap_failures += 1
        yield from self._next_probe(request)
