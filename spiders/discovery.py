"""Pure discovery helpers: URL cleaning, link classification, robots/sitemap/feed parsing."""

from __future__ import annotations

import calendar
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import feedparser  # type: ignore[import-untyped]
import lxml.etree
from parsel import Selector
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

# the one safe date parser (never raises; year-1 / year-9999 values with an offset are clamped),
# shared with extraction; discovery modules and the flows import it from here
from transforms.dates import FLOOR, implausible, shift
from transforms.dates import parse_datetime as parse_datetime
from transforms.urls import drop_tracking

LinkKind = Literal["article", "listing", "skip"]

FILE_EXTENSIONS = frozenset(
    {
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "svg",
        "ico",
        "bmp",
        "tif",
        "tiff",
        "avif",
        "heic",
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "rtf",
        "zip",
        "rar",
        "7z",
        "gz",
        "tgz",
        "bz2",
        "xz",
        "tar",
        "mp3",
        "mp4",
        "m4a",
        "ogg",
        "oga",
        "wav",
        "flac",
        "avi",
        "mov",
        "mkv",
        "webm",
        "flv",
        "wmv",
        "css",
        "js",
        "mjs",
        "json",
        "xml",
        "rss",
        "atom",
        "txt",
        "csv",
        "epub",
        "mobi",
        "exe",
        "dmg",
        "apk",
        "msi",
        "woff",
        "woff2",
        "ttf",
        "eot",
    }
)
SKIP_SEGMENTS = frozenset(
    {"feed", "rss", "atom", "trackback", "embed", "amp", "cdn-cgi", "xmlrpc.php", "search"}
    | {"login", "logout", "register", "cart", "checkout", "my-account", "wp-login.php"}
)
SKIP_QUERY_KEYS = frozenset(
    {"replytocom", "share", "s", "print", "amp", "preview", "action", "add-to-cart", "feed"}
    | {"attachment_id", "login", "redirect_to", "format", "output"}
)
TAXONOMY_SEGMENTS = frozenset({"tag", "tags", "author", "authors", "user", "users", "label"})
LISTING_SEGMENTS = frozenset(
    {"category", "categories", "topic", "topics", "section", "sections", "archive", "archives"}
    | {"rubric", "rubrics", "rubrika"}
)
PAGINATION_QUERY_KEYS = frozenset({"page", "paged", "pg", "start", "offset", "PAGEN_1", "PAGEN_2"})
_DATE_ARCHIVE = re.compile(r"^/\d{4}(?:/\d{1,2}(?:/\d{1,2})?)?/?$")
_PAGE_SUFFIX = re.compile(r"/page/\d+/?$")
_TAXONOMY_SITEMAP = re.compile(
    r"(?:^|[-_.])(?:taxonom(?:y|ies)|users?|authors?|categor(?:y|ies)|tags?|post_tag|"
    r"post_format|product_cat|product_tag|product_brand|topics?)(?:[-_.]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SitemapEntry:
    """One <url> or <sitemap> entry: location and lastmod as found (may be None); ``news``: a Google News entry."""

    loc: str
    lastmod: str | None
    news: bool = False


@dataclass(frozen=True)
class FeedEntry:
    """One feed item: its link, its updated (else published) time and its published time (ISO UTC)."""

    link: str
    updated: str | None
    published: str | None = None


def clean_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment and tracking params, host lower-cased."""
    url = url.strip()
    if base is not None:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", drop_tracking(parts.query), ""))


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    """True when the URL's host is one of the domains or a subdomain of one."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def _segments(path: str) -> list[str]:
    return [s for s in path.lower().split("/") if s]


def classify_link(url: str) -> LinkKind:
    """Guess what a same-site link is: a post ("article"), a listing to page through, or junk."""
    parts = urlsplit(url)
    segs = _segments(parts.path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if segs:
        last = segs[-1]
        if "." in last and last.rsplit(".", 1)[1] in FILE_EXTENSIONS:
            return "skip"
    if any(s.startswith("wp-") or s in SKIP_SEGMENTS for s in segs):
        return "skip"
    if any(k.lower() in SKIP_QUERY_KEYS for k in query):
        return "skip"
    if any(s in TAXONOMY_SEGMENTS for s in segs) or "author" in query or "tag" in query:
        return "skip"
    if any(re.fullmatch(r"comment-page-\d+", s) for s in segs):
        return "skip"
    if not segs and not query:
        return "listing"
    if _PAGE_SUFFIX.search(parts.path) or any(k in PAGINATION_QUERY_KEYS for k in query):
        return "listing"
    if _DATE_ARCHIVE.match(parts.path) or "cat" in query or "m" in query:
        return "listing"
    if segs and segs[0] in LISTING_SEGMENTS:
        return "listing"
    return "article"


def is_taxonomy_sitemap(url: str) -> bool:
    """True for child sitemaps of taxonomies/users/authors (WordPress core, Yoast, Rank Math...)."""
    path = urlsplit(url).path.rstrip("/")
    name = path.rsplit("/", 1)[-1].lower()
    if not name:
        return False
    stem = re.sub(r"\.xml(?:\.gz)?$", "", name)
    if stem.startswith("wp-sitemap-"):
        return stem.startswith(("wp-sitemap-taxonomies-", "wp-sitemap-users-"))
    return bool(_TAXONOMY_SITEMAP.search(stem))


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """Absolute URLs of the robots.txt `Sitemap:` lines."""
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def maybe_gunzip(body: bytes, max_size: int = 200 * 1024 * 1024) -> bytes:
    """Decompress a gzip body (sitemap.xml.gz served as a file); other bodies unchanged."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(body, max_size)
    except zlib.error:
        return b""


def parse_sitemap(body: bytes) -> tuple[str, list[SitemapEntry]]:
    """Parse a sitemap: ("sitemapindex"|"urlset", entries), or ("", []) if it is not one."""
    body = maybe_gunzip(body).lstrip()
    if not body.startswith(b"<"):
        return "", []
    try:
        sitemap = Sitemap(body)
        kind = sitemap.type
        if kind not in ("sitemapindex", "urlset"):
            return "", []
        entries = [
            SitemapEntry(loc=d["loc"].strip(), lastmod=(d.get("lastmod") or None), news="news" in d)
            for d in sitemap
            if d.get("loc")
        ]
    except (lxml.etree.LxmlError, StopIteration, ValueError):
        return "", []
    return kind, entries


def parse_lastmod(value: str | None, now: datetime | None = None) -> datetime | None:
    """A sitemap or feed date, None when unparsable or implausible (a year-1 placeholder, before
    the web, in the future): a bad ``lastmod`` is no date, and costs nothing else."""
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    limit = shift(now or datetime.now(UTC), timedelta(days=1))
    return None if implausible(parsed, FLOOR, limit) else parsed


def _feed_time(stamp: Any) -> str | None:
    """A feedparser time (UTC struct_time) as ISO UTC; None when absent or out of range (a
    year-1 placeholder with an offset falls in year 0): that item loses its date, not the feed."""
    if not stamp:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(stamp), UTC).isoformat()
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def parse_feed(body: bytes, url: str) -> list[FeedEntry] | None:
    """Item links of an RSS/Atom feed, or None when the body is not a feed."""
    if body.lstrip()[:1] != b"<":
        return None
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        return None
    entries: list[FeedEntry] = []
    for e in parsed.entries:
        link = e.get("link")
        if not link:
            alts = [lk.get("href") for lk in e.get("links", []) if lk.get("rel") == "alternate"]
            link = next((a for a in alts if a), None)
        if not link:
            continue
        # dict.get: feedparser's own get() maps a missing updated to published, with a warning
        issued = dict.get(e, "published_parsed")
        stamp = dict.get(e, "updated_parsed") or issued
        updated, published = _feed_time(stamp), _feed_time(issued)
        entries.append(FeedEntry(link=urljoin(url, link), updated=updated, published=published))
    return entries


def _selector(html: str) -> Selector | None:
    try:
        return Selector(text=html)
    except (ValueError, TypeError):
        return None


def html_feed_links(html: str, base_url: str) -> list[str]:
    """<link rel="alternate" type="application/rss+xml|atom+xml"> hrefs, comment feeds dropped."""
    sel = _selector(html)
    if sel is None:
        return []
    out: list[str] = []
    for link in sel.css("link[href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower()
        if "alternate" not in rel or kind not in ("application/rss+xml", "application/atom+xml"):
            continue
        href = urljoin(base_url, link.attrib["href"].strip())
        title = (link.attrib.get("title") or "").lower()
        if "/comments/feed" in href or "comment" in title or "коммент" in title:
            continue
        out.append(href)
    return out


def html_links(html: str, base_url: str) -> tuple[list[str], list[str]]:
    """(all <a href> links, rel=next links) of an HTML page, made absolute, in page order."""
    sel = _selector(html)
    if sel is None:
        return [], []
    base = sel.css("base::attr(href)").get()
    base_url = urljoin(base_url, base.strip()) if base else base_url
    links = [urljoin(base_url, h.strip()) for h in sel.css("a::attr(href)").getall()]
    nxt = sel.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    ).getall()
    return links, [urljoin(base_url, h.strip()) for h in nxt]
