"""``trawl doctor URL``: look at a site the way the crawler will, and propose its sources entry.

Reports robots.txt (whether the home page may be fetched, its Crawl-delay and sitemaps), the
WordPress REST API, sitemaps, feeds, extracts a few sample articles, and prints a sources
entry ready for ``sources.toml``. Uses httpx, one request at a time, with trawl's User-Agent.

Under the crawl's caps (``Fetcher``): every request, redirects included (followed one hop at a
time, at most ``MAX_REDIRECTS``), passes the crawl's scope and address checks
(``spiders.scope``); a body is read in chunks and dropped once it passes ``MAX_BYTES``
*decoded* (so a gzip bomb stops at the cap, not at its inflated size) or takes longer than
``PAGE_DEADLINE_S`` (a server that drips a byte a second never trips a read timeout).
Loopback and private addresses are allowed only when the site itself is on one (then the
proposed entry opts in with ``allow_private_addresses``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import etree
from lxml import html as lxml_html
from protego import Protego

from spiders import rest
from spiders.defaults import DEFAULT_USER_AGENT
from spiders.discovery import (
    clean_url,
    html_feed_links,
    is_taxonomy_sitemap,
    parse_datetime,
    parse_feed,
    parse_sitemap,
)
from spiders.scope import Address, address_refusal, allowed_ports, scope_refusal
from spiders.site import API_PROBE, FEED_PROBE, SITEMAP_PROBES
from transforms.extract import extract_article
from transforms.records import Article, Hints

SAMPLES = 3
MAX_SITEMAPS = 5
MAX_BYTES = 64 * 1024 * 1024  # the crawl's DOWNLOAD_MAXSIZE
MAX_REDIRECTS = 10  # the crawl's REDIRECT_MAX_TIMES
PAGE_DEADLINE_S = 120.0


@dataclass
class Diagnosis:
    """What the doctor found on a site."""

    url: str
    home_status: int | None = None
    name: str | None = None
    language: str | None = None
    robots_status: int | None = None
    home_allowed: bool = True
    crawl_delay: float | None = None
    robots_sitemaps: list[str] = field(default_factory=list)
    rest_root: str | None = None
    rest_total: int | None = None
    sitemaps: list[str] = field(default_factory=list)
    sitemap_urls: int = 0
    newest_lastmod: str | None = None
    feeds: list[str] = field(default_factory=list)
    feed_items: int = 0
    candidates: list[str] = field(default_factory=list)
    rest_posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    samples: list[tuple[str, Article | str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    private: bool = False  # the site is on a loopback/private address
    home_error: str | None = None  # why the home page gave no answer (connection refused, timeout...)


def _addresses(host: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [ipaddress.ip_address(str(i[4][0]).split("%", 1)[0]) for i in infos]


def on_private_address(url: str) -> bool:
    """True when the site's host resolves to loopback/private addresses only (a demo, an intranet)."""
    found = _addresses((urlsplit(url).hostname or "").lower())
    return bool(found) and all(
        address_refusal(a, False) is not None and address_refusal(a, True) is None for a in found
    )


class Fetcher:
    """GET under the crawl's caps: scope and address checks on every hop, bounded size, time and redirects."""

    def __init__(self, client: httpx.Client, d: Diagnosis) -> None:
        host = (urlsplit(d.url).hostname or "").lower()
        self.client, self.d = client, d
        self.domains = (host.removeprefix("www."),)
        self.ports = allowed_ports(d.url)

    def _refusal(self, url: str) -> str | None:
        out = scope_refusal(url, self.domains, self.ports)
        if out is not None:
            return str(out)
        host = (urlsplit(url).hostname or "").lower()
        why = [f"{a} is {r}" for a in _addresses(host) if (r := address_refusal(a, self.d.private))]
        return f"address refused: {'; '.join(why)}: {url}" if why else None

    def _note(self, text: str) -> None:
        if text not in self.d.notes:
            self.d.notes.append(text)

    def failed(self, url: str, error: httpx.HTTPError) -> None:
        """Keep why a request got no answer: the home page's reason is the report's first line."""
        reason = f"{type(error).__name__}: {error}".rstrip(": ")
        if url == self.d.url and self.d.home_error is None:
            self.d.home_error = reason
        self._note(f"no answer from {url}: {reason}")

    def get(self, url: str) -> httpx.Response | None:
        for _ in range(MAX_REDIRECTS + 1):
            refusal = self._refusal(url)
            if refusal is not None:
                self._note(f"refused {refusal}")
                return None
            resp = self._read(url)
            if resp is None or not resp.is_redirect or "location" not in resp.headers:
                return resp
            url = urljoin(str(resp.url), resp.headers["location"])
        self._note(f"more than {MAX_REDIRECTS} redirects: {url}")
        return None

    def _read(self, url: str) -> httpx.Response | None:
        deadline = time.monotonic() + PAGE_DEADLINE_S
        with self.client.stream("GET", url, follow_redirects=False) as resp:
            body, size = [], 0
            for chunk in resp.iter_bytes():  # decoded: the cap counts inflated bytes
                size += len(chunk)
                if size > MAX_BYTES:
                    self._note(f"body over {MAX_BYTES} bytes (decoded), dropped: {url}")
                    return None
                if time.monotonic() > deadline:
                    self._note(f"body took over {PAGE_DEADLINE_S:g} s, dropped: {url}")
                    return None
                body.append(chunk)
        headers = [
            (k, v) for k, v in resp.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")
        ]
        return httpx.Response(resp.status_code, headers=headers, content=b"".join(body), request=resp.request)


def source_key(url: str) -> str:
    """A sources-file key from a site's host: msk.kprf.ru -> msk_kprf_ru."""
    parts = urlsplit(url)
    host = (parts.hostname or "site").removeprefix("www.")
    key = re.sub(r"[^a-z0-9]+", "_", f"{host}_{parts.port}" if parts.port else host).strip("_")
    return (key if key[:1].isalpha() else f"site_{key}")[:64]


def _get(client: Fetcher, url: str) -> httpx.Response | None:
    try:
        return client.get(url)
    except httpx.HTTPError as error:
        client.failed(url, error)
        return None


def _robots(client: Fetcher, d: Diagnosis) -> None:
    resp = _get(client, urljoin(d.url, "/robots.txt"))
    d.robots_status = resp.status_code if resp is not None else None
    if resp is None or resp.status_code != 200:
        return
    parser = Protego.parse(resp.text)
    d.home_allowed = parser.can_fetch(d.url, DEFAULT_USER_AGENT)
    delay = parser.crawl_delay(DEFAULT_USER_AGENT)
    d.crawl_delay = float(delay) if delay else None
    d.robots_sitemaps = list(parser.sitemaps)


def _name_and_language(html: str) -> tuple[str | None, str | None]:
    """The site's name (``og:site_name``, else the page title) and the home page's language (``<html lang>``)."""
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, etree.ParserError):
        return None, None
    names = tree.xpath('//meta[@property="og:site_name"]/@content') or tree.xpath("//title/text()")
    name = str(names[0]).strip() or None if names else None
    lang = str(tree.get("lang") or "").split("-")[0].lower()
    return name, lang if 2 <= len(lang) <= 3 and lang.isalpha() else None


def _home(client: Fetcher, d: Diagnosis) -> str:
    resp = _get(client, d.url)
    d.home_status = resp.status_code if resp is not None else None
    if resp is None or resp.status_code != 200:
        return ""
    html = resp.text
    d.name, d.language = _name_and_language(html)
    d.rest_root = rest.root_from_html(html, str(resp.url)) or rest.root_from_link_header(
        resp.headers.get_list("link"), str(resp.url)
    )
    d.feeds = html_feed_links(html, str(resp.url))
    return html


def _rest(client: Fetcher, d: Diagnosis) -> None:
    if d.rest_root is None:
        probe = _get(client, urljoin(d.url, API_PROBE))
        if probe is None or probe.status_code != 200 or not rest.is_api_index(probe.content):
            d.notes.append(f"no WordPress REST API ({API_PROBE} answered {probe.status_code if probe else 'nothing'})")
            return
        d.rest_root = str(probe.url)
    resp = _get(client, rest.posts_url(d.rest_root, 1, None))
    posts = rest.parse_posts(resp.content) if resp is not None and resp.status_code == 200 else None
    if posts is None:
        d.notes.append(f"REST API advertised at {d.rest_root} but its posts did not answer as JSON")
        d.rest_root = None
        return
    d.rest_total = int(resp.headers.get("x-wp-total", len(posts))) if resp is not None else None
    names: dict[str, dict[str, str]] = {}
    for kind, ids in (
        ("users", [p.author for p in posts[:SAMPLES] if p.author]),
        ("categories", [c for p in posts[:SAMPLES] for c in p.categories]),
        ("tags", [t for p in posts[:SAMPLES] for t in p.tags]),
    ):
        answer = _get(client, rest.terms_url(d.rest_root, kind, sorted(set(ids)))) if ids else None
        names[kind] = (rest.parse_terms(answer.content) or {}) if answer is not None else {}
    for post in posts[:SAMPLES]:
        d.candidates.append(post.link)
        d.rest_posts[post.link] = rest.resolve(post, names)


def _sitemaps(client: Fetcher, d: Diagnosis) -> None:
    todo = list(d.robots_sitemaps)
    for probe in [] if todo else SITEMAP_PROBES:
        resp = _get(client, urljoin(d.url, probe))
        if resp is not None and resp.status_code == 200 and parse_sitemap(resp.content)[0]:
            todo = [str(resp.url)]
            break
    urls: list[tuple[str, str | None]] = []
    while todo and len(d.sitemaps) < MAX_SITEMAPS:
        resp = _get(client, todo.pop(0))
        kind, entries = parse_sitemap(resp.content) if resp is not None and resp.status_code == 200 else ("", [])
        if not kind or resp is None:
            continue
        d.sitemaps.append(str(resp.url))
        if kind == "sitemapindex":
            todo = [e.loc for e in entries if not is_taxonomy_sitemap(e.loc)] + todo
        else:
            urls += [(e.loc, e.lastmod) for e in entries]
    d.sitemap_urls = len(urls)
    dated = sorted(((stamp, u) for u, m in urls if (stamp := parse_datetime(m)) is not None), reverse=True)
    if dated:
        d.newest_lastmod = dated[0][0].isoformat()
    if len(d.candidates) < SAMPLES:
        ordered = [u for _, u in dated] + [u for u, m in urls if parse_datetime(m) is None]
        fresh = [u for u in ordered if u not in d.candidates and urlsplit(u).path not in ("", "/")]
        d.candidates += fresh[: SAMPLES - len(d.candidates)]


def _feeds(client: Fetcher, d: Diagnosis) -> None:
    feeds = d.feeds or [urljoin(d.url, FEED_PROBE)]
    d.feeds = []
    for url in feeds[:2]:
        resp = _get(client, url)
        if resp is None or resp.status_code != 200:
            continue
        entries = parse_feed(resp.content, str(resp.url))
        if entries is None:
            continue
        d.feeds.append(str(resp.url))
        d.feed_items += len(entries)
        if len(d.candidates) < SAMPLES:
            d.candidates += [e.link for e in entries if e.link not in d.candidates][: SAMPLES - len(d.candidates)]


def _samples(client: Fetcher, d: Diagnosis) -> None:
    for url in d.candidates[:SAMPLES]:
        resp = _get(client, url)
        if resp is None or resp.status_code != 200:
            d.samples.append((url, f"HTTP {resp.status_code if resp else 'error'}"))
            continue
        record = d.rest_posts.get(url) or {}
        dates = tuple(
            (f, f"rest-api:{k}", v)
            for f, k in (("published_at", "published"), ("modified_at", "modified"))
            if (v := parse_datetime(record.get(k))) is not None
        )
        hints = Hints(
            fetched_at=datetime.now(UTC),
            dates=dates,
            authors=tuple(record.get("authors") or ()),
            categories=tuple(record.get("categories") or ()),
            tags=tuple(record.get("tags") or ()),
            signal="rest-api" if record else "",
        )
        result = extract_article(resp.content, str(resp.url), resp.headers.get("content-type"), hints)
        d.samples.append((url, result if isinstance(result, Article) else f"no article: {result.reason}"))


def site_url(given: str) -> str:
    """The site's URL as typed, with ``http://`` when no scheme was given (``host``, ``host:port``)."""
    given = given.strip()
    return given if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", given) else f"http://{given}"


def diagnose(url: str, client: httpx.Client) -> Diagnosis:
    """Look at a site: robots.txt, home page, REST API, sitemaps, feeds, and a few sample articles."""
    url = site_url(url)
    d = Diagnosis(url=clean_url(url) or url)
    d.private = on_private_address(d.url)
    fetcher = Fetcher(client, d)
    _robots(fetcher, d)
    _home(fetcher, d)
    if not d.home_allowed:
        d.notes.append("robots.txt disallows the home page for trawl's User-Agent")
    _rest(fetcher, d)
    _sitemaps(fetcher, d)
    _feeds(fetcher, d)
    _samples(fetcher, d)
    return d
