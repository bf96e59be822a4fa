"""The config-driven spider: discovers a source's article URLs and fetches them (never parses articles).

Discovery, best signal first: the WordPress REST API when the site has one (advertised by
``<link rel="https://api.w.org/">`` or reachable at ``/wp-json/``), paged by ``modified``
from the source's cursor, its author/category/tag ids named (and cached); sitemaps (the
complete inventory that shows removed pages: every run, except that a source whose REST API
works reads them once a week, ``job.inventory``); feeds when there is no REST API;
archive pages as the fallback. Which URLs are fetched is decided per candidate against the
frontier snapshot (``spiders.candidates``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response, TextResponse
from scrapy.robotstxt import RobotParser
from twisted.python.failure import Failure

from spiders import rest
from spiders.candidates import write_candidates
from spiders.channels.feeds import FeedChannel
from spiders.channels.listings import ListingChannel
from spiders.channels.rest_api import RestChannel
from spiders.channels.sitemaps import SitemapChannel
from spiders.core import ABSENT_STAT, API_PROBE, FEED_PROBE, PRIO_DISCOVERY, PRIO_HOME, SITEMAP_PROBES
from spiders.discovery import clean_url, html_feed_links, html_links
from spiders.politeness import BLOCKED_STAT
from spiders.warc import WarcRecorder

logger = logging.getLogger(__name__)

__all__ = ["ABSENT_STAT", "API_PROBE", "FEED_PROBE", "SITEMAP_PROBES", "TrawlSpider"]


class TrawlSpider(RestChannel, SitemapChannel, FeedChannel, ListingChannel):
    """robots.txt -> REST API, sitemaps, feeds -> articles; archive pages as a fallback. All roles in request meta."""

    name = "trawl"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TrawlSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        home = clean_url(self.job.home_url) or self.job.home_url
        # The first request makes RobotsTxtMiddleware fetch robots.txt (archived by the recorder,
        # its Sitemap: lines collected in response_received) before the home page is downloaded.
        req = self._request(home, role="home", callback=self.parse_home, depth=0, via=None, priority=PRIO_HOME)
        if req is not None:
            yield req

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Honour a robots.txt Crawl-delay (capped at 60 s) in polite mode; Scrapy itself ignores it."""
        delay = robotparser.crawl_delay(self.job.user_agent) if self.job.polite else None
        if not delay:
            return
        delay = min(float(delay), 60.0)
        throttle = self.crawler.get_extension(AutoThrottle)
        if throttle is not None:
            throttle.mindelay = max(throttle.mindelay, delay)
        engine = self.crawler.engine
        if engine is not None:
            for slot in engine.downloader.slots.values():
                slot.delay = max(slot.delay, delay)
                slot.jitter = 0.0  # Scrapy's ±50% randomization would go below the Crawl-delay
        self.download_delay = max(getattr(self, "download_delay", 0.0), delay)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("trawl/robots_crawl_delay", delay)

    def parse_home(self, response: Response) -> Iterator[Request]:
        self._check_blocked()
        feeds: list[str] = []
        api_root = None
        if response.status == 200 and isinstance(response, TextResponse):
            feeds = html_feed_links(response.text, response.url)
            links, nexts = html_links(response.text, response.url)
            self._home = (response.url, links, nexts)
            api_root = rest.root_from_html(response.text, response.url) or rest.root_from_link_header(
                [v.decode("latin-1") for v in response.headers.getlist("Link")], response.url
            )
        yield from self._discover(reachable=response.status < 500, home_feeds=feeds, api_root=api_root)
        if self.job.archive_pages == "always":
            yield from self._start_archive()

    def _discover(self, *, reachable: bool, home_feeds: list[str], api_root: str | None = None) -> Iterator[Request]:
        for url in self.job.sitemaps:  # the sources' own sitemaps: every run
            yield from self._sitemap(url, via="job", depth=0)
        self._home_feeds, self._reachable = home_feeds, reachable
        if not self.job.inventory and self.job.rest_api and api_root:
            # the REST API lists every change since the cursor; the full inventory was read recently
            self._sitemaps_deferred = True
            self._inc("trawl/sitemaps/deferred")
        else:
            yield from self._inventory_sitemaps()
        if self.job.rest_api and api_root:
            yield from self._rest_start(api_root, via=f"home:{self.job.home_url}")
        elif self.job.rest_api and self.job.rest_probe and reachable:
            req = self._request(
                urljoin(self.job.home_url, API_PROBE),
                role="api",
                callback=self.parse_api_index,
                depth=0,
                via="probe",
                priority=PRIO_DISCOVERY,
                meta={"trawl_api": "index"},
            )
            if req is not None:
                yield req
        else:
            if self.job.rest_api and reachable:
                self._inc("trawl/rest_api/probe_skipped")  # a recent probe found no API
            yield from self._discover_feeds()

    def _frontier_pass(self) -> Iterator[Request]:
        """Known pages discovery did not bring up: due ones, and ones the sitemaps stopped listing."""
        complete = self.inventory_complete
        for key, known in sorted(self._known.items()):
            cand = self._cands.get(key)
            if (cand is not None and cand.decision is not None) or key in self._archived:
                continue
            listed_now = cand is not None and cand.listed
            if known.get("due", True):
                via = "frontier:due"
            elif complete and known.get("listed") and not listed_now and known.get("state") != "gone":
                via = "frontier:unlisted"
            else:
                continue
            self._inc(f"trawl/candidates/{via.replace(':', '_')}")
            yield from self._article(str(known["url"]), via=via, depth=0, force=True)

    def spider_idle(self, spider: Spider) -> None:
        """Discovery is over: first the frontier's own requests, then (no candidate at all) archive pages."""
        stats = self.crawler.stats
        if stats is not None and stats.get_value(BLOCKED_STAT):
            return
        requests: list[Request] = []
        if not self._frontier_done:
            self._frontier_done = True
            requests = list(self._frontier_pass())
        if not requests and not self._fallback_started and self.job.archive_pages and not self._candidates:
            requests = list(self._start_archive())
            if requests:
                logger.info("no article URL from sitemaps/feeds: crawling archive pages from the home page")
        engine = self.crawler.engine
        if requests and engine is not None:
            for req in requests:
                engine.crawl(req)
            raise DontCloseSpider

    def on_error(self, failure: Failure) -> Iterator[Request]:
        """Record the failure in the archive, then let the channel that asked handle it (by role)."""
        request: Request | None = getattr(failure, "request", None)
        if request is None:
            return
        recorder = self.crawler.get_downloader_middleware(WarcRecorder)
        if recorder is not None:
            recorder.record_failure(request, failure.value)
        handler = {"home": self._home_failed, "sitemap": self._sitemap_failed, "api": self._api_failed}.get(
            str(request.meta.get("trawl_role"))
        )
        if handler is not None:
            yield from handler(request, failure)

    def _home_failed(self, request: Request, failure: Failure) -> Iterator[Request]:
        # Forbidden by robots.txt means the site answered; a download error means it did not.
        yield from self._discover(reachable=isinstance(failure.value, IgnoreRequest), home_feeds=[])

    def closed(self, reason: str) -> None:
        write_candidates(self.job.out_dir, list(self._cands.values()))
        self._write_rest()
        stats = self.crawler.stats
        if stats is None:
            return
        stats.set_value("trawl/articles_requested", self._articles)
        stats.set_value("trawl/archive_pages_requested", self._listings)
        stats.set_value("trawl/candidates_total", self._candidates)
        stats.set_value("trawl/robots_sitemaps", len(self._robots_sitemaps))
        stats.set_value("trawl/inventory_complete", self.inventory_complete)
        stats.set_value("trawl/rest_posts", len(self._rest_posts))
        if self._rest_pages_failed:
            stats.set_value("trawl/rest_api/pages_failed", self._rest_pages_failed)
        host = urlsplit(self.job.home_url).hostname
        stats.set_value("trawl/host", host)
