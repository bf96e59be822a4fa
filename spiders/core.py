"""The spider's shared core: request bookkeeping and the decision per candidate article URL."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders import rest
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
)
from spiders.discovery import clean_url, in_domains
from spiders.folder import CrawlFolder
from spiders.job import CrawlJob
from spiders.politeness import BLOCKED_STAT
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
        for row in CrawlFolder(out_dir).manifest_rows()
        if row.get("run_id") == run_id and row.get("role") == "article" and row.get("status") is not None
    }


class SpiderCore(Spider):
    """What every discovery channel shares: the job, the frontier snapshot, the candidates, and how a
    request is made (one per canonical URL) and an article URL decided."""

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.allowed_domains = list(job.domains)
        self._known = load_known(job.known)
        self._archived = archived_earlier(job.out_dir, job.run_id)
        self._via: dict[str, list[str]] = {}  # canonical URL -> discovered_via (shared with request meta)
        self._metas: dict[str, dict[str, Any]] = {}  # canonical article URL -> its request meta
        self._cands: dict[str, Candidate] = {}  # canonical article URL -> candidate
        self._reachable = False
        self._frontier_done = False  # the frontier's own requests were made (``TrawlSpider.spider_idle``)
        self._articles = 0
        self._candidates = 0

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

    def _check_blocked(self) -> None:
        """Close the crawl once the backoff middleware saw too many 403s in a row."""
        stats = self.crawler.stats
        if stats is not None and stats.get_value(BLOCKED_STAT):
            raise CloseSpider("blocked")

    def parse_article(self, response: Response) -> None:
        """Articles are archived by the recorder and parsed later, by the extractor."""
        self._check_blocked()

    # what one channel asks of another (the spider, made of every channel, answers)

    def _inventory_sitemaps(self) -> Iterator[Request]:
        """The site's sitemaps (``channels.sitemaps``)."""
        raise NotImplementedError

    def _deferred_sitemaps(self) -> Iterator[Request]:
        """The sitemaps left out for the REST API, read after all when it fails (``channels.sitemaps``)."""
        raise NotImplementedError

    def _discover_feeds(self) -> Iterator[Request]:
        """The site's feeds (``channels.feeds``)."""
        raise NotImplementedError

    def on_error(self, failure: Failure) -> Iterator[Request]:
        """A request that got no response (the spider routes it by role)."""
        raise NotImplementedError
