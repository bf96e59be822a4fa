"""End-to-end tests of the crawl stage: real HTTP server on loopback, real `python -m spiders.crawl` subprocess."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from spiders.archive import read_record
from spiders.discovery import (
    classify_link,
    clean_url,
    is_taxonomy_sitemap,
    parse_sitemap,
)
from spiders.folder import CrawlFolder
from spiders.job import CrawlJob
from spiders.warc import MANIFEST_KEYS
from transforms.urls import canonicalize

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "spider_site"
GZIPPED_PATHS = frozenset({"/2024/02/post-2/"})
REDIRECTS = {"/go/post-5": "/2024/05/post-5/"}
LAST_MODIFIED = "Mon, 20 May 2024 10:00:00 GMT"


# -- fixture web server --------------------------------------------------------------------------------


@dataclass
class Site:
    """A static fixture site served on 127.0.0.1; `log` holds (path, headers) of every request."""

    root: Path
    server: ThreadingHTTPServer
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]

    def body(self, path: str) -> bytes:
        """The decoded bytes the server sends for path (what the archive must hold)."""
        file = resolve(self.root, path)
        assert file is not None, path
        return file.read_bytes().replace(b"{{BASE}}", self.base.encode())


def resolve(root: Path, path: str) -> Path | None:
    target = (root / path.lstrip("/")).resolve()
    if not target.is_relative_to(root.resolve()):
        return None
    if target.is_dir():
        for index in ("index.html", "index.xml"):
            if (target / index).is_file():
                return target / index
        return None
    return target if target.is_file() and not path.endswith("/") else None


def content_type(file: Path, body: bytes) -> str:
    if file.suffix == ".html":
        return "text/html; charset=utf-8"
    if file.suffix == ".txt":
        return "text/plain; charset=utf-8"
    if b"<rss" in body[:300]:
        return "application/rss+xml; charset=UTF-8"
    return "application/xml; charset=UTF-8"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default listen backlog of 5 drops SYNs under 16 connections: 1 s stalls


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: Site

    def do_GET(self) -> None:
        site = self.site
        site.log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        path = urlsplit(self.path).path
        if path in REDIRECTS:
            self._send(301, b"", {"Location": REDIRECTS[path]})
            return
        file = resolve(site.root, path)
        if file is None:
            self._send(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
            return
        body = file.read_bytes().replace(b"{{BASE}}", site.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if self.headers.get("If-None-Match") == etag:
            self._send(304, b"", headers)
            return
        headers["Content-Type"] = content_type(file, body)
        if path in GZIPPED_PATHS and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self._send(200, body, headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def serve() -> Iterator[Any]:
    servers: list[Server] = []

    def start(name: str) -> Site:
        handler: type[Handler] = type(f"{name}Handler", (Handler,), {})
        server = Server(("127.0.0.1", 0), handler)
        site = Site(root=FIXTURES / name, server=server)
        handler.site = site
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return site

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass
class Crawl:
    proc: subprocess.CompletedProcess[str]
    out_dir: Path
    rows: list[dict[str, Any]]
    stats: dict[str, Any]

    def by_url(self, url: str) -> dict[str, Any]:
        matches = [r for r in self.rows if r["url"] == url]
        assert len(matches) == 1, (url, matches)
        return matches[0]


def crawl(tmp: Path, **job: Any) -> Crawl:
    out_dir = tmp / "out"
    spec = {"source": "fixture", "run_id": "run-1", "out_dir": str(out_dir), "polite": False, "timeout": 5}
    spec |= {"allow_private_addresses": True, **job}  # the test sites are on loopback
    job_path = tmp / f"job-{spec['run_id']}.json"
    job_path.write_text(json.dumps(spec), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "spiders.crawl", str(job_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    rows = [r for r in CrawlFolder(out_dir).manifest_rows() if r["run_id"] == spec["run_id"]]
    stats_path = out_dir / "stats.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    return Crawl(proc, out_dir, rows, stats)


# -- the WordPress-like site: robots + sitemap index + feed ----------------------------------------------


@pytest.fixture(scope="module")
def wp(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Crawl]:
    site: Site = serve("wp")
    result = crawl(tmp_path_factory.mktemp("wp"), home_url=site.url("/"))
    assert result.proc.returncode == 0, result.proc.stderr[-3000:]
    return site, result


def test_manifest_rows_have_the_contract_keys(wp: tuple[Site, Crawl]) -> None:
    _, result = wp
    assert result.rows
    for row in result.rows:
        assert tuple(row) == MANIFEST_KEYS
        assert row["source"] == "fixture" and row["run_id"] == "run-1"


def test_discovery_roles_and_statuses(wp: tuple[Site, Crawl]) -> None:
    site, result = wp
    assert result.by_url(site.url("/robots.txt"))["role"] == "robots"
    assert result.by_url(site.url("/robots.txt"))["status"] == 200
    assert result.by_url(site.url("/"))["role"] == "home"
    for path in ("/sitemap_index.xml", "/post-sitemap.xml", "/page-sitemap.xml"):
        row = result.by_url(site.url(path))
        assert (row["role"], row["status"]) == ("sitemap", 200)
    assert result.by_url(site.url("/feed/"))["role"] == "feed"
    articles = {r["url"]: r for r in result.rows if r["role"] == "article"}
    ok = {u for u, r in articles.items() if r["status"] == 200}
    expected = {site.url(p) for p in ("/2024/01/post-1/", "/2024/02/post-2/", "/2024/03/post-3/", "/2024/04/post-4/")}
    assert expected | {site.url("/go/post-5"), site.url("/about/")} == ok
    assert articles[site.url("/2024/05/gone-post/")]["status"] == 404
    redirected = articles[site.url("/go/post-5")]
    assert redirected["final_url"] == site.url("/2024/05/post-5/")
    assert redirected["lastmod"] == "2024-05-15T08:00:00Z"
    post1 = articles[site.url("/2024/01/post-1/")]
    # found by both; the second finder is merged only if it came before the response
    assert post1["discovered_via"] and {v.split(":", 1)[0] for v in post1["discovered_via"]} <= {"feed", "sitemap"}
    assert post1["depth"] >= 1 and post1["etag"] and post1["last_modified"] == LAST_MODIFIED
    # tracking params, fragments and offsite URLs never became requests
    assert not any("utm_" in r["url"] or "#" in r["url"] or "elsewhere" in r["url"] for r in result.rows)
    # the comments feed is not followed, the sitemap was found in robots.txt so nothing was probed
    assert not {"/comments/feed/", "/wp-sitemap.xml", "/sitemap.xml"} & set(site.paths())
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["trawl/sitemaps/skipped_taxonomy"] == 2


def test_taxonomy_sitemaps_and_robots_disallow_are_respected(wp: tuple[Site, Crawl]) -> None:
    site, result = wp
    fetched = set(site.paths())
    assert "/category-sitemap.xml" not in fetched and "/author-sitemap.xml" not in fetched
    assert "/category/news/" not in fetched
    assert "/private/hidden-post/" not in fetched
    hidden = result.by_url(site.url("/private/hidden-post/"))
    assert hidden["status"] is None and "robots.txt" in hidden["error"]
    assert all(h["user-agent"].startswith("trawl/0.1") for _, h in site.log)


def test_every_warc_record_reads_back(wp: tuple[Site, Crawl]) -> None:
    site, result = wp
    archived = [r for r in result.rows if r["warc_file"]]
    assert len(archived) >= 12
    for row in archived:
        headers, body, uri, status = read_record(result.out_dir, row["warc_file"], row["warc_offset"])
        assert (uri, status) == (row["final_url"], row["status"])
        assert len(body) == row["bytes"] == int(headers["content-length"])
        if status == 200:
            assert body == site.body(urlsplit(row["final_url"]).path), row["url"]
        # the length in the manifest covers exactly one gzip member
        with open(result.out_dir / row["warc_file"], "rb") as fh:
            fh.seek(row["warc_offset"])
            chunk = fh.read(row["warc_length"])
        records = list(ArchiveIterator(io.BytesIO(chunk)))
        assert [r.rec_type for r in records] == ["response"]
    # the whole file is valid for a plain warcio reader: warcinfo first, request/response pairs, no duplicates
    with open(result.out_dir / "crawl.warc.gz", "rb") as fh:
        kinds = []
        targets = []
        for record in ArchiveIterator(fh):
            kinds.append(record.rec_type)
            if record.rec_type == "response":
                targets.append(record.rec_headers.get_header("WARC-Target-URI"))
                assert record.rec_headers.get_header("WARC-Payload-Digest")
                assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
                record.content_stream().read()
    assert kinds[0] == "warcinfo"
    assert kinds.count("request") == kinds.count("response") == len(targets)
    assert len(targets) == len(set(targets))


def test_gzip_content_encoding_is_archived_decoded(wp: tuple[Site, Crawl]) -> None:
    site, result = wp
    (request_headers,) = [h for p, h in site.log if p == "/2024/02/post-2/"]
    assert "gzip" in request_headers["accept-encoding"]
    row = result.by_url(site.url("/2024/02/post-2/"))
    headers, body, _, status = read_record(result.out_dir, row["warc_file"], row["warc_offset"])
    assert status == 200 and body == site.body("/2024/02/post-2/")
    assert "content-encoding" not in headers and "transfer-encoding" not in headers
    assert headers["x-archive-orig-content-encoding"] == "gzip"
    assert int(headers["x-archive-orig-content-length"]) < len(body)
    with open(result.out_dir / row["warc_file"], "rb") as fh:
        fh.seek(row["warc_offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.content_stream().read() == body


def test_known_etag_gives_304_and_a_new_warc_file(wp: tuple[Site, Crawl], tmp_path: Path) -> None:
    site, first = wp
    post3 = first.by_url(site.url("/2024/03/post-3/"))
    known = tmp_path / "known.json"
    known.write_text(json.dumps({post3["url"]: {"etag": post3["etag"], "last_modified": post3["last_modified"]}}))
    # a rerun into the same folder (as after an interrupted attempt) must not append to crawl.warc.gz
    out_dir = first.out_dir
    size_before = (out_dir / "crawl.warc.gz").stat().st_size
    log_start = len(site.log)
    again = crawl(out_dir.parent, home_url=site.url("/"), run_id="run-2", known=str(known))
    assert again.proc.returncode == 0, again.proc.stderr[-3000:]
    assert (out_dir / "crawl.warc.gz").stat().st_size == size_before
    row = again.by_url(site.url("/2024/03/post-3/"))
    assert row["status"] == 304 and row["bytes"] == 0 and row["warc_file"] == "crawl-1.warc.gz"
    (sent,) = [h for p, h in site.log[log_start:] if p == "/2024/03/post-3/"]
    assert sent["if-none-match"] == post3["etag"] and sent["if-modified-since"] == LAST_MODIFIED
    _, body, _, status = read_record(out_dir, row["warc_file"], row["warc_offset"])
    assert (status, body) == (304, b"")
    assert again.by_url(site.url("/2024/04/post-4/"))["status"] == 200


def test_dead_site_exits_zero_with_error_rows(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = crawl(tmp_path, home_url=f"http://127.0.0.1:{port}/")
    assert result.proc.returncode == 0, result.proc.stderr[-3000:]
    assert result.rows and all(r["status"] is None and r["error"] for r in result.rows)
    roles = {r["role"] for r in result.rows}
    assert {"robots", "home"} <= roles and "article" not in roles
    assert any("Refused" in r["error"] or "refused" in r["error"] for r in result.rows)
    assert (result.out_dir / "stats.json").exists() and result.stats["finish_reason"] == "finished"


def test_archive_fallback_finds_posts_without_sitemap_or_feed(serve: Any, tmp_path: Path) -> None:
    site: Site = serve("plain")
    result = crawl(tmp_path, home_url=site.url("/"), max_archive_depth=2)
    assert result.proc.returncode == 0, result.proc.stderr[-3000:]
    assert result.stats["trawl/archive_fallback"] is True
    articles = {r["url"] for r in result.rows if r["role"] == "article" and r["status"] == 200}
    posts = ("alpha", "beta", "gamma", "delta", "epsilon")
    assert {site.url(f"/2023/{m}/{s}/") for m, s in zip(("03", "03", "02", "01", "01"), posts, strict=True)} == articles
    listings = {r["url"] for r in result.rows if r["role"] == "archive"}
    assert listings == {site.url(p) for p in ("/page/2/", "/page/3/", "/category/world/")}
    fetched = set(site.paths())
    assert not {"/tag/foo/", "/author/bob/", "/wp-content/uploads/pic.jpg", "/2022/12/zeta/"} & fetched
    probes = {r["url"]: r["status"] for r in result.rows if r["role"] in ("sitemap", "feed", "robots")}
    assert set(probes.values()) == {404} and len(probes) == 5


def test_bad_job_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "job.json"
    bad.write_text(json.dumps({"source": "x", "home_url": "ftp://nope", "out_dir": str(tmp_path), "run_id": "1"}))
    proc = subprocess.run([sys.executable, "-m", "spiders.crawl", str(bad)], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 2 and "bad job" in proc.stderr


# -- pure helpers -----------------------------------------------------------------------------------------


def test_job_round_trip(tmp_path: Path) -> None:
    job = CrawlJob(source="s", home_url="https://www.Example.com/", out_dir=tmp_path, run_id="r")
    assert job.domains == ("example.com",) and job.effective_concurrency == 1
    job.to_json(tmp_path / "job.json")
    assert CrawlJob.from_json(tmp_path / "job.json") == job
    with pytest.raises(ValueError, match="unknown job keys"):
        CrawlJob.from_dict({**job.to_dict(), "max_page": 3})


def test_url_helpers() -> None:
    assert clean_url("HTTP://Example.COM/a/?utm_source=x&id=2&fbclid=y#frag") == "http://example.com/a/?id=2"
    assert canonicalize("https://example.com/a?b=2&a=1#x") == canonicalize("https://EXAMPLE.com/a?a=1&b=2")
    assert clean_url("mailto:someone@example.com") is None
    assert classify_link("https://example.com/2024/05/some-post/") == "article"
    assert classify_link("https://example.com/?p=123") == "article"
    for listing in ("/", "/page/3/", "/category/politics/", "/2024/05/", "/news/?page=2"):
        assert classify_link("https://example.com" + listing) == "listing", listing
    for junk in ("/tag/x/", "/author/y/", "/feed/", "/wp-content/a.jpg", "/a.pdf", "/wp-admin/", "/?s=q"):
        assert classify_link("https://example.com" + junk) == "skip", junk


def test_taxonomy_sitemap_rule() -> None:
    skip = ["wp-sitemap-taxonomies-category-1.xml", "wp-sitemap-users-1.xml", "category-sitemap.xml"]
    skip += ["post_tag-sitemap2.xml", "author-sitemap.xml", "tag-sitemap.xml.gz", "product_cat-sitemap.xml"]
    keep = ["wp-sitemap-posts-post-1.xml", "wp-sitemap-posts-page-1.xml", "post-sitemap.xml", "page-sitemap.xml"]
    keep += ["news-sitemap.xml", "sitemap-2024-05.xml", "wp-sitemap.xml", "sitemap_index.xml"]
    assert all(is_taxonomy_sitemap(f"https://example.com/{n}") for n in skip)
    assert not any(is_taxonomy_sitemap(f"https://example.com/{n}") for n in keep)


def test_gzipped_sitemap_parses() -> None:
    xml = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    xml += b"<url><loc> https://example.com/a/ </loc><lastmod>2024-01-02</lastmod></url></urlset>"
    kind, entries = parse_sitemap(gzip.compress(xml))
    assert kind == "urlset" and [(e.loc, e.lastmod) for e in entries] == [("https://example.com/a/", "2024-01-02")]
    assert parse_sitemap(b"<html><body>404</body></html>") == ("", [])


def test_manifest_rows_skip_a_truncated_last_line(tmp_path: Path) -> None:
    rows = [{"url": "a"}, {"url": "b"}]
    text = "".join(json.dumps(r) + "\n" for r in rows) + '{"url": "c", "sta'
    (tmp_path / "manifest.jsonl").write_text(text)
    assert list(CrawlFolder(tmp_path).manifest_rows()) == rows


def test_news_sitemap_entries_are_flagged() -> None:
    xml = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:n="http://www.google.com/schemas/sitemap-news/0.9">'
    xml += b"<url><loc>https://e.org/a/</loc><n:news><n:title>A</n:title></n:news></url>"
    xml += b"<url><loc>https://e.org/b/</loc><lastmod>2024-01-02</lastmod></url></urlset>"
    _, entries = parse_sitemap(xml)
    assert [(e.loc, e.news) for e in entries] == [("https://e.org/a/", True), ("https://e.org/b/", False)]
