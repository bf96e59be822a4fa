"""Frozen dataclasses describing the demo sites (re-exported by demo.sites)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DemoImage:
    """An image of an article body; ``src`` is the site path of the largest srcset candidate."""

    src: str
    alt: str
    caption: str


@dataclass(frozen=True)
class DemoBlock:
    """One body block: ``p``, ``h2``, ``li`` (unordered item), ``oli`` (ordered item), ``quote`` or ``figure``."""

    kind: str
    text: str = ""
    image: DemoImage | None = None
    width: int = 0  # original pixel size of a figure's image
    height: int = 0


@dataclass(frozen=True)
class DemoComment:
    """A reader comment shown under an article (never part of the article text)."""

    comment_id: int
    author: str
    date: datetime
    text: str
    parent: int = 0


@dataclass(frozen=True)
class DemoArticle:
    """A post. ``paragraphs`` is the ground-truth body text without any template boilerplate."""

    key: str
    path: str
    title: str
    authors: tuple[str, ...]
    published: datetime
    modified: datetime | None
    language: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    images: tuple[DemoImage, ...]
    republished_key: str | None
    # rendering details (beyond the ground truth)
    post_id: int = 0
    blocks: tuple[DemoBlock, ...] = ()
    encoding: str = "utf-8"  # "windows-1251" for two kprf_demo articles
    comments: tuple[DemoComment, ...] = ()
    comments_open: bool = True
    credit: str = ""  # original byline of a republished text, put by the template before the body

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published


@dataclass(frozen=True)
class DemoPage:
    """A static WordPress page (about, contacts): not an article."""

    key: str
    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    modified: datetime
    post_id: int


@dataclass(frozen=True)
class DemoSite:
    """One demo website and its content for one night."""

    key: str
    name: str
    language: str
    articles: tuple[DemoArticle, ...]
    boilerplate: tuple[str, ...]
    pages: tuple[DemoPage, ...] = ()
    gone: tuple[str, ...] = ()  # paths of removed articles, answered with 410 Gone
    night: int = 1
    description: str = ""
    rest_api: bool = False  # serves the WordPress REST API (/wp-json/wp/v2/...); else it answers 401
    timezone: str = "+00:00"  # the site's UTC offset: REST ``date``/``modified`` are local times

    def article(self, key: str) -> DemoArticle:
        for art in self.articles:
            if art.key == key:
                return art
        raise KeyError(key)
