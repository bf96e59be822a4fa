"""A hostile news site on loopback: good articles, and beside them, at URLs of the same site,
every fault the web serves (see ``FAULTS``). Also a calendar-trap site and two hosts that are
out of scope (another port, another loopback address), which count every request they get.

Used by the fault suite (tests/faults) and by bench/faults.py. Big bodies are streamed, never
held: the 200 MB page is written in 1 MB chunks, the gzip bomb (~1 GB inflated) is compressed
once, chunk by chunk, into ~1 MB.
"""

from __future__ import annotations

import gzip
import json
import random
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = [
    "council",
    "city",
    "mayor",
    "budget",
    "school",
    "river",
    "bridge",
    "market",
    "workers",
    "union",
    "strike",
    "hospital",
    "doctors",
    "teachers",
    "parents",
    "children",
    "street",
    "district",
    "harbour",
    "railway",
    "station",
    "housing",
    "rent",
    "tenants",
    "owners",
    "court",
    "judge",
    "ruling",
    "appeal",
    "minister",
    "election",
    "vote",
    "ballot",
    "campaign",
    "candidate",
    "party",
    "members",
    "committee",
    "report",
    "inquiry",
    "police",
    "officers",
    "witness",
    "evening",
    "morning",
    "weekend",
    "summer",
    "winter",
    "museum",
    "library",
    "theatre",
    "festival",
    "music",
    "orchestra",
    "painting",
    "exhibition",
    "factory",
    "energy",
    "prices",
    "heating",
    "water",
    "supply",
    "drought",
    "farmers",
    "harvest",
    "wheat",
    "bread",
    "bakery",
    "shop",
    "owner",
    "customers",
    "traffic",
    "cyclists",
    "buses",
    "tram",
    "line",
    "extension",
    "plan",
    "residents",
    "meeting",
    "protest",
    "square",
    "statue",
    "history",
    "archive",
    "letter",
    "newspaper",
    "editor",
    "reporter",
    "interview",
    "decision",
    "review",
    "contract",
    "company",
    "investors",
    "profit",
    "loss",
]
RUSSIAN = (
    "Депутаты городского совета обсудили бюджет района и строительство новой школы. "
    "Жители микрорайона пришли на собрание, чтобы задать вопросы о ремонте дорог и отоплении. "
    "Председатель комиссии пообещал опубликовать отчёт о расходах до конца месяца."
)
RUSSIAN_MARK = "Депутаты городского совета"
GOOD_COUNT = 8
TRAP_ARTICLES = 3


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(9, 16))]
    return " ".join(words).capitalize() + "."


def paragraphs(seed: str, count: int = 5) -> list[str]:
    """Distinct, sentence-shaped text for one article (seeded: the same every run)."""
    rng = random.Random(seed)
    return [" ".join(_sentence(rng) for _ in range(rng.randint(4, 6))) for _ in range(count)]


def article_html(
    title: str,
    paras: list[str],
    published: str,
    *,
    charset_meta: str | None = "utf-8",
    extra_head: str = "",
    modified: str | None = None,
) -> str:
    """A WordPress-like article page: navigation, JSON-LD, <time>, body, footer."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title, "datePublished": published}
    if modified:
        ld["dateModified"] = modified
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title} | Fault Gazette</title>"
        f'<meta property="article:published_time" content="{published}">'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>{extra_head}</head>'
        '<body><header><nav><a href="/">Home</a> <a href="/news/">News</a></nav></header>'
        f'<main><article><h1>{title}</h1><time datetime="{published}">{published[:10]}</time>'
        f"{body}</article></main><footer><p>Fault Gazette, all rights reserved.</p></footer></body></html>"
    )


@dataclass(frozen=True)
class Fault:
    """One hostile URL: its path on the site and what it does."""

    name: str
    path: str
    what: str


FAULTS = [
    Fault("http-500", "/news/err-500/", "500, no Retry-After"),
    Fault("http-500-retry-after", "/news/err-500-ra/", "500, Retry-After: 1"),
    Fault("http-502", "/news/err-502/", "502, no Retry-After"),
    Fault("http-502-retry-after", "/news/err-502-ra/", "502, Retry-After: 1"),
    Fault("http-503", "/news/err-503/", "503, no Retry-After"),
    Fault("http-503-retry-after", "/news/err-503-ra/", "503, Retry-After: 1"),
    Fault("http-429-short", "/news/busy-short/", "429 + Retry-After: 1 once, then the article"),
    Fault("http-429-day", "/news/busy-day/", "429 + Retry-After: 86400, always (on the busy site)"),
    Fault("reset-mid-body", "/news/reset/", "connection reset after 1 kB of a 20 kB body"),
    Fault("slow-drip", "/news/drip/", "200, then 1 byte/s"),
    Fault("no-answer", "/news/silent/", "accepts, reads the request, never answers"),
    Fault("truncated-gzip", "/news/truncated-gzip/", "gzip body cut in half"),
    Fault("gzip-bomb", "/news/gzip-bomb/", "1 MB of gzip inflating to ~1 GB"),
    Fault("huge-page", "/news/huge/", "a 200 MB HTML page, streamed"),
    Fault("wrong-charset", "/news/wrong-charset/", "windows-1251 text declared as koi8-r"),
    Fault("cp1251-undeclared", "/news/cp1251/", "windows-1251 text, no declaration"),
    Fault("redirect-loop", "/news/loop-a/", "302 a -> b -> a ..."),
    Fault("redirect-offsite", "/news/to-offsite/", "302 to another loopback port"),
    Fault("redirect-file", "/news/to-file/", "302 to file:///etc/passwd"),
    Fault("redirect-metadata", "/news/to-metadata/", "302 to 169.254.169.254"),
    Fault("redirect-private", "/news/to-private/", "302 to 127.0.0.2 (same port)"),
    Fault("pdf", "/news/report-pdf/", "a PDF at an article URL"),
    Fault("image", "/news/photo/", "a PNG at an article URL"),
    Fault("json", "/news/data/", "JSON at an article URL"),
    Fault("malformed-html", "/news/malformed/", "unclosed and misnested tags"),
    Fault("truncated-html", "/news/truncated-html/", "HTML cut mid-paragraph"),
    Fault("deep-nesting", "/news/deep/", "100 000 nested <div>"),
    Fault("many-links", "/news/links/", "50 000 links on one page"),
    Fault("xml-bomb-sitemap", "/sitemap-bomb.xml", "billion laughs sitemap"),
    Fault("xxe-sitemap", "/sitemap-xxe.xml", "sitemap with external entities (file, off-site URL)"),
    Fault("malformed-feed", "/feed/", "a feed that is not XML"),
    Fault("robots-disallowed", "/news/private-1/", "an article robots.txt disallows"),
    Fault("calendar-trap", "/page/1/", "/page/N/ links to /page/N+1/ for ever (trap site)"),
    Fault("soft-404", "/news/gone/", "200 with a 'page not found' body"),
    Fault("meta-refresh-loop", "/news/refresh-a/", "<meta http-equiv=refresh> a -> b -> a"),
    Fault("absurd-dates", "/news/absurd-dates/", "JSON-LD year 1, modified year 9999, lastmod year 1"),
]
# faults served by a site of their own: a day-long Retry-After ends its host's crawl for the night
# (by design: the host's other pages stay due for the next run), so it gets a host to itself
OWN_SITE = {"http-429-day"}
# faults whose page is a real article that must land with its text
MUST_LAND = {"http-429-short", "wrong-charset", "cp1251-undeclared", "absurd-dates"}


def _gzip_bomb() -> bytes:
    """~1 GB of spaces in an HTML page, gzip-compressed chunk by chunk (never held inflated)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b"<html><body><p>")]
    chunk = b" " * (1 << 20)
    parts += [packer.compress(chunk) for _ in range(1024)]
    parts.append(packer.flush())
    return b"".join(parts)


_BOMB: list[bytes] = []
_BOMB_LOCK = threading.Lock()


def gzip_bomb() -> bytes:
    with _BOMB_LOCK:
        if not _BOMB:
            _BOMB.append(_gzip_bomb())
        return _BOMB[0]


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>'
)


class Hits:
    """Requests seen by a server: path counts, in a thread-safe way."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.paths: Counter[str] = Counter()

    def add(self, path: str) -> None:
        with self._lock:
            self.paths[path] += 1

    def total(self) -> int:
        with self._lock:
            return sum(self.paths.values())

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(n for p, n in self.paths.items() if p.startswith(prefix))


@dataclass
class Served:
    """What a route answers: status, headers, and the body as bytes or as a writer of the socket."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    stream: Callable[[BaseHTTPRequestHandler], None] | None = None


class FaultSite:
    """The fault site's routes, built from its base URL and the out-of-scope servers' addresses."""

    def __init__(self, base: str, offsite: str, private: str, now: datetime) -> None:
        self.base, self.offsite, self.private, self.now = base, offsite, private, now
        self.good = {f"/news/2026/good-{i}/": self._date(i) for i in range(1, GOOD_COUNT + 1)}
        self.stop = threading.Event()
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _date(self, days: int) -> str:
        return (self.now - timedelta(days=days, hours=3)).replace(microsecond=0).isoformat()

    def article_paths(self) -> list[str]:
        """Every URL the sitemap lists (good and faulty), as paths."""
        faults = [f.path for f in FAULTS if f.path.startswith("/news/") and f.name not in OWN_SITE]
        return sorted(self.good) + faults + ["/news/private-2/"]

    def good_paths(self) -> list[str]:
        """Pages that must become articles: the good ones and the faults that are articles."""
        return sorted(self.good) + [f.path for f in FAULTS if f.name in MUST_LAND]

    def _once(self, path: str) -> int:
        with self._lock:
            self._seen[path] += 1
            return self._seen[path]

    def html(self, text: str, status: int = 200, charset: str = "utf-8") -> Served:
        return Served(status, {"Content-Type": f"text/html; charset={charset}"}, text.encode(charset))

    def answer(self, path: str) -> Served:
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return Served(
                200,
                {"Content-Type": "text/plain"},
                (
                    "User-agent: *\nDisallow: /news/private-\n\n"
                    f"Sitemap: {self.base}/sitemap.xml\nSitemap: {self.base}/sitemap-bomb.xml\n"
                    f"Sitemap: {self.base}/sitemap-xxe.xml\n"
                ).encode(),
            )
        if path == "/sitemap.xml":
            rows = []
            for p in self.article_paths():
                lastmod = self.good.get(p)
                if p == "/news/absurd-dates/":
                    lastmod = "0001-01-01T00:00:00+01:00"
                rows.append(
                    f"<url><loc>{self.base}{p}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
                )
            xml = '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            return Served(200, {"Content-Type": "application/xml"}, (xml + "".join(rows) + "</urlset>").encode())
        if path == "/sitemap-bomb.xml":
            return Served(200, {"Content-Type": "application/xml"}, BILLION_LAUGHS.encode())
        if path == "/sitemap-xxe.xml":
            xml = (
                '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY file SYSTEM "file:///etc/passwd">'
                f'<!ENTITY remote SYSTEM "{self.offsite}/xxe">]>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{self.base}/news/xxe-&file;</loc></url><url><loc>&remote;</loc></url></urlset>"
            )
            return Served(200, {"Content-Type": "application/xml"}, xml.encode())
        if path == "/feed/":
            return Served(200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>broken & <link>")
        if path == "/":
            return self.html(
                '<html><head><title>Fault Gazette</title><link rel="alternate" type="application/rss+xml" '
                'href="/feed/"></head><body><a href="/news/2026/good-1/">latest</a></body></html>'
            )
        if path in self.good:
            i = int(path.rstrip("/").rsplit("-", 1)[1])
            return self.html(article_html(f"Good article number {i}", paragraphs(path), self.good[path]))
        return self._fault(path)

    def _fault(self, path: str) -> Served:
        fixed = {
            "/news/err-500/": (500, {}),
            "/news/err-500-ra/": (500, {"Retry-After": "1"}),
            "/news/err-502/": (502, {}),
            "/news/err-502-ra/": (502, {"Retry-After": "1"}),
            "/news/err-503/": (503, {}),
            "/news/err-503-ra/": (503, {"Retry-After": "1"}),
            "/news/busy-day/": (429, {"Retry-After": "86400"}),
        }
        if path in fixed:
            status, headers = fixed[path]
            return Served(status, {"Content-Type": "text/html", **headers}, b"<html><body>try later</body></html>")
        published = self._date(2)
        if path == "/news/busy-short/":
            if self._once(path) == 1:
                return Served(429, {"Retry-After": "1", "Content-Type": "text/html"}, b"busy")
            return self.html(article_html("Busy then fine", paragraphs(path), published))
        if path == "/news/reset/":
            return Served(200, {"Content-Type": "text/html", "Content-Length": "20000"}, stream=_reset)
        if path == "/news/drip/":
            return Served(200, {"Content-Type": "text/html", "Content-Length": "4000"}, stream=self._drip)
        if path == "/news/silent/":
            return Served(0, stream=self._silent)
        if path == "/news/truncated-gzip/":
            full = gzip.compress(article_html("Truncated gzip", paragraphs(path), published).encode())
            return Served(
                200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, full[: len(full) // 2]
            )
        if path == "/news/gzip-bomb/":
            return Served(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, gzip_bomb())
        if path == "/news/huge/":
            return Served(200, {"Content-Type": "text/html", "Content-Length": str(200 << 20)}, stream=self._huge)
        if path in ("/news/wrong-charset/", "/news/cp1251/"):
            text = article_html("Новости района", [RUSSIAN, *paragraphs(path, 3)], published, charset_meta=None).encode(
                "cp1251"
            )
            declared = "text/html; charset=koi8-r" if path == "/news/wrong-charset/" else "text/html"
            return Served(200, {"Content-Type": declared}, text)
        if path in ("/news/loop-a/", "/news/loop-b/"):
            other = "/news/loop-b/" if path.endswith("a/") else "/news/loop-a/"
            return Served(302, {"Location": f"{self.base}{other}"})
        redirects = {
            "/news/to-offsite/": f"{self.offsite}/stolen/",
            "/news/to-file/": "file:///etc/passwd",
            "/news/to-metadata/": "http://169.254.169.254/latest/meta-data/",
            "/news/to-private/": f"{self.private}/news/2026/good-1/",
        }
        if path in redirects:
            return Served(302, {"Location": redirects[path]})
        if path == "/news/report-pdf/":
            return Served(
                200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"
            )
        if path == "/news/photo/":
            png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\0" * 17
            return Served(200, {"Content-Type": "image/png"}, png)
        if path == "/news/data/":
            return Served(200, {"Content-Type": "application/json"}, json.dumps({"posts": [1, 2, 3]}).encode())
        if path == "/news/malformed/":
            paras = paragraphs(path)
            broken = "".join(f"<p><b>{p}<i></p></b><div>" for p in paras)
            return self.html(f"<html><head><title>Malformed<body><article><h1>Malformed</h2>{broken}<table><tr><td>")
        if path == "/news/truncated-html/":
            page = article_html("Truncated HTML", paragraphs(path), published)
            return self.html(page[: len(page) * 2 // 3])
        if path == "/news/deep/":
            return self.html("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>")
        if path == "/news/links/":
            links = "".join(f'<a href="/news/link-{i}/">link {i}</a> ' for i in range(50_000))
            return self.html(f"<html><body><p>{links}</p></body></html>")
        if path == "/news/gone/":
            return self.html(
                "<html><head><title>Page not found</title></head><body><h1>Not found</h1>"
                "<p>Sorry, the page you are looking for does not exist.</p></body></html>"
            )
        if path in ("/news/refresh-a/", "/news/refresh-b/"):
            other = "/news/refresh-b/" if path.endswith("a/") else "/news/refresh-a/"
            return self.html(
                f'<html><head><meta http-equiv="refresh" content="0; url={other}"></head><body>wait</body></html>'
            )
        if path == "/news/absurd-dates/":
            return self.html(
                article_html("Absurd dates", paragraphs(path), "0001-01-01T00:00:00Z", modified="9999-12-31T23:59:59Z")
            )
        return self.html("<html><body>no such page</body></html>", status=404)

    # -- socket-level faults --------------------------------------------------------------------------

    def _drip(self, handler: BaseHTTPRequestHandler) -> None:
        for _ in range(4000):
            if self.stop.wait(1.0):
                return
            handler.wfile.write(b"<")
            handler.wfile.flush()

    def _silent(self, handler: BaseHTTPRequestHandler) -> None:
        self.stop.wait(120)

    def _huge(self, handler: BaseHTTPRequestHandler) -> None:
        chunk = (("<p>" + " ".join(WORDS) + "</p>\n") * 2000).encode()[: 1 << 20]
        for _ in range(200):
            if self.stop.is_set():
                return
            handler.wfile.write(chunk)


def _reset(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"<html><body><p>" + b"x" * 1000)
    handler.wfile.flush()
    # SO_LINGER 0: close sends a TCP RST instead of a FIN
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


class TrapSite:
    """A site with no sitemap and no feed whose listings page on for ever: /page/N/ -> /page/N+1/."""

    def __init__(self, base: str, now: datetime) -> None:
        self.base, self.now = base, now

    def good_paths(self) -> list[str]:
        return [f"/archive-story-{i}/" for i in range(1, TRAP_ARTICLES + 1)]

    def answer(self, path: str) -> Served:
        path = path.split("?", 1)[0]
        links = "".join(f'<a href="{p}">story</a> ' for p in self.good_paths())
        if path == "/robots.txt":
            return Served(200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        if path == "/":
            return Served(
                200,
                {"Content-Type": "text/html"},
                f'<html><body>{links}<a rel="next" href="/page/1/">older</a></body></html>'.encode(),
            )
        if path.startswith("/page/"):
            n = int(path.strip("/").split("/")[1] or 0)
            page = f'<html><body><a href="/page/{n + 1}/" rel="next">older</a> {links}</body></html>'
            return Served(200, {"Content-Type": "text/html"}, page.encode())
        if path in self.good_paths():
            published = (self.now - timedelta(days=4)).replace(microsecond=0).isoformat()
            html = article_html(f"Archive story {path}", paragraphs("trap" + path), published)
            return Served(200, {"Content-Type": "text/html; charset=utf-8"}, html.encode())
        return Served(404, {"Content-Type": "text/html"}, b"<html><body>not here</body></html>")


class BusySite:
    """A site one of whose pages asks to come back in a day, beside one good article."""

    def __init__(self, base: str, now: datetime) -> None:
        self.base, self.now = base, now

    def answer(self, path: str) -> Served:
        path = path.split("?", 1)[0]
        if path == "/robots.txt":
            return Served(
                200, {"Content-Type": "text/plain"}, f"User-agent: *\nSitemap: {self.base}/sitemap.xml\n".encode()
            )
        if path == "/sitemap.xml":
            locs = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in ("/news/busy-day/", "/news/calm/"))
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
            return Served(200, {"Content-Type": "application/xml"}, xml.encode())
        if path == "/news/busy-day/":
            return Served(429, {"Retry-After": "86400", "Content-Type": "text/html"}, b"<html><body>busy</body></html>")
        if path == "/news/calm/":
            published = (self.now - timedelta(days=1)).replace(microsecond=0).isoformat()
            html = article_html("A calm article", paragraphs("calm"), published)
            return Served(200, {"Content-Type": "text/html; charset=utf-8"}, html.encode())
        return Served(
            200, {"Content-Type": "text/html"}, b"<html><head><title>Busy</title></head><body>home</body></html>"
        )


class Counting:
    """An out-of-scope host: answers 200 and counts what it was asked."""

    def answer(self, path: str) -> Served:
        return Served(200, {"Content-Type": "text/html"}, b"<html><body><p>out of scope</p></body></html>")


def _handler(site: Any, hits: Hits) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hits.add(self.path)
            served: Served = site.answer(self.path)
            try:
                if served.status == 0 and served.stream is not None:  # no answer at all
                    served.stream(self)
                    self.close_connection = True
                    return
                self.send_response(served.status)
                for name, value in served.headers.items():
                    self.send_header(name, value)
                if served.stream is None:
                    self.send_header("Content-Length", str(len(served.body)))
                self.end_headers()
                if served.stream is not None:
                    self.wfile.flush()
                    served.stream(self)
                    self.close_connection = True
                else:
                    self.wfile.write(served.body)
            except OSError:  # the client went away (a timeout, a size limit): that is its right
                self.close_connection = True

        do_HEAD = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass
class Servers:
    """The running fault world: the site, the trap, and the out-of-scope hosts with their hits."""

    site: FaultSite
    trap: TrapSite
    busy: BusySite
    site_hits: Hits
    trap_hits: Hits
    busy_hits: Hits
    offsite_hits: Hits
    private_hits: Hits
    started: float

    @property
    def base(self) -> str:
        return self.site.base

    @property
    def trap_base(self) -> str:
        return self.trap.base


def _serve(host: str, port: int, site: Any, hits: Hits) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), _handler(site, hits))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def fault_servers() -> Iterator[Servers]:
    """Start the fault site, the trap site and the two out-of-scope hosts; stop them all after."""
    now = datetime.now(UTC)
    gzip_bomb()  # built before the crawl starts: its 3 s are not the crawl's
    offsite_hits, private_hits, site_hits, trap_hits, busy_hits = Hits(), Hits(), Hits(), Hits(), Hits()
    servers = [_serve("127.0.0.1", 0, Counting(), offsite_hits)]
    offsite = f"http://127.0.0.1:{servers[0].server_address[1]}"
    placeholder = FaultSite("", offsite, "", now)
    main = _serve("127.0.0.1", 0, placeholder, site_hits)
    port = main.server_address[1]
    placeholder.base, placeholder.private = f"http://127.0.0.1:{port}", f"http://127.0.0.2:{port}"
    servers.append(main)
    servers.append(_serve("127.0.0.2", port, Counting(), private_hits))  # same port, another address
    trap = TrapSite("", now)
    trap_server = _serve("127.0.0.1", 0, trap, trap_hits)
    trap.base = f"http://127.0.0.1:{trap_server.server_address[1]}"
    servers.append(trap_server)
    busy = BusySite("", now)
    busy_server = _serve("127.0.0.1", 0, busy, busy_hits)
    busy.base = f"http://127.0.0.1:{busy_server.server_address[1]}"
    servers.append(busy_server)
    try:
        yield Servers(
            placeholder, trap, busy, site_hits, trap_hits, busy_hits, offsite_hits, private_hits, time.monotonic()
        )
    finally:
        placeholder.stop.set()
        for server in servers:
            server.shutdown()
            server.server_close()
