"""Frozen records passed between pipeline stages: Article | Discard -> Document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Image:
    """An image of the article body: absolute URL (largest srcset candidate), alt text, caption."""

    url: str
    alt: str = ""
    caption: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageMeta:
    """The metadata a page declares about itself, declared once: what ``transforms.metadata``
    collects from the page's structured signals, and the part of an ``Article`` it fills."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    modified_at: datetime | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    page_language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Article(PageMeta):
    """What extraction found on one page, before site-level cleaning: the page's metadata
    (``PageMeta``, its dates settled by ``transforms.page_dates``) and what the body gave.

    ``provenance`` names, per metadata field, the signal it came from
    (``rest-api``, ``json-ld``, ``meta:article:published_time``, ``htmldate``, ``sitemap``, ...);
    ``date_issues`` says which date candidates the sanity rules rejected, and why.
    """

    url: str
    title: str
    text: str
    markdown: str
    language: str | None = None
    language_confidence: float | None = None
    images: tuple[Image, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)
    links: tuple[str, ...] = ()  # absolute, canonical URLs the article body links to
    date_issues: tuple[str, ...] = ()
    # "article" (a post) or "page" (about, history...: ``transforms.kind``); provenance["kind"] says why
    doc_kind: str = "article"
    blocks: tuple[str, ...] = ()  # the page's text blocks as keys (``transforms.structure.page_blocks``)


@dataclass(frozen=True, slots=True)
class Hints:
    """What the crawl knew about a page besides its HTML: when it was fetched, and what discovery said.

    ``dates`` holds (field, signal, value) candidates, field ``published_at`` or ``modified_at``,
    e.g. ("modified_at", "sitemap:lastmod", ...). ``authors``/``categories``/``tags`` come from an
    authoritative record (the WordPress REST API) named by ``signal``; empty when unknown.
    ``date_floor``: the source's earliest plausible date (``transforms.dates.FLOOR`` when None).
    ``kinds`` holds (signal, kind) pairs from discovery, e.g. ("rest-api:type", "page") or
    ("sitemap:type", "article"), for ``transforms.kind``.
    """

    fetched_at: datetime | None = None
    date_floor: datetime | None = None
    dates: tuple[tuple[str, str, datetime], ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    signal: str = ""
    kinds: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Discard:
    """A page that yields no article, with the reason (counted per run, stored).

    ``text`` keeps what the extractor found on the page anyway (a static page, a stub), so
    a dropped page stays inspectable, as datatrove keeps its dropped documents.
    """

    url: str
    reason: str
    detail: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """A normalized, boilerplate-stripped article with its content hash."""

    source: str
    url: str
    article: Article
    text: str
    markdown: str
    content_hash: str
    normalizer_version: str
    boilerplate_removed: int = 0
    word_count: int = 0
