"""The config-driven spider: discovers a source's article URLs and fetches them (never parses articles)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response, TextResponse
from scrapy.robotstxt import RobotParser
from twisted.python.failure import Failure

from spiders.discovery import (
    canonical_url,
    classify_link,
    clean_url,
    html_feed_links,
    html_links,
    in_domains,
    is_older,
    is_taxonomy_sitemap,
    parse_datetime,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from spiders.job import CrawlJob
from spiders.warc import WarcRecorder

logger = logging.getLogger(__name__)

SITEMAP_PROBES = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")
FEED_PROBE = "/feed/"
PRIO_HOME, PRIO_DISCOVERY, PRIO_ARCHIVE, PRIO_FEED_ITEM, PRIO_ARTICLE = 100, 50, 20, 10, 0


def load_known(path: Path | None) -> dict[str, dict[str, str]]:
    """The `known` file as {canonical url: {"etag": ..., "last_modified": ...}}; {} if absent/broken."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring known file %s: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {canonical_url(url): v for url, v in data.items() if isinstance(v, dict)}


class TrawlSpider(Spider):
    """robots.txt -> sitemaps + feeds -> articles; archive pages as a fallback. All roles in request meta."""

    name = "trawl"

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.allowed_domains = list(job.domains)
        self._since = parse_datetime(job.since)
        self._known = load_known(job.known)
        self._via: dict[str, list[str]] = {}  # canonical URL -> discovered_via (shared with request meta)
        self._metas: dict[str, dict[str, Any]] = {}  # canonical article URL -> its request meta
        self._robots_sitemaps: list[str] = []
        self._home: tuple[str, list[str], list[str]] | None = None
        self._articles = 0
        self._listings = 0
        self._candidates = 0
        self._fallback_started = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TrawlSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.response_received, signal=signals.response_received)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    # -- requests -----------------------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    def _request(
        self,
        url: str,
        *,
        role: str,
        callback: Callable[[Response], Any],
        depth: int,
        via: str | None,
        priority: int,
        lastmod: str | None = None,
        headers: dict[str, str] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Request | None:
        """A new request, or None when the canonical URL was already requested (then `via` is merged)."""
        key = canonical_url(url)
        seen = self._via.get(key)
        if seen is not None:
            if via and via not in seen:
                seen.append(via)
            return None
        vias = [via] if via else []
        self._via[key] = vias
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=priority,
            headers=headers,
            meta={
                "trawl_role": role,
                "trawl_url": url,
                "trawl_depth": depth,
                "trawl_via": vias,
                "trawl_lastmod": lastmod,
                **(meta or {}),
            },
        )

    def _allowed(self, url: str | None, base: str | None = None) -> str | None:
        cleaned = clean_url(url, base) if url else None
        if cleaned is None or not in_domains(cleaned, self.job.domains):
            return None
        return cleaned

    def _article(self, url: str, *, via: str, depth: int, lastmod: str | None = None) -> Iterator[Request]:
        cleaned = self._allowed(url)
        if cleaned is None:
            self._inc("trawl/candidates/offsite")
            return
        key = canonical_url(cleaned)
        if key in self._metas and lastmod and not self._metas[key].get("trawl_lastmod"):
            self._metas[key]["trawl_lastmod"] = lastmod
        if key not in self._via:
            self._candidates += 1
            self._inc(f"trawl/candidates/{via.split(':', 1)[0]}")
            if self._articles >= self.job.max_pages:
                self._via[key] = [via]
                self._inc("trawl/candidates/over_budget")
                return
        known = self._known.get(key) or {}
        headers: dict[str, str] = {}
        if known.get("etag"):
            headers["If-None-Match"] = str(known["etag"])
        if known.get("last_modified"):
            headers["If-Modified-Since"] = str(known["last_modified"])
        prio = PRIO_FEED_ITEM if via.startswith("feed:") else PRIO_ARTICLE
        req = self._request(
            cleaned,
            role="article",
            callback=self.parse_article,
            depth=depth,
            via=via,
            priority=prio,
            lastmod=lastmod,
            headers=headers or None,
        )
        if req is not None:
            self._articles += 1
            self._metas[key] = req.meta
            yield req

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

    def _feed(self, url: str, *, via: str | None, depth: int) -> Iterator[Request]:
        cleaned = self._allowed(url)
        if cleaned is not None:
            req = self._request(
                cleaned, role="feed", callback=self.parse_feed, depth=depth, via=via, priority=PRIO_DISCOVERY
            )
            if req is not None:
                yield req

    def _listing(self, url: str, *, via: str, depth: int) -> Iterator[Request]:
        if depth > self.job.max_archive_depth or self._listings >= self.job.max_pages:
            return
        req = self._request(
            url, role="archive", callback=self.parse_listing, depth=depth, via=via, priority=PRIO_ARCHIVE
        )
        if req is not None:
            self._listings += 1
            yield req

    def _next_probe(self, response_or_request: Response | Request) -> Iterator[Request]:
        probe = response_or_request.meta.get("trawl_probe")
        if probe is not None and probe + 1 < len(SITEMAP_PROBES):
            yield from self._sitemap(
                urljoin(self.job.home_url, SITEMAP_PROBES[probe + 1]), via="probe", depth=0, probe=probe + 1
            )

    # -- entry and discovery ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        home = clean_url(self.job.home_url) or self.job.home_url
        # The first request makes RobotsTxtMiddleware fetch robots.txt (archived by the recorder,
        # its Sitemap: lines collected in response_received) before the home page is downloaded.
        req = self._request(home, role="home", callback=self.parse_home, depth=0, via=None, priority=PRIO_HOME)
        if req is not None:
            yield req

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get("trawl_role") or not response.url.endswith("/robots.txt"):
            return
        if 200 <= response.status < 300:
            found = robots_sitemaps(response.body, response.url)
            self._robots_sitemaps.extend(u for u in found if u not in self._robots_sitemaps)

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
        self.download_delay = max(getattr(self, "download_delay", 0.0), delay)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("trawl/robots_crawl_delay", delay)

    def parse_home(self, response: Response) -> Iterator[Request]:
        feeds: list[str] = []
        if response.status == 200 and isinstance(response, TextResponse):
            feeds = html_feed_links(response.text, response.url)
            links, nexts = html_links(response.text, response.url)
            self._home = (response.url, links, nexts)
        yield from self._discover(reachable=True, home_feeds=feeds)
        if self.job.archive_pages == "always":
            yield from self._start_archive()

    def _discover(self, *, reachable: bool, home_feeds: list[str]) -> Iterator[Request]:
        robots_url = urljoin(self.job.home_url, "/robots.txt")
        for url in self.job.sitemaps:
            yield from self._sitemap(url, via="job", depth=0)
        for url in self._robots_sitemaps:
            yield from self._sitemap(url, via=f"robots:{robots_url}", depth=1)
        if not self.job.sitemaps and not self._robots_sitemaps and reachable:
            yield from self._sitemap(urljoin(self.job.home_url, SITEMAP_PROBES[0]), via="probe", depth=0, probe=0)
        for url in self.job.feeds:
            yield from self._feed(url, via="job", depth=0)
        for url in home_feeds:
            yield from self._feed(url, via=f"home:{self.job.home_url}", depth=1)
        if not self.job.feeds and not home_feeds and reachable:
            yield from self._feed(urljoin(self.job.home_url, FEED_PROBE), via="probe", depth=0)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        kind, entries = parse_sitemap(response.body) if response.status == 200 else ("", [])
        depth = int(response.meta.get("trawl_depth") or 0) + 1
        via = f"sitemap:{response.url}"
        if kind == "sitemapindex":
            for entry in entries:
                if is_taxonomy_sitemap(entry.loc):
                    self._inc("trawl/sitemaps/skipped_taxonomy")
                elif is_older(entry.lastmod, self._since):
                    self._inc("trawl/sitemaps/skipped_since")
                else:
                    yield from self._sitemap(entry.loc, via=via, depth=depth)
        elif kind == "urlset":
            for entry in entries:
                if is_older(entry.lastmod, self._since):
                    self._inc("trawl/candidates/skipped_since")
                    continue
                yield from self._article(entry.loc, via=via, depth=depth, lastmod=entry.lastmod)
        else:
            if response.status == 200:
                self._inc("trawl/sitemaps/invalid")
            yield from self._next_probe(response)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        entries = parse_feed(response.body, response.url) if response.status == 200 else None
        if entries is None:
            return
        depth = int(response.meta.get("trawl_depth") or 0) + 1
        for entry in entries:
            if is_older(entry.updated, self._since):
                self._inc("trawl/candidates/skipped_since")
                continue
            yield from self._article(entry.link, via=f"feed:{response.url}", depth=depth, lastmod=entry.updated)

    def parse_article(self, response: Response) -> None:
        """Articles are archived by the recorder and parsed later, by the extractor."""
        return None

    # -- archive fallback -------------------------------------------------------------------------

    def spider_idle(self, spider: Spider) -> None:
        if self._fallback_started or not self.job.archive_pages or self._candidates:
            return
        requests = list(self._start_archive())
        engine = self.crawler.engine
        if requests and engine is not None:
            logger.info("no article URL from sitemaps/feeds: crawling archive pages from the home page")
            for req in requests:
                engine.crawl(req)
            raise DontCloseSpider

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

    # -- errors and close ---------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Request]:
        request: Request | None = getattr(failure, "request", None)
        if request is None:
            return
        recorder = self.crawler.get_downloader_middleware(WarcRecorder)
        if recorder is not None:
            recorder.record_failure(request, failure.value)
        role = request.meta.get("trawl_role")
        if role == "home":
            # Forbidden by robots.txt means the site answered; a download error means it did not.
            yield from self._discover(reachable=isinstance(failure.value, IgnoreRequest), home_feeds=[])
        elif role == "sitemap":
            yield from self._next_probe(request)

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats
        if stats is None:
            return
        stats.set_value("trawl/articles_requested", self._articles)
        stats.set_value("trawl/archive_pages_requested", self._listings)
        stats.set_value("trawl/candidates_total", self._candidates)
        stats.set_value("trawl/robots_sitemaps", len(self._robots_sitemaps))
        host = urlsplit(self.job.home_url).hostname
        stats.set_value("trawl/host", host)
