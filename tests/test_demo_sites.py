"""The offline demo sites: content model, HTTP behaviour, sitemaps, feed and the hostile WordPress templates."""

from __future__ import annotations

import html
import json
import re
import socket
from collections.abc import Iterator
from datetime import UTC
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import feedparser  # type: ignore[import-untyped]
import httpx
import lxml.html
import pytest

from demo.server import DemoServer
from demo.sites import REPUBLISHED_KEY, build_sites

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITES = ("kprf_demo", "movimento_demo")


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def clients(server: DemoServer) -> Iterator[dict[str, httpx.Client]]:
    out = {key: httpx.Client(base_url=url, timeout=10) for key, url in server.urls.items()}
    yield out
    for client in out.values():
        client.close()


def _text(resp: httpx.Response) -> str:
    return html.unescape(resp.text)


def _entry_content(resp: httpx.Response) -> str:
    doc = lxml.html.fromstring(resp.text)
    nodes = doc.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " entry-content ")]')
    assert len(nodes) == 1, f"expected one entry-content in {resp.url}"
    return " ".join(nodes[0].text_content().split())


def _locs(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)
    return [el.text or "" for el in root.iter(f"{SM}loc")]


def _abs(server: DemoServer, key: str, path: str) -> str:
    return server.urls[key].rstrip("/") + path


# ---------------------------------------------------------------- content model


def test_build_sites_is_deterministic() -> None:
    assert build_sites() == build_sites()
    assert build_sites(2) == build_sites(2)


@pytest.mark.parametrize("key", SITES)
def test_sites_are_big_enough_and_well_formed(key: str) -> None:
    site = build_sites()[key]
    assert len(site.articles) >= 32
    assert len({a.key for a in site.articles}) == len(site.articles)
    assert len({a.path for a in site.articles}) == len(site.articles)
    assert len({a.title for a in site.articles}) == len(site.articles)
    for art in site.articles:
        assert art.published.tzinfo is not None
        assert art.modified is None or art.modified > art.published
        assert art.paragraphs and art.title and art.authors and art.categories
        assert art.path.startswith("/") and art.path.endswith("/")
        assert art.path.isascii()
        for img in art.images:
            assert img.src.startswith("/wp-content/uploads/")
    blocks = [p for a in site.articles for p in a.paragraphs]
    assert len(set(blocks)) == len(blocks), "a body block repeated on several pages looks like boilerplate"
    lengths = [sum(1 for b in a.blocks if b.kind == "p") for a in site.articles]
    assert min(lengths) <= 2 and max(lengths) >= 25
    assert len({a.authors[0] for a in site.articles}) >= 5
    assert len({c for a in site.articles for c in a.categories}) >= 6
    assert len({t for a in site.articles for t in a.tags}) >= 10
    years = {a.published.year for a in site.articles}
    assert {2023, 2024, 2025} <= years


@pytest.mark.parametrize("key", SITES)
def test_ground_truth_has_no_boilerplate(key: str) -> None:
    site = build_sites()[key]
    assert site.boilerplate
    for art in site.articles:
        for line in site.boilerplate:
            assert all(line not in p for p in art.paragraphs), (art.key, line)
        assert art.paragraphs.count(art.title) == 0


def test_languages() -> None:
    sites = build_sites()
    kprf, mov = sites["kprf_demo"], sites["movimento_demo"]
    assert kprf.language == "ru" and mov.language == "pt"
    assert {a.language for a in kprf.articles} == {"ru", "en"}
    assert sum(a.language == "en" for a in mov.articles) >= 4  # anti-war seed, TDO, 2 more
    assert sum(a.language == "pt" for a in mov.articles) >= 28
    accented = " ".join(p for a in mov.articles if a.language == "pt" for p in a.paragraphs)
    assert all(ch in accented for ch in "çãéíóúâê")


def test_seed_texts_are_cleaned() -> None:
    sites = build_sites()
    smolensk = sites["kprf_demo"].article("kprf-smolensk-2023")
    assert smolensk.title == "Встреча коалиции лево-патриотических сил прошла в Смоленске"
    assert not any("Telegram" in p for p in smolensk.paragraphs)
    assert len(smolensk.images) == 5
    antiwar = sites["movimento_demo"].article("movimento-antiwar-resolution")
    assert antiwar.paragraphs[0] == "Joint anti-war statement of organizations of the Russian Left."
    assert antiwar.paragraphs[-1] == "Elmar Rustamov “Labor Russia”"
    tdo = sites["kprf_demo"].article("kprf-tdo-udaltsov-2017")
    assert tdo.paragraphs[0].startswith("After President Vladimir Putin")
    assert tdo.authors == ("Mustafa AY",)


# ---------------------------------------------------------------- articles over HTTP


@pytest.mark.parametrize("key", SITES)
def test_every_article_is_served_with_its_text(server: DemoServer, clients: dict[str, httpx.Client], key: str) -> None:
    site = server.sites[key]
    assert len(site.articles) >= 30
    for art in site.articles:
        resp = clients[key].get(art.path)
        assert resp.status_code == 200, art.path
        page = _text(resp)
        assert art.title in page
        for para in art.paragraphs:
            assert para in page, (art.key, para[:60])
        body = _entry_content(resp)
        for para in art.paragraphs:
            assert " ".join(para.split()) in body


def test_wordpress_markers(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    for key in SITES:
        art = next(a for a in server.sites[key].articles if a.modified and a.images and len(a.tags) > 1)
        resp = clients[key].get(art.path)
        doc = lxml.html.fromstring(resp.text)
        node = doc.xpath(f'//article[@id="post-{art.post_id}"]')[0]
        classes = node.get("class").split()
        assert {f"post-{art.post_id}", "post", "type-post", "status-publish", "format-standard"} <= set(classes)
        assert doc.xpath('//h1[@class="entry-title"]/text()') == [art.title]
        published = doc.xpath('//time[contains(@class, "entry-date") and contains(@class, "published")]/@datetime')
        assert published == [art.published.isoformat()]
        assert doc.xpath('//time[@class="updated"]/@datetime') == [art.modified.isoformat()]  # type: ignore[union-attr]
        assert published[0].endswith("+03:00" if key == "kprf_demo" else "-03:00")
        assert doc.xpath(
            '//span[contains(@class, "author") and contains(@class, "vcard")]/a[@rel="author"]/text()'
        ) == list(art.authors)
        assert doc.xpath('//a[@rel="category tag"]/text()') == list(art.categories)
        assert doc.xpath('//a[@rel="tag"]/text()') == list(art.tags)
        head = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//head/meta")}
        assert head["og:type"] == "article"
        assert head["og:url"] == _abs(server, key, art.path)
        assert doc.xpath('//link[@rel="canonical"]/@href') == [_abs(server, key, art.path)]
        assert "article:published_time" in head and "article:modified_time" in head
        assert head["article:section"] == art.categories[0]
        api = [_abs(server, key, "/wp-json/")] if server.sites[key].rest_api else []
        assert doc.xpath('//link[@rel="https://api.w.org/"]/@href') == api
        assert ('rel="https://api.w.org/"' in resp.headers.get("link", "")) == bool(api)
        assert doc.xpath('//link[@type="application/rss+xml"]/@href')[0] == _abs(server, key, "/feed/")
        assert doc.get("lang") == ("ru-RU" if key == "kprf_demo" else "pt-BR")
        ld = doc.xpath('//script[@type="application/ld+json"]/text()')
        if key == "kprf_demo":
            assert head.get("author") == ", ".join(art.authors) and not ld
        else:
            assert "author" not in head
            graph = json.loads(ld[0])["@graph"]
            news = next(n for n in graph if n["@type"] == "NewsArticle")
            assert news["headline"] == art.title and news["datePublished"] and news["dateModified"]


def test_images_use_largest_srcset_candidate(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    for key in SITES:
        art = next(a for a in server.sites[key].articles if a.images and a.images[0].caption)
        doc = lxml.html.fromstring(clients[key].get(art.path).text)
        imgs = doc.xpath('//div[contains(@class, "entry-content")]//img')
        assert len(imgs) == len(art.images)
        for img, truth in zip(imgs, art.images, strict=True):
            candidates = [c.strip().split() for c in img.get("srcset").split(",")]
            largest = max(candidates, key=lambda c: int(c[1][:-1]))[0]
            assert urlsplit(largest).path == truth.src
            assert img.get("alt") == truth.alt
            assert clients[key].get(urlsplit(img.get("src")).path).headers["content-type"] == "image/jpeg"
        assert truth.caption in _entry_content(clients[key].get(art.path))


def test_kprf_cta_in_every_entry_content(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    cta = server.sites["kprf_demo"].boilerplate[0]
    assert "Telegram" in cta
    for art in server.sites["kprf_demo"].articles:
        resp = clients["kprf_demo"].get(art.path)
        body = _entry_content(resp)
        assert body.endswith(cta), art.key
        assert 'href="https://t.me/' in resp.text


def test_movimento_widgets_on_every_page(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    site = server.sites["movimento_demo"]
    widget_lines = [
        "Parlamentares do Movimento Esquerda Socialista (PSOL)",
        "Podcast Em Movimento",
        "Capa da última edição da Revista Movimento",
    ]
    assert all(line in site.boilerplate for line in widget_lines)
    blurb = next(b for b in site.boilerplate if b.startswith("Esta é a vigésima quarta edição"))
    paths = [a.path for a in site.articles] + ["/", "/page/2/", "/category/brasil/", "/quem-somos/", "/no-such-page/"]
    for path in paths:
        page = _text(clients["movimento_demo"].get(path))
        for line in [*widget_lines, blurb]:
            assert line in page, (path, line)


def test_movimento_title_twice_at_top(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    art = server.sites["movimento_demo"].article("movimento-antiwar-resolution")
    page = _text(clients["movimento_demo"].get(art.path))
    body = page.index('class="entry-content')
    assert page[page.index("<body") : body].count(art.title) >= 2


def test_republished_article_on_both_sites(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    copies = [a for key in SITES for a in server.sites[key].articles if a.republished_key == REPUBLISHED_KEY]
    assert len(copies) == 2
    kprf, mov = copies
    assert kprf.paragraphs == mov.paragraphs and kprf.path != mov.path
    assert "Udaltsov" in kprf.paragraphs[0]
    for key, art in zip(SITES, copies, strict=True):
        page = _text(clients[key].get(art.path))
        assert "Mustafa AY – TDO – 11.08.2017" in page  # the byline the naive scrape glued to the text
        assert all(p in page for p in art.paragraphs)


def test_windows_1251_pages(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    arts = [a for a in server.sites["kprf_demo"].articles if a.encoding == "windows-1251"]
    assert len(arts) == 2
    for art in arts:
        resp = clients["kprf_demo"].get(art.path, headers={"Accept-Encoding": "identity"})
        assert resp.headers["content-type"] == "text/html; charset=windows-1251"
        assert b'charset=windows-1251"' in resp.content
        with pytest.raises(UnicodeDecodeError):
            resp.content.decode("utf-8")
        page = html.unescape(resp.content.decode("cp1251"))
        assert art.title in page and all(p in page for p in art.paragraphs)
    utf8 = next(a for a in server.sites["kprf_demo"].articles if a.encoding == "utf-8")
    assert clients["kprf_demo"].get(utf8.path).headers["content-type"] == "text/html; charset=UTF-8"


def test_non_ascii_slugs(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    arts = [a for a in server.sites["kprf_demo"].articles if "%d0" in a.path]
    assert len(arts) >= 3
    for art in arts:
        assert clients["kprf_demo"].get(art.path).status_code == 200
        upper = re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), art.path)
        assert clients["kprf_demo"].get(upper).status_code == 200
        assert re.search(r"[а-я]", unquote(art.path))


def test_static_pages_are_not_articles(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    for key in SITES:
        for page in server.sites[key].pages:
            resp = clients[key].get(page.path)
            assert resp.status_code == 200
            doc = lxml.html.fromstring(resp.text)
            assert doc.xpath('//*[contains(@class, "type-page")]')
            assert doc.xpath('//meta[@property="og:type"]/@content') == ["website"]
            assert not doc.xpath('//meta[@property="article:published_time"]')
            assert not doc.xpath('//time[contains(@class, "entry-date")]')
    assert clients["kprf_demo"].get("/o-nas/").status_code == 200


def test_static_pages_are_served_as_wordpress_pages(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    """Issue #11: each site has a static page of article length, described as WordPress describes
    a page: schema.org WebPage/AboutPage (no Article), the page sitemap, REST ``type: page``."""
    for key in SITES:
        site, client = server.sites[key], clients[key]
        long = [p for p in site.pages if sum(len(par.split()) for par in p.paragraphs) >= 200]
        assert long, f"{key} has no static page of article length"
        for page in site.pages:
            doc = lxml.html.fromstring(client.get(page.path).text)
            graph = json.loads(doc.xpath('//script[@type="application/ld+json"]/text()')[0])["@graph"]
            types = {
                t for node in graph for t in ([node["@type"]] if isinstance(node["@type"], str) else node["@type"])
            }
            assert "WebPage" in types and not types & {"Article", "NewsArticle", "BlogPosting"}
            assert not any("datePublished" in node for node in graph)
        sitemap = "/wp-sitemap-posts-page-1.xml" if key == "kprf_demo" else "/page-sitemap.xml"
        listed = client.get(sitemap).text
        assert all(page.path in listed for page in site.pages)
    kprf = clients["kprf_demo"]
    listed = kprf.get("/wp-json/wp/v2/pages", params={"per_page": 100, "_fields": "id,link,type"}).json()
    pages = server.sites["kprf_demo"].pages
    assert sorted(item["id"] for item in listed) == sorted(p.post_id for p in pages)
    assert {item["type"] for item in listed} == {"page"}
    one = kprf.get(f"/wp-json/wp/v2/pages/{pages[0].post_id}").json()
    assert one["type"] == "page" and one["link"].endswith(pages[0].path)
    assert kprf.get("/wp-json/wp/v2/pages/999999").status_code == 404


# ---------------------------------------------------------------- listings


@pytest.mark.parametrize("key", SITES)
def test_home_and_archives(server: DemoServer, clients: dict[str, httpx.Client], key: str) -> None:
    site = server.sites[key]
    latest = sorted(site.articles, key=lambda a: a.published, reverse=True)
    client = clients[key]
    page = _text(client.get("/"))
    assert all(a.title in page for a in latest[:10])
    assert ("Подробнее" if key == "kprf_demo" else "Leia mais") in page
    seen = set()
    for n in range(1, 5):
        resp = client.get("/" if n == 1 else f"/page/{n}/")
        assert resp.status_code == 200
        doc = lxml.html.fromstring(resp.text)
        seen |= {
            unquote(urlsplit(h).path)
            for h in doc.xpath('//h2[@class="entry-title"]/a/@href | //h3[contains(@class, "entry-title")]/a/@href')
        }
    assert seen == {unquote(a.path) for a in site.articles}
    assert client.get("/page/5/").status_code == 404
    assert client.get("/page/1/").status_code == 301
    category = latest[0].categories[0]
    cat_slug = server.app(key).view.slug(category)
    resp = client.get(f"/category/{cat_slug}/")
    assert resp.status_code == 200 and latest[0].title in _text(resp)
    tag_slug = server.app(key).view.slug(latest[0].tags[0])
    assert client.get(f"/tag/{tag_slug}/").status_code == 200
    author_slug = server.app(key).view.slug(latest[0].authors[0])
    assert client.get(f"/author/{author_slug}/").status_code == 200
    big = max(server.app(key).view.categories, key=lambda c: c[1])
    if big[1] > 10:
        assert client.get(f"/category/{server.app(key).view.slug(big[0])}/page/2/").status_code == 200


def test_search_and_shortlinks(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    art = server.sites["kprf_demo"].article("kprf-smolensk-2023")
    resp = clients["kprf_demo"].get("/", params={"s": "Смоленск"})
    assert resp.status_code == 200 and art.title in _text(resp)
    resp = clients["kprf_demo"].get(f"/?p={art.post_id}")
    assert resp.status_code == 301 and resp.headers["location"] == _abs(server, "kprf_demo", art.path)


# ---------------------------------------------------------------- HTTP behaviour


def test_conditional_requests(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    for key in SITES:
        art = server.sites[key].articles[3]
        client = clients[key]
        first = client.get(art.path)
        etag, last_modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and not etag.startswith("W/")
        assert last_modified == format_datetime(art.last_modified.astimezone(UTC), usegmt=True)
        again = client.get(art.path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        assert client.get(art.path, headers={"If-None-Match": '"other"'}).status_code == 200
        assert client.get(art.path, headers={"If-Modified-Since": last_modified}).status_code == 304
        assert client.get(art.path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
        # If-None-Match wins over If-Modified-Since
        both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
        assert client.get(art.path, headers=both).status_code == 200
        for path in ("/", "/feed/", "/robots.txt"):
            resp = client.get(path)
            assert (
                resp.headers["etag"]
                and resp.headers["last-modified"]
                and "charset" in resp.headers["content-type"].lower()
            )
            assert client.get(path, headers={"If-None-Match": resp.headers["etag"]}).status_code == 304


def test_head_and_gzip(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    art = server.sites["kprf_demo"].articles[5]
    client = clients["kprf_demo"]
    head = client.head(art.path)
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 1000
    zipped = client.get(art.path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and art.title in zipped.text
    plain = client.get(art.path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == zipped.text and plain.headers["etag"] == zipped.headers["etag"]


def test_errors_and_redirects(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    for key in SITES:
        client = clients[key]
        resp = client.get("/no/such/page/")
        assert resp.status_code == 404 and "text/html" in resp.headers["content-type"] and "<html" in resp.text
        assert client.get("/wp-admin/").status_code == 403
        assert client.get("/wp-admin/options.php").status_code == 403
        art = server.sites[key].articles[0]
        resp = client.get(art.path.rstrip("/"))
        assert resp.status_code == 301 and resp.headers["location"] == _abs(server, key, art.path)
    assert server.requests.count(status=404) >= 2
    assert server.requests.count(site="kprf_demo", path_prefix="/wp-admin/", status=403) >= 2


def test_robots(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    kprf = clients["kprf_demo"].get("/robots.txt").text
    mov = clients["movimento_demo"].get("/robots.txt").text
    for text in (kprf, mov):
        lines = text.splitlines()
        assert {"User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php"} <= set(lines)
        assert "crawl-delay" not in text.lower()
    assert f"Sitemap: {server.urls['kprf_demo']}wp-sitemap.xml" in kprf.splitlines()
    assert "sitemap" not in mov.lower()


def test_kprf_core_sitemaps(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    client, site = clients["kprf_demo"], server.sites["kprf_demo"]
    index = _locs(client.get("/wp-sitemap.xml").content)
    base = server.urls["kprf_demo"]
    expected = {
        f"{base}wp-sitemap-posts-page-1.xml",
        f"{base}wp-sitemap-taxonomies-category-1.xml",
        f"{base}wp-sitemap-users-1.xml",
    }
    assert expected <= set(index)
    post_maps = [u for u in index if "-posts-post-" in u]
    assert post_maps == [f"{base}wp-sitemap-posts-post-1.xml", f"{base}wp-sitemap-posts-post-2.xml"]
    urls: list[str] = []
    for sitemap in index:
        xml = client.get(urlsplit(sitemap).path).content
        root = ElementTree.fromstring(xml)
        entries = root.findall(f"{SM}url")
        assert entries and all(e.find(f"{SM}lastmod") is not None for e in entries)
        if sitemap in post_maps:
            assert len(entries) <= 20
            urls += _locs(xml)
    assert sorted(urls) == sorted(_abs(server, "kprf_demo", a.path) for a in site.articles)
    pages = _locs(client.get("/wp-sitemap-posts-page-1.xml").content)
    assert _abs(server, "kprf_demo", "/o-nas/") in pages
    redirect = client.get("/sitemap.xml")
    assert redirect.status_code == 301 and redirect.headers["location"].endswith("/wp-sitemap.xml")


def test_movimento_yoast_sitemaps(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    client, site = clients["movimento_demo"], server.sites["movimento_demo"]
    redirect = client.get("/sitemap.xml")
    assert redirect.status_code == 301 and redirect.headers["location"].endswith("/sitemap_index.xml")
    index = _locs(client.get("/sitemap_index.xml").content)
    names = {urlsplit(u).path for u in index}
    assert {"/post-sitemap.xml", "/page-sitemap.xml", "/category-sitemap.xml", "/author-sitemap.xml"} <= names
    posts = client.get("/post-sitemap.xml").content
    root = ElementTree.fromstring(posts)
    assert all(e.find(f"{SM}lastmod") is not None for e in root.findall(f"{SM}url"))
    assert sorted(_locs(posts)) == sorted(_abs(server, "movimento_demo", a.path) for a in site.articles)


@pytest.mark.parametrize("key", SITES)
def test_feed(server: DemoServer, clients: dict[str, httpx.Client], key: str) -> None:
    resp = clients[key].get("/feed/")
    assert resp.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(resp.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    latest = sorted(server.sites[key].articles, key=lambda a: a.published, reverse=True)[:10]
    assert [e.title for e in feed.entries] == [a.title for a in latest]
    for entry, art in zip(feed.entries, latest, strict=True):
        assert entry.link == _abs(server, key, art.path)
        assert [a["name"] for a in entry.authors] == list(art.authors)
        assert entry.published_parsed[:6] == art.published.astimezone().utctimetuple()[:6]
        assert entry.summary and entry.id.endswith(f"?p={art.post_id}")
        assert {t.term for t in entry.tags} >= set(art.categories)


# ---------------------------------------------------------------- server modes


def test_down_and_broken_sites() -> None:
    with DemoServer(down=frozenset({"movimento_demo"}), broken=frozenset({"kprf_demo"})) as srv:
        assert set(srv.urls) == set(SITES)
        port = urlsplit(srv.urls["movimento_demo"]).port
        with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
            sock.connect(("127.0.0.1", port))
        with pytest.raises(httpx.ConnectError):
            httpx.get(srv.urls["movimento_demo"], timeout=2)
        kprf = srv.sites["kprf_demo"]
        empty = missing = 0
        for art in kprf.articles:
            resp = httpx.get(_abs(srv, "kprf_demo", art.path))
            assert resp.status_code == 200 and art.title in _text(resp)
            doc = lxml.html.fromstring(resp.text)
            nodes = doc.xpath('//div[@class="entry-content"]')
            if nodes:
                body = nodes[0].text_content()
                assert not any(p in body for p in art.paragraphs)
                empty += 1
            else:
                missing += 1
        assert empty and missing


def test_second_night() -> None:
    one, two = build_sites(1), build_sites(2)
    with DemoServer() as srv:
        kprf_url = srv.urls["kprf_demo"]
        old = {a.key: a for a in one["kprf_demo"].articles}
        changed = [a for a in two["kprf_demo"].articles if a.key in old and a != old[a.key]]
        assert len(changed) == 1
        edited = changed[0]
        assert edited.modified and edited.modified > old[edited.key].last_modified
        before = httpx.get(kprf_url.rstrip("/") + edited.path)
        srv.set_night(2)
        after = httpx.get(kprf_url.rstrip("/") + edited.path, headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and edited.paragraphs[-1] in _text(after)
        assert after.headers["last-modified"] != before.headers["last-modified"]
        new = [a for key in SITES for a in two[key].articles if a.key not in {b.key for b in one[key].articles}]
        assert len(new) == 3 and {a.key.split("-")[0] for a in new} == {"kprf", "movimento"}
        for art in new:
            key = "kprf_demo" if art.key.startswith("kprf") else "movimento_demo"
            assert httpx.get(_abs(srv, key, art.path)).status_code == 200
        gone = two["movimento_demo"].gone
        assert len(gone) == 1
        assert httpx.get(_abs(srv, "movimento_demo", gone[0])).status_code == 410
        posts = _locs(httpx.get(_abs(srv, "movimento_demo", "/post-sitemap.xml")).content)
        assert _abs(srv, "movimento_demo", gone[0]) not in posts
        assert len(posts) == len(two["movimento_demo"].articles)
        srv.set_night(1)
        assert httpx.get(_abs(srv, "movimento_demo", gone[0])).status_code == 200


def test_rest_api_on_one_site_only(server: DemoServer, clients: dict[str, httpx.Client]) -> None:
    assert [k for k in SITES if server.sites[k].rest_api] == ["kprf_demo"]
    kprf, movimento = clients["kprf_demo"], clients["movimento_demo"]
    assert movimento.get("/wp-json/").status_code == 401
    assert movimento.get("/wp-json/wp/v2/posts").json()["code"] == "rest_login_required"
    assert "wp/v2" in kprf.get("/wp-json/").json()["namespaces"]
    site = server.sites["kprf_demo"]
    first = kprf.get(
        "/wp-json/wp/v2/posts", params={"per_page": 10, "orderby": "modified", "_fields": "id,link,modified_gmt,author"}
    )
    assert first.status_code == 200 and first.headers["x-wp-total"] == str(len(site.articles))
    assert (
        first.headers["x-wp-totalpages"] == str(-(-len(site.articles) // 10)) and 'rel="next"' in first.headers["link"]
    )
    posts = first.json()
    assert [set(p) for p in posts] == [{"id", "link", "modified_gmt", "author"}] * 10
    newest = sorted(site.articles, key=lambda a: a.last_modified, reverse=True)[:10]
    assert [p["link"] for p in posts] == [_abs(server, "kprf_demo", a.path) for a in newest]
    everything = kprf.get("/wp-json/wp/v2/posts", params={"per_page": 100}).json()
    by_link = {p["link"]: p for p in everything}
    for art in site.articles:
        post = by_link[_abs(server, "kprf_demo", art.path)]
        assert post["date_gmt"] == art.published.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        ids = ",".join(str(i) for i in post["categories"])
        names = kprf.get("/wp-json/wp/v2/categories", params={"include": ids, "per_page": 100}).json()
        assert sorted(n["name"] for n in names) == sorted(art.categories)
        author = kprf.get(f"/wp-json/wp/v2/users/{post['author']}").json()
        assert author["name"] == art.authors[0]
    # modified_after: a naive time is the site's local time (+03:00), as in WordPress
    cut = newest[3].last_modified
    after = kprf.get("/wp-json/wp/v2/posts", params={"modified_after": cut.replace(tzinfo=None).isoformat()}).json()
    assert {p["id"] for p in after} == {a.post_id for a in newest[:3]}
    assert kprf.get("/wp-json/wp/v2/posts", params={"page": 99}).json()["code"] == "rest_post_invalid_page_number"
    assert kprf.get("/wp-json/wp/v2/posts", params={"per_page": 101}).status_code == 400
    assert kprf.get("/", params={"rest_route": "/wp/v2/tags"}).status_code == 200
