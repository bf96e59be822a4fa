"""Shared HTML rendering helpers and the SiteView both WordPress-like themes render from."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from demo.content import slugify
from demo.model import DemoArticle, DemoBlock, DemoPage, DemoSite

PER_PAGE = 10
WP_SIZES = (300, 768, 1024, 1536, 2048)  # medium, medium_large, large, 1536x1536, 2048x2048


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return html.escape(text, quote=True)


def iso(dt: datetime) -> str:
    return dt.isoformat()


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


# ---------------------------------------------------------------- images


@dataclass(frozen=True)
class Rendition:
    """One resized copy of an uploaded image, as WordPress generates them."""

    path: str
    width: int
    height: int


def renditions(block: DemoBlock) -> list[Rendition]:
    """All sizes of a figure's image with its aspect ratio, ascending; the original is the last one."""
    assert block.image is not None
    src = block.image.src
    stem, dot, ext = src.rpartition(".")
    out = []
    for width in WP_SIZES:
        if width < block.width:
            height = round(block.height * width / block.width)
            out.append(Rendition(f"{stem}-{width}x{height}{dot}{ext}", width, height))
    out.append(Rendition(src, block.width, block.height))
    return out


def display_rendition(block: DemoBlock) -> Rendition:
    """The "large" size WordPress puts into ``src`` (the original when it is not wider than 1024px)."""
    sizes = renditions(block)
    return next((r for r in sizes if r.width == 1024), sizes[-1])


def srcset(block: DemoBlock, url: Callable[[str], str]) -> str:
    shown = display_rendition(block)
    ordered = [shown] + [r for r in renditions(block) if r != shown]
    return ", ".join(f"{url(r.path)} {r.width}w" for r in ordered)


def thumbnail(block: DemoBlock) -> Rendition:
    return renditions(block)[0]


# ---------------------------------------------------------------- body blocks


def render_blocks(
    blocks: Iterable[DemoBlock],
    figure: Callable[[DemoBlock], str],
    gallery: Callable[[list[DemoBlock]], str] | None = None,
) -> str:
    """Render body blocks as WordPress block-editor HTML; consecutive list items share one list."""
    out: list[str] = []
    items: list[DemoBlock] = []
    figures: list[DemoBlock] = []

    def flush() -> None:
        if items:
            tag = "ol" if items[0].kind == "oli" else "ul"
            lis = "".join(f"<li>{esc(b.text)}</li>" for b in items)
            out.append(f'<{tag} class="wp-block-list">{lis}</{tag}>')
            items.clear()
        if figures:
            if gallery is not None and len(figures) > 1:
                out.append(gallery(list(figures)))
            else:
                out.extend(figure(b) for b in figures)
            figures.clear()

    for block in blocks:
        if block.kind in ("li", "oli"):
            if figures or (items and items[0].kind != block.kind):
                flush()
            items.append(block)
            continue
        if block.kind == "figure":
            if items:
                flush()
            figures.append(block)
            continue
        flush()
        if block.kind == "p":
            out.append(f"<p>{esc(block.text)}</p>")
        elif block.kind == "h2":
            out.append(f'<h2 class="wp-block-heading">{esc(block.text)}</h2>')
        elif block.kind == "quote":
            out.append(f'<blockquote class="wp-block-quote"><p>{esc(block.text)}</p></blockquote>')
        else:
            raise ValueError(f"unknown block kind {block.kind!r}")
    flush()
    return "\n".join(out)


def excerpt(article: DemoArticle, words: int, more: str) -> str:
    """WordPress' automatic excerpt: the first ``words`` words of the body text, then ``more`` if cut."""
    parts = " ".join(article.paragraphs).split()
    return " ".join(parts[:words]) + (more if len(parts) > words else "")


# ---------------------------------------------------------------- listings and the site view


@dataclass(frozen=True)
class Listing:
    """One page of an archive (home, category, tag, author or search results)."""

    kind: str
    name: str
    path: str  # archive base path, e.g. "/category/vybory/"
    items: tuple[DemoArticle, ...]
    page: int
    pages: int
    query: str = ""

    def page_path(self, n: int) -> str:
        return self.path if n <= 1 else f"{self.path}page/{n}/"

    @property
    def own_path(self) -> str:
        return self.page_path(self.page)


@dataclass
class SiteView:
    """A site rendered at a base URL (``http://127.0.0.1:PORT``, no trailing slash)."""

    site: DemoSite
    base: str
    broken: bool = False
    _slug_cache: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def home(self) -> str:
        return self.base + "/"

    @cached_property
    def latest(self) -> list[DemoArticle]:
        return sorted(self.site.articles, key=lambda a: (a.published, a.post_id), reverse=True)

    @cached_property
    def newest(self) -> datetime:
        stamps = [a.last_modified for a in self.site.articles] + [p.modified for p in self.site.pages]
        return max(stamps)

    def slug(self, name: str) -> str:
        if name not in self._slug_cache:
            self._slug_cache[name] = slugify(name) or "x"
        return self._slug_cache[name]

    def category_path(self, name: str) -> str:
        return f"/category/{self.slug(name)}/"

    def tag_path(self, name: str) -> str:
        return f"/tag/{self.slug(name)}/"

    def author_path(self, name: str) -> str:
        return f"/author/{self.slug(name)}/"

    def _names(self, attr: str) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for art in self.latest:
            for name in getattr(art, attr):
                counts[name] = counts.get(name, 0) + 1
        return sorted(counts.items(), key=lambda kv: kv[0].lower())

    @cached_property
    def categories(self) -> list[tuple[str, int]]:
        return self._names("categories")

    @cached_property
    def tags(self) -> list[tuple[str, int]]:
        return self._names("tags")

    @cached_property
    def authors(self) -> list[tuple[str, int]]:
        return self._names("authors")

    def term_id(self, name: str) -> int:
        names = [n for n, _ in self.categories] + [n for n, _ in self.tags] + [n for n, _ in self.authors]
        return 3 + names.index(name) if name in names else 1

    def archive(self, kind: str, name: str) -> list[DemoArticle]:
        attr = {"category": "categories", "tag": "tags", "author": "authors"}[kind]
        return [a for a in self.latest if name in getattr(a, attr)]

    def listing(
        self, kind: str, name: str, path: str, items: list[DemoArticle], page: int, query: str = ""
    ) -> Listing | None:
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        if page < 1 or page > pages:
            return None
        chunk = tuple(items[(page - 1) * PER_PAGE : page * PER_PAGE])
        return Listing(kind, name, path, chunk, page, pages, query)

    def related(self, article: DemoArticle, n: int = 3) -> list[DemoArticle]:
        """Deterministic "related posts": same category first, then nearest in time."""
        others = [a for a in self.latest if a.key != article.key]

        def score(a: DemoArticle) -> tuple[int, float, int]:
            shared = len(set(a.categories) & set(article.categories)) + len(set(a.tags) & set(article.tags))
            return (-shared, abs((a.published - article.published).total_seconds()), a.post_id)

        return sorted(others, key=score)[:n]

    def neighbours(self, article: DemoArticle) -> tuple[DemoArticle | None, DemoArticle | None]:
        """(previous = older, next = newer) posts."""
        order = list(reversed(self.latest))
        i = next(k for k, a in enumerate(order) if a.key == article.key)
        return (order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)

    def page_by_path(self) -> dict[str, DemoPage]:
        return {p.path: p for p in self.site.pages}


def json_for_script(data: str) -> str:
    """Make a JSON text safe inside <script>."""
    return data.replace("</", "<\\/")


def page_schema(v: SiteView, page: DemoPage, language: str) -> str:
    """The schema.org graph of a static page, as Yoast writes it for a WordPress page: a WebPage
    (an AboutPage for the about page) of the WebSite, no Article and no date on the page."""
    url = v.url(page.path)
    kind: str | list[str] = ["WebPage", "AboutPage"] if page.key.endswith("-about") else "WebPage"
    graph = [
        {
            "@type": kind,
            "@id": url,
            "url": url,
            "name": f"{page.title} - {v.site.name}",
            "isPartOf": {"@id": f"{v.home}#website"},
            "inLanguage": language,
        },
        {"@type": "WebSite", "@id": f"{v.home}#website", "url": v.home, "name": v.site.name, "inLanguage": language},
    ]
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    return f'<script type="application/ld+json" class="yoast-schema-graph">{json_for_script(data)}</script>'
