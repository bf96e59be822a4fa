"""Article or page: the precedence of transforms/kind.py, both ways, conflicts, no signal, and the
signals as extraction reads them from a page and from discovery."""

from __future__ import annotations

import json

import pytest

from flows.extract import kind_hints
from transforms.extract import extract_article
from transforms.kind import (
    ARTICLE,
    DEFAULT,
    GENERIC_PAGE,
    JSON_LD_TYPE,
    MICRODATA_TYPE,
    OG_TYPE,
    PAGE,
    PUBLISHED,
    REST_TYPE,
    SITEMAP_TYPE,
    URL_SHAPE,
    WP_POST_CLASS,
    decide,
    generic_page,
    og_kind,
    schema_kind,
    sitemap_kind,
    url_kind,
    wordpress_type,
)
from transforms.records import Article, Discard, Hints

URL = "https://news.example/section/some-slug/"


@pytest.mark.parametrize(
    ("signals", "published", "expected"),
    [
        # each tier alone, both ways
        ([(REST_TYPE, PAGE)], True, (PAGE, REST_TYPE)),
        ([(REST_TYPE, ARTICLE)], False, (ARTICLE, REST_TYPE)),
        ([(SITEMAP_TYPE, PAGE)], True, (PAGE, SITEMAP_TYPE)),
        ([(SITEMAP_TYPE, ARTICLE)], False, (ARTICLE, SITEMAP_TYPE)),
        ([(WP_POST_CLASS, PAGE)], True, (PAGE, WP_POST_CLASS)),
        ([(JSON_LD_TYPE, PAGE)], True, (PAGE, JSON_LD_TYPE)),
        ([(MICRODATA_TYPE, ARTICLE)], False, (ARTICLE, MICRODATA_TYPE)),
        ([(OG_TYPE, PAGE)], True, (PAGE, OG_TYPE)),
        ([(OG_TYPE, ARTICLE)], False, (ARTICLE, OG_TYPE)),
        ([], True, (ARTICLE, PUBLISHED)),
        # conflicts: the stronger tier decides, whatever the order given
        ([(OG_TYPE, ARTICLE), (REST_TYPE, PAGE)], True, (PAGE, REST_TYPE)),
        ([(REST_TYPE, ARTICLE), (SITEMAP_TYPE, PAGE), (OG_TYPE, PAGE)], False, (ARTICLE, REST_TYPE)),
        ([(JSON_LD_TYPE, ARTICLE), (SITEMAP_TYPE, PAGE)], True, (PAGE, SITEMAP_TYPE)),
        ([(OG_TYPE, ARTICLE), (JSON_LD_TYPE, PAGE)], True, (PAGE, JSON_LD_TYPE)),
        ([(OG_TYPE, PAGE), (WP_POST_CLASS, ARTICLE)], False, (ARTICLE, WP_POST_CLASS)),
        # inside a tier an article signal wins (Yoast: WebPage and Article on one post)
        ([(MICRODATA_TYPE, PAGE), (JSON_LD_TYPE, ARTICLE)], False, (ARTICLE, JSON_LD_TYPE)),
        # og:type website beats a date (the structural signal first)
        ([(OG_TYPE, PAGE)], True, (PAGE, OG_TYPE)),
        # a plain WebPage (every page is one) counts only below og:type, above a date
        ([(GENERIC_PAGE, PAGE), (OG_TYPE, ARTICLE)], True, (ARTICLE, OG_TYPE)),
        ([(GENERIC_PAGE, PAGE)], True, (PAGE, GENERIC_PAGE)),
        # unknown kinds are no signal
        ([(REST_TYPE, "attachment"), (OG_TYPE, PAGE)], True, (PAGE, OG_TYPE)),
    ],
)
def test_precedence(signals: list[tuple[str, str]], published: bool, expected: tuple[str, str]) -> None:
    assert decide(signals, published, URL) == expected


def test_no_signal_at_all_is_an_article_by_default_then_the_url_shape_speaks() -> None:
    assert decide([], False, URL) == (ARTICLE, DEFAULT)
    assert decide([], False, "https://news.example/about-us/") == (PAGE, URL_SHAPE)
    assert decide([], False, "https://news.example/2024/05/some-slug/") == (ARTICLE, URL_SHAPE)
    assert decide([], False, "https://news.example/?p=123") == (ARTICLE, URL_SHAPE)
    assert decide([], False, "https://news.example/?page_id=7") == (PAGE, URL_SHAPE)
    # a date outranks the URL shape
    assert decide([], True, "https://news.example/about-us/") == (ARTICLE, PUBLISHED)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.example/wp-sitemap-posts-page-1.xml", PAGE),
        ("https://x.example/wp-sitemap-posts-post-3.xml", ARTICLE),
        ("https://x.example/page-sitemap.xml", PAGE),
        ("https://x.example/page-sitemap2.xml", PAGE),
        ("https://x.example/post-sitemap.xml.gz", ARTICLE),
        ("https://x.example/wp-sitemap-posts-product-1.xml", None),
        ("https://x.example/sitemap.xml", None),
        ("https://x.example/news-sitemap.xml", None),
        ("http://[broken", None),
    ],
)
def test_sitemap_names(url: str, expected: str | None) -> None:
    assert sitemap_kind(url) == expected


def test_small_readers() -> None:
    assert wordpress_type("page") == PAGE and wordpress_type("post") == ARTICLE
    assert wordpress_type("attachment") is None and wordpress_type(None) is None
    assert schema_kind(["WebPage", "NewsArticle"]) == ARTICLE
    assert schema_kind(["https://schema.org/AboutPage"]) == PAGE
    assert schema_kind(["Organization", "WebSite"]) is None
    assert schema_kind(["WebPage"]) is None and generic_page(["https://schema.org/WebPage"]) == PAGE
    assert generic_page(["WebPage", "Article"]) is None and generic_page(["WebSite"]) is None
    assert og_kind("website") == PAGE and og_kind("article") == ARTICLE and og_kind("") is None
    assert url_kind("https://x.example/section/slug/") is None
    assert url_kind("https://x.example/file.pdf") is None


def test_discovery_hints_read_rest_type_and_sitemap_kind_and_ignore_garbage() -> None:
    row = {"hints": {SITEMAP_TYPE: PAGE}}
    assert kind_hints(row, {"type": "page"}) == ((REST_TYPE, PAGE), (SITEMAP_TYPE, PAGE))
    assert kind_hints({"hints": {SITEMAP_TYPE: "banana"}}, {"type": 7}) == ()
    assert kind_hints({}, None) == ()


PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of a long text about the history of the organisation, its founding congress, "
    f"its programme and the way members take part in its work in every district of the city.</p>"
    for i in range(8)
)


def _page(head: str, body_class: str = "", entry_class: str = "") -> str:
    return (
        f"<html><head><title>About us</title>{head}</head><body class='{body_class}'>"
        f"<main><article class='{entry_class}'><h1>About us</h1>{PARAGRAPHS}</article></main></body></html>"
    )


def test_a_long_static_page_is_stored_as_a_page_with_its_signal() -> None:
    html = _page('<meta property="og:type" content="website">', "page-template-default page page-id-2")
    result = extract_article(html, "https://x.example/about/")
    assert isinstance(result, Article)
    assert result.doc_kind == PAGE and result.provenance["kind"] == WP_POST_CLASS


def test_schema_org_about_page_without_other_signals() -> None:
    graph = {"@context": "https://schema.org", "@graph": [{"@type": ["WebPage", "AboutPage"], "name": "About"}]}
    html = _page(f'<script type="application/ld+json">{json.dumps(graph)}</script>')
    result = extract_article(html, "https://x.example/org/about/")
    assert isinstance(result, Article)
    assert (result.doc_kind, result.provenance["kind"]) == (PAGE, JSON_LD_TYPE)


def test_a_post_with_og_website_and_a_rest_type_post_stays_an_article() -> None:
    html = _page('<meta property="og:type" content="website">')
    result = extract_article(html, "https://x.example/about/", hints=Hints(kinds=((REST_TYPE, ARTICLE),)))
    assert isinstance(result, Article)
    assert (result.doc_kind, result.provenance["kind"]) == (ARTICLE, REST_TYPE)


def test_a_rest_page_wins_over_an_article_markup() -> None:
    html = _page('<meta property="og:type" content="article">', "single-post postid-4", "type-post")
    result = extract_article(html, "https://x.example/2024/05/x/", hints=Hints(kinds=((REST_TYPE, PAGE),)))
    assert isinstance(result, Article)
    assert (result.doc_kind, result.provenance["kind"]) == (PAGE, REST_TYPE)


def test_an_unreadable_json_ld_is_ignored_and_the_page_kept() -> None:
    html = _page('<script type="application/ld+json">{"@type": [broken</script>')
    result = extract_article(html, "https://x.example/section/slug/")
    assert isinstance(result, Article)
    assert (result.doc_kind, result.provenance["kind"]) == (ARTICLE, DEFAULT)


def test_a_short_page_is_still_discarded_as_not_article() -> None:
    html = (
        "<html><head><meta property='og:type' content='website'></head><body class='page-id-5'>"
        "<main><article><h1>Contacts</h1><p>Write to us.</p></article></main></body></html>"
    )
    result = extract_article(html, "https://x.example/contacts/")
    assert isinstance(result, Discard) and result.reason == "not_article"


def test_rest_listing_keeps_the_type_and_lists_pages() -> None:
    from spiders import rest

    body = json.dumps(
        [
            {"id": 2, "link": "https://x.example/about/", "type": "page", "date_gmt": "2020-01-01T00:00:00"},
            {"id": 9, "link": "https://x.example/2024/05/x/", "type": "post"},
            {"id": 10, "link": "https://x.example/2024/05/y/", "type": ["garbled"]},
        ]
    ).encode()
    posts = rest.parse_posts(body)
    assert posts is not None
    assert [p.type for p in posts] == ["page", "post", None]
    assert rest.resolve(posts[0], {})["type"] == "page"
    assert "/wp/v2/pages?" in rest.posts_url("https://x.example/wp-json/", 1, None, "pages")
    assert "type" in rest.POST_FIELDS.split(",")


def test_a_body_itemtype_webpage_on_an_article_page_does_not_make_it_a_page() -> None:
    html = _page('<meta property="og:type" content="article">').replace(
        "<body class=''>", "<body class='' itemscope itemtype='https://schema.org/WebPage'>"
    )
    result = extract_article(html, "https://x.example/section/slug/")
    assert isinstance(result, Article)
    assert (result.doc_kind, result.provenance["kind"]) == (ARTICLE, OG_TYPE)
