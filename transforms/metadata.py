"""Structured metadata of a page (JSON-LD, meta tags, WordPress microformats), each value with its provenance.

Structured signals are cheap and explicit, so they come first; heuristics (htmldate) are
the caller's fallback. Nothing here is specific to a site: every rule reads a published
standard (schema.org, Open Graph, the ``article:*`` meta, hAtom/WordPress classes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urljoin

from lxml import html as lxml_html

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


@dataclass
class Found:
    """Metadata values found on a page; ``provenance`` maps field -> signal."""

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
    is_article: bool = False
    declared_type: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    # every date offered, (field, signal, value) in page order: transforms.dates ranks and checks them
    dates: list[tuple[str, str, datetime]] = field(default_factory=list)

    @property
    def not_article(self) -> bool:
        """True when the page says it is something else (og:type website, a WordPress page)."""
        return not self.is_article and self.declared_type is not None

    def set(self, name: str, value: Any, signal: str) -> None:
        """Keep the first non-empty value offered for a field (signals come best first)."""
        if name in ("published_at", "modified_at") and isinstance(value, datetime):
            self.dates.append((name, signal, value))
        if value and not getattr(self, name):
            setattr(self, name, value)
            self.provenance[name] = signal


def parse_datetime(value: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 date into an aware UTC datetime (naive means UTC)."""
    if not value:
        return None
    value = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _clean(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value else ""


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        value = _clean(value)
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return tuple(seen.values())


def _jsonld_objects(tree: lxml_html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except (json.JSONDecodeError, ValueError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).casefold() for k in kinds}


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    if isinstance(value, list):
        return [name for item in value for name in _names(item, by_id)]
    if isinstance(value, dict):
        if "name" not in value and value.get("@id") in by_id:
            value = by_id[value["@id"]]
        return [_clean(value.get("name"))] if value.get("name") else []
    return [_clean(value)] if isinstance(value, str) else []


def _from_jsonld(tree: lxml_html.HtmlElement, found: Found) -> None:
    objects = list(_jsonld_objects(tree))
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    for obj in objects:
        if not _types(obj) & ARTICLE_TYPES:
            continue
        found.is_article = True
        found.set("title", _clean(obj.get("headline")), "json-ld:headline")
        found.set("authors", _unique(_names(obj.get("author"), by_id)), "json-ld:author")
        found.set(
            "published_at",
            parse_datetime(obj.get("datePublished")),
            "json-ld:datePublished",
        )
        found.set(
            "modified_at",
            parse_datetime(obj.get("dateModified")),
            "json-ld:dateModified",
        )
        section = obj.get("articleSection")
        found.set(
            "categories",
            _unique(section if isinstance(section, list) else [section] if section else []),
            "json-ld:articleSection",
        )
        keywords = obj.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        found.set("tags", _unique(keywords or []), "json-ld:keywords")
        found.set("description", _clean(obj.get("description")), "json-ld:description")
    for obj in objects:
        if "website" in _types(obj) or "organization" in _types(obj):
            found.set("site_name", _clean(obj.get("name")), "json-ld:name")


def _meta(tree: lxml_html.HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key:
            values.setdefault(key, []).append(node.get("content", "").strip())
    return values


def _from_meta(tree: lxml_html.HtmlElement, found: Found, base_url: str) -> None:
    meta = _meta(tree)

    def first(key: str) -> str:
        return next((v for v in meta.get(key, []) if v), "")

    og_type = first("og:type").lower()
    if og_type == "article" or "article:published_time" in meta:
        found.is_article = True
    elif og_type:
        found.declared_type = og_type
    found.set(
        "published_at",
        parse_datetime(first("article:published_time")),
        "meta:article:published_time",
    )
    found.set(
        "modified_at",
        parse_datetime(first("article:modified_time")),
        "meta:article:modified_time",
    )
    found.set(
        "published_at",
        parse_datetime(first("datepublished") or first("date")),
        "meta:date",
    )
    found.set("modified_at", parse_datetime(first("og:updated_time")), "meta:og:updated_time")
    found.set("site_name", _clean(first("og:site_name")), "meta:og:site_name")
    found.set(
        "description",
        _clean(first("og:description") or first("description")),
        "meta:description",
    )
    found.set("categories", _unique(meta.get("article:section", [])), "meta:article:section")
    found.set("tags", _unique(meta.get("article:tag", [])), "meta:article:tag")
    authors = [a for a in meta.get("author", []) + meta.get("article:author", []) if not a.startswith("http")]
    found.set("authors", _unique(authors), "meta:author")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    if canonical:
        found.set("canonical_url", urljoin(base_url, canonical[0].strip()), "link:canonical")
    found.set(
        "canonical_url",
        urljoin(base_url, first("og:url")) if first("og:url") else "",
        "meta:og:url",
    )
    found.set("title", _clean(first("og:title")), "meta:og:title")


def _rel_tokens(node: lxml_html.HtmlElement) -> set[str]:
    return set((node.get("rel") or "").lower().split())


def _from_markup(tree: lxml_html.HtmlElement, found: Found) -> None:
    """hAtom / WordPress theme markup: entry-title, time.published, rel=author, rel=tag."""
    headings = tree.xpath('//h1[contains(concat(" ", normalize-space(@class), " "), " entry-title ")]') or tree.xpath(
        "//article//h1"
    )
    if headings:
        found.set("title", _clean(headings[0].text_content()), "html:h1.entry-title")
    published = tree.xpath('//time[contains(@class, "published") or contains(@class, "entry-date")]/@datetime')
    found.set(
        "published_at",
        parse_datetime(published[0]) if published else None,
        "html:time.published",
    )
    updated = tree.xpath('//time[contains(@class, "updated")]/@datetime')
    found.set(
        "modified_at",
        parse_datetime(updated[0]) if updated else None,
        "html:time.updated",
    )
    links = tree.xpath("//a[@rel]")
    found.set(
        "authors",
        _unique(a.text_content() for a in links if "author" in _rel_tokens(a)),
        "html:rel=author",
    )
    vcards = tree.xpath('//*[contains(@class, "author")]//*[contains(concat(" ", @class, " "), " fn ")]')
    found.set("authors", _unique(v.text_content() for v in vcards), "html:vcard")
    categories = [a.text_content() for a in links if {"category", "tag"} <= _rel_tokens(a)]
    found.set("categories", _unique(categories), "html:rel=category")
    tags = [a.text_content() for a in links if _rel_tokens(a) == {"tag"}]
    found.set("tags", _unique(tags), "html:rel=tag")
    if tree.xpath('//article[contains(@class, "type-post")]'):
        found.is_article = True


def _from_microdata(tree: lxml_html.HtmlElement, found: Found) -> None:
    """schema.org microdata: itemprop author (or its nested name) and the dates' datetime."""
    names = []
    for node in tree.xpath('//*[@itemprop="author"]'):
        inner = node.xpath('.//*[@itemprop="name"]')
        target = inner[0] if inner else node
        names.append(target.get("content") or target.text_content())
    found.set("authors", _unique(names), "microdata:author")
    for name, prop in (("published_at", "datePublished"), ("modified_at", "dateModified")):
        values = tree.xpath(f'//*[@itemprop="{prop}"]/@datetime | //*[@itemprop="{prop}"]/@content')
        found.set(name, parse_datetime(values[0]) if values else None, f"microdata:{prop}")


def _wp_classes(tree: lxml_html.HtmlElement, found: Found) -> None:
    """WordPress ``post_class()`` tokens (``category-<slug>``, ``tag-<slug>``): slugs, a last resort."""
    posts = tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " type-post ")]/@class')
    if not posts:
        return
    tokens = posts[0].split()
    for name, prefix in (("categories", "category-"), ("tags", "tag-")):
        slugs = [unquote(t[len(prefix) :]).replace("-", " ") for t in tokens if t.startswith(prefix)]
        found.set(name, _unique(slugs), "html:wp-post-class")


def _site_name_from_title(title: str, site_name: str | None) -> str:
    if site_name:
        for sep in (" - ", " – ", " — ", " | ", " :: ", " « ", " » "):
            suffix = f"{sep}{site_name}"
            if title.endswith(suffix):
                return title[: -len(suffix)].strip()
    return title


def find_metadata(tree: lxml_html.HtmlElement, base_url: str) -> Found:
    """Collect every structured metadata signal of a parsed page, best signal first."""
    found = Found()
    _from_jsonld(tree, found)
    _from_markup(tree, found)
    _from_microdata(tree, found)
    _from_meta(tree, found, base_url)
    _wp_classes(tree, found)
    titles = tree.xpath("//title")
    if titles:
        found.set("title", _clean(titles[0].text_content()), "html:title")
    if found.title:
        found.title = _site_name_from_title(found.title, found.site_name)
    lang = tree.xpath("/html/@lang")
    found.page_language = lang[0].split("-")[0].lower() if lang else None
    return found
