"""``trawl doctor URL``: look at a site the way the crawler will, and propose its sources entry.

Reports robots.txt (whether the home page may be fetched, its Crawl-delay and sitemaps), the
WordPress REST API, sitemaps, feeds, extracts a few sample articles, and prints a sources
entry ready for ``sources.toml``. Uses httpx, one request at a time, with trawl's User-Agent.

The requests go through ``flows.fetcher.Fetcher``, under the crawl's caps (scope, addresses,
size, time, redirects).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import trafilatura
from protego import Protego

from flows.fetcher import Fetcher, on_private_address
from spiders import rest
from spiders.defaults import DEFAULT_USER_AGENT
from spiders.discovery import (
    clean_url,
    html_feed_links,
    is_taxonomy_sitemap,
    parse_datetime,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from spiders.site import API_PROBE, FEED_PROBE, SITEMAP_PROBES
from transforms.extract import extract_article
from transforms.metadata import find_metadata
from transforms.records import Article, Hints

SAMPLES = 3
MAX_SITEMAPS = 5


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
    d.robots_sitemaps = robots_sitemaps(resp.content, str(resp.url))


def _home(client: Fetcher, d: Diagnosis) -> str:
    resp = _get(client, d.url)
    d.home_status = resp.status_code if resp is not None else None
    if resp is None or resp.status_code != 200:
        return ""
    html = resp.text
    tree = trafilatura.load_html(html)  # as the extractor parses a page (transforms.extract)
    found = find_metadata(tree, str(resp.url)) if tree is not None else None
    d.name = (found.meta.site_name or found.meta.title or None) if found else None
    d.language = found.meta.page_language if found else None
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


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sources_entry(d: Diagnosis, key: str | None = None) -> str:
    """A ``[sources.<key>]`` table for this site, with what the doctor found as comments."""
    key = key or source_key(d.url)
    lines = [
        f"# trawl doctor {d.url}: REST API {'yes' if d.rest_root else 'no'}, "
        f"{len(d.sitemaps)} sitemap(s) with {d.sitemap_urls} URLs, {len(d.feeds)} feed(s)",
        f"[sources.{key}]",
        f"url = {_toml(d.url)}",
    ]
    if d.name:
        lines.append(f"name = {_toml(d.name)}")
    if d.language:
        lines.append(f"language = {_toml(d.language)}")
    crawl = []
    if d.crawl_delay and d.crawl_delay > 1.0:
        crawl.append(f"download_delay = {d.crawl_delay:g}")  # robots.txt Crawl-delay
    if d.private:
        crawl.append("allow_private_addresses = true")
    if crawl:
        why = ["robots.txt Crawl-delay"] if d.crawl_delay and d.crawl_delay > 1.0 else []
        why += ["the site is on a loopback/private address"] if d.private else []
        lines.append(f"crawl = {{ {', '.join(crawl)} }}  # {'; '.join(why)}")
    return "\n".join(lines) + "\n"


def report_lines(d: Diagnosis) -> list[str]:
    """The findings, one line each, for the terminal."""
    if d.home_status is None:
        out = [f"home page: no answer: {d.home_error or 'refused (see the notes)'}"]
    else:
        out = [f"home page: HTTP {d.home_status}" + (f" — {d.name}" if d.name else "")]
    robots = f"robots.txt: HTTP {d.robots_status}" if d.robots_status is not None else "robots.txt: no answer"
    if d.robots_status == 200:
        robots += f"; home page {'allowed' if d.home_allowed else 'DISALLOWED'}"
        robots += f"; Crawl-delay {d.crawl_delay:g} s" if d.crawl_delay else "; no Crawl-delay"
        robots += f"; {len(d.robots_sitemaps)} sitemap(s) listed"
    out.append(robots)
    out.append(
        f"REST API: {d.rest_root} ({d.rest_total} posts)" if d.rest_root else "REST API: none (sitemaps and feeds)"
    )
    out.append(
        f"sitemaps: {', '.join(d.sitemaps[:3])}{' ...' if len(d.sitemaps) > 3 else ''} — {d.sitemap_urls} URLs"
        + (f", newest lastmod {d.newest_lastmod}" if d.newest_lastmod else "")
        if d.sitemaps
        else "sitemaps: none found"
    )
    out.append(f"feeds: {', '.join(d.feeds)} — {d.feed_items} items" if d.feeds else "feeds: none found")
    out += [f"note: {n}" for n in d.notes]
    for url, result in d.samples:
        if isinstance(result, Article):
            prov = result.provenance
            out.append(
                f"sample: {result.title!r} — published {result.published_at} ({prov.get('published_at', '-')}), "
                f"modified {result.modified_at} ({prov.get('modified_at', '-')}), authors {', '.join(result.authors) or '-'}, "
                f"{result.language or '?'}, {len(result.text.split())} words — {url}"
            )
        else:
            out.append(f"sample: {url}: {result}")
    return out


def diagnosis_json(d: Diagnosis, entry: str) -> dict[str, Any]:
    """The findings as JSON-ready data: every field, each sample article's main fields, the entry."""
    data = {k: v for k, v in asdict(d).items() if k != "samples"}
    data["samples"] = [
        {
            "url": url,
            "title": r.title,
            "published_at": r.published_at,
            "modified_at": r.modified_at,
            "authors": list(r.authors),
            "language": r.language,
            "words": len(r.text.split()),
            "provenance": r.provenance,
        }
        if isinstance(r, Article)
        else {"url": url, "error": r}
        for url, r in d.samples
    ]
    data["sources_entry"] = entry
    return data
