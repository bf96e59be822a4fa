"""Is a document an article (a post: news, analysis, a statement) or a page (about, history, how to join)?

One decision from standard signals, strongest first; the first tier that speaks decides:

1. ``rest-api:type``: the WordPress REST API's ``type`` of the item (``post`` or ``page``);
2. ``sitemap:type``: the sitemap that listed the URL is a page sitemap
   (``wp-sitemap-posts-page-N.xml``, Yoast's and Rank Math's ``page-sitemap.xml``) or a post one;
3. ``html:wp-post-class``: WordPress' own post type in the markup: ``body_class()`` (``single-post``,
   ``postid-N`` against ``page-id-N``), else ``post_class()`` on the entry (``type-post``, ``type-page``);
4. schema.org ``@type`` (JSON-LD, microdata): Article, NewsArticle, BlogPosting... against
   AboutPage, ContactPage, CollectionPage... (the specific page types);
5. ``meta:og:type``: ``article`` against ``website`` (or any other non-article type);
6. ``schema.org:WebPage``: a plain WebPage and no Article type. Every web page is a WebPage, article
   pages included (themes put ``itemtype=WebPage`` on every ``<body>``), so the generic type
   only counts below ``og:type``;
7. a publication date: a page has none (its absence alone says nothing);
8. the URL's shape, last: a dated path (``/2024/05/slug``) or ``?p=N`` is a post, ``?page_id=N``
   or a single top-level slug (``/about/``) a page.

Inside one tier an article signal beats a page signal (Yoast describes every post as a WebPage
*and* an Article; keeping a real article in ``articles`` matters more than tidiness). With no
signal at all the document is an article, as before pages were told apart. Pure, and fails
soft: the caller passes only the signals it could read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

ARTICLE, PAGE = "article", "page"
KINDS = (ARTICLE, PAGE)
# signal names, best first (the tiers above); a signal's tier is its rank here
REST_TYPE = "rest-api:type"
SITEMAP_TYPE = "sitemap:type"
WP_POST_CLASS = "html:wp-post-class"
JSON_LD_TYPE = "json-ld:@type"
MICRODATA_TYPE = "microdata:itemtype"
OG_TYPE = "meta:og:type"
GENERIC_PAGE = "schema.org:WebPage"
PUBLISHED = "published_at"
URL_SHAPE = "url"
DEFAULT = "default"
TIERS: tuple[tuple[str, ...], ...] = (
    (REST_TYPE,),
    (SITEMAP_TYPE,),
    (WP_POST_CLASS,),
    (JSON_LD_TYPE, MICRODATA_TYPE),
    (OG_TYPE,),
    (GENERIC_PAGE,),
)
# schema.org types of an article (``transforms.metadata`` reads its fields from objects of these)
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "scholarlyarticle",
        "report",
        "liveblogposting",
        "socialmediaposting",
    }
)
# schema.org types of a page that is no article (the WebPage family but WebPage itself, see
# GENERIC_PAGE; CollectionPage and the like are listings, which are no articles either)
PAGE_TYPES = frozenset(
    {
        "aboutpage",
        "contactpage",
        "profilepage",
        "faqpage",
        "qapage",
        "collectionpage",
        "itempage",
        "checkoutpage",
        "searchresultspage",
        "medicalwebpage",
        "realestatelisting",
    }
)
# WordPress sitemap file names: core's per post type, Yoast's and Rank Math's ``<type>-sitemap<N>.xml``
_CORE_SITEMAP = re.compile(r"^wp-sitemap-posts-(?P<type>[a-z0-9_-]+?)-\d+\.xml(?:\.gz)?$")
_PLUGIN_SITEMAP = re.compile(r"^(?P<type>post|page)-sitemap\d*\.xml(?:\.gz)?$")
_DATED_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/[^/]+")

Signal = tuple[str, str]  # (signal name, kind)


def wordpress_type(post_type: str | None) -> str | None:
    """A WordPress post type as a kind: ``page`` is a page, ``post`` an article; others unknown."""
    value = (post_type or "").strip().casefold()
    return PAGE if value == "page" else ARTICLE if value == "post" else None


def sitemap_kind(sitemap_url: str) -> str | None:
    """The kind of every URL a sitemap lists, from its WordPress file name; None when it does not say."""
    try:
        name = urlsplit(sitemap_url).path.rstrip("/").rsplit("/", 1)[-1].casefold()
    except ValueError:
        return None
    match = _CORE_SITEMAP.match(name) or _PLUGIN_SITEMAP.match(name)
    return wordpress_type(match.group("type")) if match else None


def _type_names(types: Iterable[str]) -> set[str]:
    return {str(t).casefold().rsplit("/", 1)[-1] for t in types}


def schema_kind(types: Iterable[str]) -> str | None:
    """The kind that schema.org types say: any Article type is an article, else a specific page
    type (AboutPage, ContactPage...) a page; a plain WebPage says nothing here (``generic_page``)."""
    names = _type_names(types)
    if names & ARTICLE_TYPES:
        return ARTICLE
    return PAGE if names & PAGE_TYPES else None


def generic_page(types: Iterable[str]) -> str | None:
    """``page`` when the types hold a plain WebPage and no Article type (the weak schema.org signal)."""
    names = _type_names(types)
    return PAGE if "webpage" in names and not names & ARTICLE_TYPES else None


def og_kind(og_type: str | None) -> str | None:
    """``og:type`` as a kind: ``article`` is an article, any other declared type (``website``) a page."""
    value = (og_type or "").strip().casefold()
    if not value:
        return None
    return ARTICLE if value == "article" or value.startswith("article.") else PAGE


def url_kind(url: str) -> str | None:
    """The URL's shape, a last resort: a dated path or ``?p=N`` is a post; ``?page_id=N`` or a
    single top-level slug (``/about/``) a page; anything else says nothing."""
    try:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
    except ValueError:
        return None
    if "page_id" in query:
        return PAGE
    if "p" in query or _DATED_PATH.search(parts.path):
        return ARTICLE
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) == 1 and not parts.query and "." not in segments[0]:
        return PAGE
    return None


def decide(signals: Iterable[Signal], has_published: bool, url: str) -> Signal:
    """(kind, signal that decided it) from the signals read, the presence of a publication date
    and the URL: the first tier with a signal decides, an article signal winning inside a tier."""
    given = [(name, kind) for name, kind in signals if kind in KINDS]
    for tier in TIERS:
        spoken = [(name, kind) for name, kind in given if name in tier]
        if spoken:
            name, kind = next(((n, k) for n, k in spoken if k == ARTICLE), spoken[0])
            return kind, name
    if has_published:
        return ARTICLE, PUBLISHED
    shaped = url_kind(url)
    if shaped is not None:
        return shaped, URL_SHAPE
    return ARTICLE, DEFAULT
