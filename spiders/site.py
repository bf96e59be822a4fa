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

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response, TextResponse
from scrapy.robotstxt import RobotParser
from twisted.python.failure import Failure

from spiders import rest
from spiders.archive import iter_manifest
from spiders.candidates import (
    ARCHIVED,
    DUPLICATE,
    NOT_DUE,
    OVER_BUDGET,
    REQUESTED,
    Candidate,
    conditional_headers,
    load_known,
    wanted,
    write_candidates,
)
from spiders.discovery import (
    SitemapEntry,
    classify_link,
    clean_url,
    html_feed_links,
    html_links,
    in_domains,
    is_taxonomy_sitemap,
    parse_datetime,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from spiders.folder import CrawlFolder
from spiders.job import CrawlJob
from spiders.politeness import BLOCKED_STAT
from spiders.warc import WarcRecorder, error_text
from transforms.kind import SITEMAP_TYPE, sitemap_kind
from transforms.urls import canonicalize

logger = logging.getLogger(__name__)

SITEMAP_PROBES = ("/wp-sitemap.xml", "/sitemap_index.xml", "/sitemap.xml")
FEED_PROBE = "/feed/"
API_PROBE = "/wp-json/"
# crawl stat: the probe of API_PROBE found no REST API (flows.runplan reads it back)
ABSENT_STAT = "trawl/rest_api/absent"
PRIO_HOME, PRIO_DISCOVERY, PRIO_ARCHIVE, PRIO_FEED_ITEM, PRIO_ARTICLE = 100, 50, 20, 10, 0


def load_names(path: Path | None) -> dict[str, dict[str, str]]:
    """The REST names cache {"users"|"categories"|"tags": {id: name}}; empty when absent or broken."""
    names: dict[str, dict[str, str]] = {kind: {} for kind in rest.TERM_KINDS}
    if path is None:
        return names
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring REST names file %s: %s", path, exc)
        return names
    for kind in rest.TERM_KINDS:
        if isinstance(data, dict) and isinstance(data.get(kind), dict):
            names[kind].update({str(k): str(v) for k, v in data[kind].items()})
    return names


def archived_earlier(out_dir: Path, run_id: str) -> set[str]:
    """Article URLs an earlier, interrupted attempt of this run already archived (canonical keys)."""
    return {
        canonicalize(row["url"])
        for row in iter_manifest(out_dir)
        if row.get("run_id") == run_id and row.get("role") == "article" and row.get("status") is not None
    }


def _write_json_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class TrawlSpider(Spider):
    """robots.txt -> sitemaps + feeds -> articles; archive pages as a fallback. All roles in request meta."""

    name = "trawl"

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.allowed_domains = list(job.domains)
        self._known = load_known(job.known)
        self._archived = archived_earlier(job.out_dir, job.run_id)
        self._via: dict[str, list[str]] = {}  # canonical URL -> discovered_via (shared with request meta)
        self._metas: dict[str, dict[str, Any]] = {}  # canonical article URL -> its request meta
        self._cands: dict[str, Candidate] = {}  # canonical article URL -> candidate
        self._robots_sitemaps: list[str] = []
        self._home: tuple[str, list[str], list[str]] | None = None
        self._home_feeds: list[str] = []
        self._reachable = False
        self._articles = 0
        self._listings = 0
        self._candidates = 0
        self._fallback_started = False
        self._frontier_done = False
        self._feeds_started = False
        # sitemap inventory: complete when every sitemap asked for was read and nothing was filtered
        self._urlsets = 0
        self._sitemaps_deferred = False  # left out this run: the REST API covers the changes
        self._sitemap_failures = 0
        # WordPress REST API
        self._rest_root: str | None = None
        self._rest_cursor = parse_datetime(job.rest_since)
        self._rest_posts: dict[str, rest.RestPost] = {}
        self._rest_pages_failed = 0
        self._names = load_names(job.rest_names)
        self._names_asked: dict[str, set[str]] = {kind: set() for kind in rest.TERM_KINDS}

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
        key = canonicalize(url)
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

    def _article(
        self,
        url: str,
        *,
        via: str,
        depth: int,
        lastmod: str | None = None,
        kind: str | None = None,
        hints: dict[str, str] | None = None,
        force: bool = False,
    ) -> Iterator[Request]:
        """Note a candidate article URL; request it when new, due, changed per discovery, or forced."""
        cleaned = self._allowed(url)
        if cleaned is None:
            self._inc("trawl/candidates/offsite")
            return
        key = canonicalize(cleaned)
        cand = self._cands.get(key)
        known = self._known.get(key)
        if cand is None:
            # one spelling per page: the frontier's, else the first one found (percent-encoding varies)
            cand = self._cands[key] = Candidate(url=str(known["url"]) if known else cleaned, discovered=not force)
            if not force:
                self._candidates += 1
                self._inc(f"trawl/candidates/{via.split(':', 1)[0]}")
        elif not force:
            cand.discovered = True
        cand.note(via, lastmod, kind)
        cand.hints.update({k: v for k, v in (hints or {}).items() if v and k not in cand.hints})
        meta = self._metas.get(key)
        if meta is not None:  # already requested: discovery merged in until the response comes
            if lastmod and not meta.get("trawl_lastmod"):
                meta["trawl_lastmod"] = lastmod
            return
        if cand.decision in (ARCHIVED, DUPLICATE, OVER_BUDGET):
            return
        if key in self._archived:
            cand.decision = ARCHIVED
            self._inc("trawl/candidates/archived_earlier")
            return
        if not force and not wanted(known, cand):
            if cand.decision != NOT_DUE:
                cand.decision = NOT_DUE
                self._inc("trawl/candidates/not_due")
            return
        if self._articles >= self.job.max_pages:
            cand.decision = OVER_BUDGET
            self._inc("trawl/candidates/over_budget")
            return
        prio = PRIO_FEED_ITEM if via.startswith(("feed:", "rest:")) else PRIO_ARTICLE
        req = self._request(
            cand.url,
            role="article",
            callback=self.parse_article,
            depth=depth,
            via=None,
            priority=prio,
            lastmod=cand.lastmod,
            headers=conditional_headers(known) or None,
            meta={"trawl_via": cand.via, "trawl_hints": cand.hints},
        )
        if req is None:  # the URL was already requested in another role (the home page, a listing)
            cand.decision = DUPLICATE
            return
        if cand.decision == NOT_DUE:
            self._inc("trawl/candidates/changed_per_discovery")
        cand.decision = REQUESTED
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
                slot.jitter = 0.0  # Scrapy's ±50% randomization would go below the Crawl-delay
        self.download_delay = max(getattr(self, "download_delay", 0.0), delay)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("trawl/robots_crawl_delay", delay)

    def _check_blocked(self) -> None:
        """Close the crawl once the backoff middleware saw too many 403s in a row."""
        stats = self.crawler.stats
        if stats is not None and stats.get_value(BLOCKED_STAT):
            raise CloseSpider("blocked")

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

    def _inventory_sitemaps(self) -> Iterator[Request]:
        """The site's sitemaps (from robots.txt, else probed): its complete inventory."""
        self._sitemaps_deferred = False
        robots_url = urljoin(self.job.home_url, "/robots.txt")
        for url in self._robots_sitemaps:
            yield from self._sitemap(url, via=f"robots:{robots_url}", depth=1)
        if not self.job.sitemaps and not self._robots_sitemaps and self._reachable:
            yield from self._sitemap(urljoin(self.job.home_url, SITEMAP_PROBES[0]), via="probe", depth=0, probe=0)

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

    def parse_article(self, response: Response) -> None:
        """Articles are archived by the recorder and parsed later, by the extractor."""
        self._check_blocked()

    # -- the WordPress REST API -------------------------------------------------------------------

    def _rest_start(self, root: str, via: str) -> Iterator[Request]:
        self._rest_root = root
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("trawl/rest_api", root)
        yield from self._rest_page(1, via=via)

    def _rest_page(self, page: int, via: str, listing: str = "posts") -> Iterator[Request]:
        assert self._rest_root is not None
        req = self._request(
            rest.posts_url(self._rest_root, page, self._rest_cursor, listing),
            role="api",
            callback=self.parse_api_posts,
            depth=0,
            via=via,
            priority=PRIO_DISCOVERY,
            meta={"trawl_api": listing, "trawl_page": page},
        )
        if req is not None:
            yield req

    def _rest_failed(self, what: str) -> Iterator[Request]:
        """The REST API did not answer as one: discover through feeds instead."""
        logger.info("REST API unusable (%s): using feeds", what)
        self._inc("trawl/rest_api_failed")
        if self._sitemaps_deferred:  # the sitemaps were left out for the API: read them after all
            yield from self._inventory_sitemaps()
        yield from self._discover_feeds()

    def _rest_page_failed(self) -> Iterator[Request]:
        """A later page of the listing failed: its changes may be missing, so the sitemaps are read."""
        self._rest_pages_failed += 1
        if self._sitemaps_deferred:
            yield from self._inventory_sitemaps()

    def parse_api_index(self, response: Response) -> Iterator[Request]:
        self._check_blocked()
        if response.status == 200 and rest.is_api_index(response.body):
            yield from self._rest_start(response.url, via=f"probe:{response.url}")
        else:
            if response.status == 200 or (400 <= response.status < 500 and response.status != 429):
                self._inc(ABSENT_STAT)  # a definite answer: the next runs skip the probe for a while
            yield from self._discover_feeds()

    def _rest_pages_listing_failed(self) -> None:
        """The listing of WordPress pages failed: the posts' still counts (the sitemaps list pages)."""
        self._inc("trawl/rest_api/pages_listing_failed")

    def parse_api_posts(self, response: Response) -> Iterator[Request]:
        self._check_blocked()
        page = int(response.meta.get("trawl_page") or 1)
        listing = str(response.meta.get("trawl_api") or "posts")
        posts = rest.parse_posts(response.body) if response.status == 200 else None
        if posts is None:
            if listing != "posts":
                self._rest_pages_listing_failed()
            elif page == 1:
                yield from self._rest_failed(f"HTTP {response.status} at {response.url}")
            else:
                yield from self._rest_page_failed()
            return
        via = f"rest:{response.url}"
        if page == 1:
            pages = rest.total_pages(_header(response, "X-WP-TotalPages"))
            budget_pages = -(-self.job.max_pages // rest.PER_PAGE) + 1
            for n in range(2, min(pages, budget_pages) + 1):
                yield from self._rest_page(n, via=via, listing=listing)
            if listing == "posts":  # the API works: list its WordPress pages too
                yield from self._rest_page(1, via=via, listing="pages")
        for post in posts:
            cleaned = self._allowed(post.link)
            if cleaned is None:
                continue
            self._rest_posts_by_key(cleaned, post)
            yield from self._article(post.link, via=via, depth=1, lastmod=post.modified, kind="rest")
        yield from self._rest_names(posts)

    def _rest_posts_by_key(self, url: str, post: rest.RestPost) -> None:
        self._rest_posts[canonicalize(url)] = post

    def _rest_names(self, posts: list[rest.RestPost]) -> Iterator[Request]:
        """Ask for the names of ids not named yet (cached across runs), 100 at a time."""
        assert self._rest_root is not None
        wanted_ids = {
            "users": {p.author for p in posts if p.author},
            "categories": {c for p in posts for c in p.categories},
            "tags": {t for p in posts for t in p.tags},
        }
        for kind, ids in wanted_ids.items():
            todo = sorted(i for i in ids if str(i) not in self._names[kind] and str(i) not in self._names_asked[kind])
            self._names_asked[kind].update(str(i) for i in todo)
            for start in range(0, len(todo), rest.PER_PAGE):
                req = self._request(
                    rest.terms_url(self._rest_root, kind, todo[start : start + rest.PER_PAGE]),
                    role="api",
                    callback=self.parse_api_terms,
                    depth=1,
                    via=f"rest:{kind}",
                    priority=PRIO_DISCOVERY,
                    meta={"trawl_api": kind},
                )
                if req is not None:
                    yield req

    def parse_api_terms(self, response: Response) -> None:
        self._check_blocked()
        kind = str(response.meta.get("trawl_api"))
        names = rest.parse_terms(response.body) if response.status == 200 else None
        if names is None:
            self._inc("trawl/rest_api/names_failed")
            return
        self._names.setdefault(kind, {}).update(names)

    # -- the frontier and the archive fallback ---------------------------------------------------

    @property
    def inventory_complete(self) -> bool:
        """Every sitemap asked for was read, and at least one listed URLs."""
        return self._urlsets > 0 and self._sitemap_failures == 0

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
            if request.meta.get("trawl_probe") is None:
                self._sitemap_failures += 1
            yield from self._next_probe(request)
        elif role == "api" and (
            request.meta.get("trawl_api") == "index"
            or (request.meta.get("trawl_api") == "posts" and request.meta.get("trawl_page") == 1)
        ):
            yield from self._rest_failed(error_text(failure.value) if failure.value else "error")
        elif role == "api" and request.meta.get("trawl_api") == "posts":
            yield from self._rest_page_failed()
        elif role == "api" and request.meta.get("trawl_api") == "pages":
            self._rest_pages_listing_failed()

    def _write_rest(self) -> None:
        """rest.jsonl: each post the REST API listed, ids named; rest_names.json: the names cache."""
        out = self.job.out_dir
        if self._rest_posts:
            lines = [
                json.dumps(rest.resolve(p, self._names), ensure_ascii=False)
                for _, p in sorted(self._rest_posts.items())
            ]
            _write_json_atomic(out / CrawlFolder.REST, "\n".join(lines) + "\n")
        if any(self._names.values()):
            _write_json_atomic(
                out / CrawlFolder.REST_NAMES, json.dumps(self._names, ensure_ascii=False, sort_keys=True)
            )

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


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
