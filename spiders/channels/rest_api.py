"""The WordPress REST API: posts and pages by modified date from the source's cursor, ids named."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders import rest
from spiders.core import ABSENT_STAT, PRIO_DISCOVERY, SpiderCore, load_names
from spiders.discovery import parse_datetime
from spiders.folder import CrawlFolder
from spiders.job import CrawlJob
from spiders.warc import error_text, response_header
from transforms.urls import canonicalize

logger = logging.getLogger(__name__)


class RestChannel(SpiderCore):
    """The WordPress REST API: posts and pages by modified date from the source's cursor, ids named."""

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(job, **kwargs)
        self._rest_root: str | None = None
        self._rest_cursor = parse_datetime(job.rest_since)
        self._rest_posts: dict[str, rest.RestPost] = {}
        self._rest_pages_failed = 0
        self._names = load_names(job.rest_names)
        self._names_asked: dict[str, set[str]] = {kind: set() for kind in rest.TERM_KINDS}

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
        yield from self._deferred_sitemaps()  # left out for the API: read them after all
        yield from self._discover_feeds()

    def _rest_page_failed(self) -> Iterator[Request]:
        """A later page of the listing failed: its changes may be missing, so the sitemaps are read."""
        self._rest_pages_failed += 1
        yield from self._deferred_sitemaps()

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
            pages = rest.total_pages(response_header(response, "X-WP-TotalPages"))
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

    def _api_failed(self, request: Request, failure: Failure) -> Iterator[Request]:
        """An API request that got no response: the index or the first page means no usable API."""
        api, page = request.meta.get("trawl_api"), request.meta.get("trawl_page")
        if api == "index" or (api == "posts" and page == 1):
            yield from self._rest_failed(error_text(failure.value) if failure.value else "error")
        elif api == "posts":
            yield from self._rest_page_failed()
        elif api == "pages":
            self._rest_pages_listing_failed()

    def _write_rest(self) -> None:
        """rest.jsonl: each post the REST API listed, ids named; rest_names.json: the names cache."""
        folder = CrawlFolder(self.job.out_dir)
        if self._rest_posts:
            lines = [
                json.dumps(rest.resolve(p, self._names), ensure_ascii=False)
                for _, p in sorted(self._rest_posts.items())
            ]
            folder.write_text(CrawlFolder.REST, "\n".join(lines) + "\n")
        if any(self._names.values()):
            folder.write_json(CrawlFolder.REST_NAMES, self._names, sort_keys=True)
