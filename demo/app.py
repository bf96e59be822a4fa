"""Request routing for one demo site: WordPress URL structure, redirects, conditional GET, HEAD and gzip."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import re
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from types import ModuleType
from urllib.parse import parse_qs, quote, unquote, urlsplit

from demo import sitemaps, theme_kprf, theme_movimento
from demo.model import DemoArticle, DemoSite
from demo.rest import RestApi
from demo.templates import SiteView, renditions

THEMES: dict[str, ModuleType] = {"kprf_demo": theme_kprf, "movimento_demo": theme_movimento}
EPOCH = datetime(2021, 3, 1, tzinfo=UTC)


@dataclass
class Response:
    """A complete HTTP response (``body`` is what a GET would carry, before content coding)."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    modified: datetime | None = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def _tiny_jpeg() -> bytes:
    """A valid 1x1 grey baseline JPEG (one-symbol Huffman tables)."""
    dqt = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    sof = b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    dht_dc = b"\xff\xc4\x00\x14\x00" + b"\x01" + b"\x00" * 15 + b"\x00"
    dht_ac = b"\xff\xc4\x00\x14\x10" + b"\x01" + b"\x00" * 15 + b"\x00"
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    jfif = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + jfif + dqt + sof + dht_dc + dht_ac + sos + b"\x3f" + b"\xff\xd9"


def _tiny_png() -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


JPEG = _tiny_jpeg()
PNG = _tiny_png()
SIDEBAR_IMAGES = {
    "/wp-content/uploads/2023/03/parlamentares-mes-300x250.png",
    "/wp-content/uploads/2022/10/capa-24-212x300.jpg",
    "/wp-content/uploads/2021/03/logo-movimento.png",
}


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(UTC), usegmt=True)


def decode_path(target: str) -> tuple[str, dict[str, list[str]]]:
    """Request target -> (percent-decoded UTF-8 path, query). Accepts raw UTF-8 and any %-case."""
    parts = urlsplit(target)
    raw = parts.path or "/"
    with contextlib.suppress(UnicodeError):
        raw = raw.encode("latin-1").decode("utf-8")
    return unquote(raw, errors="replace"), parse_qs(parts.query)


def _accepts_gzip(value: str) -> bool:
    for item in value.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = re.search(r"q=([0-9.]+)", params)
            return not q or float(q.group(1)) > 0
    return False


class SiteApp:
    """Answers requests for one site at one base URL; pages are rendered once and cached."""

    def __init__(self, site: DemoSite, base: str, broken: bool = False) -> None:
        self.site = site
        self.view = SiteView(site, base.rstrip("/"), broken)
        self.theme = THEMES[site.key]
        self.core = site.key == "kprf_demo"  # WordPress core sitemaps vs Yoast
        self.articles = {unquote(a.path): a for a in site.articles}
        self.pages = {p.path: p for p in site.pages}
        self.by_id: dict[int, str] = {a.post_id: a.path for a in site.articles} | {
            p.post_id: p.path for p in site.pages
        }
        self.gone = {unquote(p) for p in site.gone}
        self.images = set(SIDEBAR_IMAGES)
        for art in site.articles:
            for block in art.blocks:
                if block.image is not None:
                    self.images.update(r.path for r in renditions(block))
        self._docs: dict[str, sitemaps.Document] | None = None
        self._cache: dict[tuple[str, str], Response] = {}
        self.rest = RestApi(self.view, lambda a: self.theme.feed_content(self.view, a))

    # ------------------------------------------------------------ public

    def handle(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        """Full response for ``method`` (GET/HEAD/other) of ``target``; HEAD keeps the GET headers, no body."""
        lower = {k.lower(): v for k, v in headers.items()}
        if method not in ("GET", "HEAD"):
            resp = Response(
                405, [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")], b"Method Not Allowed\n"
            )
        else:
            resp = self.route(target)
        if resp.status == 200 and self._not_modified(resp, lower):
            keep = ("ETag", "Last-Modified", "Vary", "Cache-Control")
            resp = Response(304, [(k, v) for k, v in resp.headers if k in keep])
        elif resp.body and _accepts_gzip(lower.get("accept-encoding", "")) and self._compressible(resp):
            body = gzip.compress(resp.body, mtime=0)
            resp = Response(resp.status, [*resp.headers, ("Content-Encoding", "gzip")], body, resp.modified)
        if resp.status != 304:
            resp.headers.append(("Content-Length", str(len(resp.body))))
        if method == "HEAD" or resp.status == 304:
            resp = Response(resp.status, resp.headers, b"", resp.modified)
        return resp

    def route(self, target: str) -> Response:
        path, query = decode_path(target)
        if path == "/wp-json" or path.startswith("/wp-json/") or (path == "/" and "rest_route" in query):
            route = query["rest_route"][0] if "rest_route" in query else path.removeprefix("/wp-json")
            status, headers, body = self.rest.handle(route, query)
            return Response(status, headers, body)
        key = (path, "&".join(f"{k}={v[0]}" for k, v in sorted(query.items()) if k in ("p", "page_id", "s")))
        if key not in self._cache:
            self._cache[key] = self._route(path, query)
        cached = self._cache[key]
        return Response(cached.status, list(cached.headers), cached.body, cached.modified)

    # ------------------------------------------------------------ routing

    def _route(self, path: str, query: dict[str, list[str]]) -> Response:
        v = self.view
        if path == "/robots.txt":
            return self._ok(sitemaps.robots(v, sitemap=self.core), "text/plain; charset=utf-8", v.newest)
        docs = self._sitemaps()
        if path in docs:
            return self._ok(docs[path].body, "application/xml; charset=UTF-8", docs[path].modified)
        if path == "/sitemap.xml" or (not self.core and path == "/wp-sitemap.xml"):
            return self._redirect("/wp-sitemap.xml" if self.core else "/sitemap_index.xml")
        if path == "/feed/":
            feed = sitemaps.rss(v, "ru-RU" if self.core else "pt-BR", lambda a: self.theme.feed_content(v, a))
            return self._ok(feed.body, "application/rss+xml; charset=UTF-8", feed.modified)
        if path.startswith("/wp-admin/"):
            if path == "/wp-admin/admin-ajax.php":
                return Response(400, [("Content-Type", "text/html; charset=UTF-8")], b"0")
            return self._forbidden()
        if path.startswith("/wp-content/uploads/"):
            if path in self.images:
                body = PNG if path.endswith(".png") else JPEG
                kind = "image/png" if path.endswith(".png") else "image/jpeg"
                return self._ok(body, kind, EPOCH)
            return self._not_found()
        if path == "/":
            if "p" in query or "page_id" in query:
                target = self.by_id.get(int(re.sub(r"\D", "", (query.get("p") or query["page_id"])[0]) or 0))
                return self._redirect(target) if target else self._not_found()
            if "s" in query:
                return self._search(query["s"][0], 1)
            return self._listing("home", "", "/", v.latest, 1)
        if m := re.fullmatch(r"/page/(\d+)/", path):
            if m[1] == "1" and "s" not in query:
                return self._redirect("/")
            if "s" in query:
                return self._search(query["s"][0], int(m[1]))
            return self._listing("home", "", "/", v.latest, int(m[1]))
        if m := re.fullmatch(r"/(category|tag|author)/([^/]+)/(?:page/(\d+)/)?", path):
            if m[3] == "1":
                return self._redirect(f"/{m[1]}/{m[2]}/")
            return self._archive(m[1], m[2], int(m[3] or 1))
        if path in self.articles:
            art = self.articles[path]
            return self._html(self.theme.article_page(v, art), art.last_modified, art.encoding, self._links(art))
        if path in self.pages:
            page = self.pages[path]
            return self._html(self.theme.static_page(v, page), page.modified)
        if path in self.gone:
            return self._error(410)
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            if path + "/" in self.articles:  # WordPress redirects to the canonical permalink
                return self._redirect(self.articles[path + "/"].path)
            if self._route(path + "/", query).status in (200, 301):
                return self._redirect(quote(path + "/", safe="/%-._~"))
        return self._not_found()

    def _sitemaps(self) -> dict[str, sitemaps.Document]:
        if self._docs is None:
            self._docs = sitemaps.core_sitemaps(self.view) if self.core else sitemaps.yoast_sitemaps(self.view)
        return self._docs

    def _archive(self, kind: str, slug: str, page: int) -> Response:
        v = self.view
        names = {"category": v.categories, "tag": v.tags, "author": v.authors}[kind]
        name = next((n for n, _ in names if v.slug(n) == slug), None)
        if name is None:
            return self._not_found()
        return self._listing(kind, name, f"/{kind}/{slug}/", v.archive(kind, name), page)

    def _search(self, term: str, page: int) -> Response:
        low = term.lower().strip()
        items = [a for a in self.view.latest if low and low in (a.title + " " + " ".join(a.paragraphs)).lower()]
        listing = self.view.listing("search", "", "/", items, page, query=term)
        if listing is None:
            listing = self.view.listing("search", "", "/", [], 1, query=term)
        assert listing is not None
        return self._html(self.theme.listing_page(self.view, listing), self.view.newest)

    def _listing(self, kind: str, name: str, base: str, items: list[DemoArticle], page: int) -> Response:
        listing = self.view.listing(kind, name, base, items, page)
        if listing is None:
            return self._not_found()
        return self._html(self.theme.listing_page(self.view, listing), self.view.newest)

    # ------------------------------------------------------------ responses

    def _links(self, art: DemoArticle) -> list[str]:
        if not self.site.rest_api:
            return [f"<{self.view.url(f'/?p={art.post_id}')}>; rel=shortlink"]
        return [
            f'<{self.view.url(f"/wp-json/wp/v2/posts/{art.post_id}")}>; rel="alternate"; type="application/json"',
            f"<{self.view.url(f'/?p={art.post_id}')}>; rel=shortlink",
        ]

    def _ok(self, body: str | bytes, content_type: str, modified: datetime, charset: str = "utf-8") -> Response:
        data = body if isinstance(body, bytes) else body.encode(charset, errors="xmlcharrefreplace")
        etag = '"' + hashlib.sha1(data).hexdigest()[:24] + '"'
        headers = [
            ("Content-Type", content_type),
            ("Last-Modified", http_date(modified)),
            ("ETag", etag),
            ("Vary", "Accept-Encoding"),
        ]
        return Response(200, headers, data, modified)

    def _html(
        self, markup: str, modified: datetime, charset: str = "utf-8", links: list[str] | None = None
    ) -> Response:
        ctype = "text/html; charset=UTF-8" if charset == "utf-8" else f"text/html; charset={charset}"
        resp = self._ok(markup, ctype, modified, charset)
        api = [f'<{self.view.url("/wp-json/")}>; rel="https://api.w.org/"'] if self.site.rest_api else []
        if api or links:
            resp.headers.append(("Link", ", ".join([*api, *(links or [])])))
        resp.headers.append(("X-Powered-By", "PHP/8.1.27"))
        return resp

    def _redirect(self, path: str) -> Response:
        return Response(
            301,
            [
                ("Location", self.view.url(path)),
                ("X-Redirect-By", "WordPress"),
                ("Content-Type", "text/html; charset=UTF-8"),
            ],
        )

    def _error(self, status: int) -> Response:
        body = self.theme.error_page(self.view, status).encode("utf-8")
        headers = [
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Cache-Control", "no-cache, must-revalidate, max-age=0"),
            ("X-Powered-By", "PHP/8.1.27"),
        ]
        return Response(status, headers, body)

    def _not_found(self) -> Response:
        return self._error(404)

    def _forbidden(self) -> Response:
        body = b"<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        return Response(403, [("Content-Type", "text/html")], body)

    # ------------------------------------------------------------ conditional requests and coding

    @staticmethod
    def _not_modified(resp: Response, headers: Mapping[str, str]) -> bool:
        etag = resp.header("ETag")
        if "if-none-match" in headers:
            tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
            return "*" in tags or etag in tags
        if "if-modified-since" in headers and resp.modified is not None:
            try:
                since = parsedate_to_datetime(headers["if-modified-since"])
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return since >= resp.modified.replace(microsecond=0)
        return False

    @staticmethod
    def _compressible(resp: Response) -> bool:
        ctype = resp.header("Content-Type") or ""
        return len(resp.body) > 200 and ctype.startswith(
            ("text/", "application/xml", "application/rss+xml", "application/json")
        )
