"""Structured metadata of a page (JSON-LD, meta tags, WordPress microformats), each value with its provenance.

Structured signals are cheap and explicit, so they come first; heuristics (htmldate) are
the caller's fallback. Nothing here is specific to a site: every rule reads a published
standard (schema.org, Open Graph, the ``article:*`` meta, hAtom/WordPress classes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urljoin

from lxml import etree
from lxml import html as lxml_html

from transforms.authors import byline_links, clean_authors
from transforms.dates import parse_datetime
from transforms.kind import (
    ARTICLE,
    ARTICLE_TYPES,
    GENERIC_PAGE,
    JSON_LD_TYPE,
    MICRODATA_TYPE,
    OG_TYPE,
    PAGE,
    WP_POST_CLASS,
    Signal,
    generic_page,
    og_kind,
    schema_kind,
)
from transforms.records import PageMeta

# the longest reason kept for a field that could not be read
MAX_REASON = 200
# fields every signal is read for (the dates are weighed together in ``transforms.page_dates``)
DATE_FIELDS = ("published_at", "modified_at")
# XML white space, as XPath's normalize-space splits on it
_XML_SPACE = re.compile(r"[ \t\n\r]+")


@dataclass
class Found:
    """What the page's signals say: the metadata (``meta``, the first value offered per field),
    and beside it what extraction needs of the signals; ``provenance`` maps field -> signal."""

    meta: PageMeta = field(default_factory=PageMeta)
    # the longest JSON-LD articleBody (``transforms.article_body`` finds the body's blocks with it)
    article_body: str | None = None
    # (signal, kind) pairs the page offers for telling an article from a page (``transforms.kind``)
    kinds: list[Signal] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    # every date offered, (field, signal, value) in page order: transforms.dates ranks and checks them
    dates: list[tuple[str, str, datetime]] = field(default_factory=list)
    # field -> why a signal for it could not be read (the field is then left to the other signals)
    failures: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, value: Any) -> None:
        """Replace one metadata field's value (a later, better-informed step overrules the page)."""
        self.meta = replace(self.meta, **{name: value})

    def kind(self, signal: str, compute: Callable[..., str | None], *args: Any) -> None:
        """Note what one signal, ``compute(*args)``, says the page is (nothing when it does not
        say); a signal that cannot be read is no signal (its reason kept under ``kind``)."""
        try:
            kind = compute(*args)
        except Exception as error:  # a malformed page costs this signal only
            self.fail("kind", signal, error)
            return
        if kind is not None and (signal, kind) not in self.kinds:
            self.kinds.append((signal, kind))

    def set(self, name: str, value: Any, signal: str) -> None:
        """Keep the first non-empty value offered for a field (signals come best first)."""
        if name in DATE_FIELDS and isinstance(value, datetime):
            self.dates.append((name, signal, value))
        if value and not getattr(self.meta, name):
            self.put(name, value)
            self.provenance[name] = signal

    def offer(self, name: str, compute: Callable[..., Any], signal: str, *args: Any) -> None:
        """``set`` the value ``compute(*args)`` returns; should reading it fail (a malformed page),
        only this field of this signal is lost, and the reason is kept in ``failures``. A field
        a better signal gave already is not read again (dates are: every candidate counts)."""
        if name not in DATE_FIELDS and getattr(self.meta, name):
            return
        try:
            value = compute(*args)
        except Exception as error:  # any fault of one field's markup costs that field only
            self.fail(name, signal, error)
            return
        self.set(name, value, signal)

    def fail(self, name: str, signal: str, error: BaseException) -> None:
        """Record why ``name`` could not be read from ``signal`` (the first reason per field)."""
        self.failures.setdefault(name, f"{signal}: {type(error).__name__}: {error}"[:MAX_REASON])


def _clean(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value else ""


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        value = _clean(value)
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return tuple(seen.values())


def jsonld_objects(tree: lxml_html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):  # malformed, or nested deeper than the parser goes
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
        ref = value.get("@id")
        if "name" not in value and isinstance(ref, str) and ref in by_id:
            value = by_id[ref]
        return [_clean(value.get("name"))] if value.get("name") else []
    return [_clean(value)] if isinstance(value, str) else []


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def _from_jsonld(tree: lxml_html.HtmlElement, found: Found) -> None:
    objects = list(jsonld_objects(tree))
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    types = [t for obj in objects for t in _types(obj)]
    found.kind(JSON_LD_TYPE, schema_kind, types)
    found.kind(GENERIC_PAGE, generic_page, types)
    for obj in objects:
        body = obj.get("articleBody")
        if isinstance(body, str) and len(body) > len(found.article_body or ""):
            found.article_body = body
        if not _types(obj) & ARTICLE_TYPES:
            continue
        found.offer("title", lambda o: _clean(o.get("headline")), "json-ld:headline", obj)
        found.offer("authors", lambda o: clean_authors(_names(o.get("author"), by_id)), "json-ld:author", obj)
        found.offer("published_at", lambda o: parse_datetime(o.get("datePublished")), "json-ld:datePublished", obj)
        found.offer("modified_at", lambda o: parse_datetime(o.get("dateModified")), "json-ld:dateModified", obj)
        found.offer("categories", lambda o: _unique(_listed(o.get("articleSection"))), "json-ld:articleSection", obj)
        found.offer("tags", lambda o: _unique(_keywords(o.get("keywords"))), "json-ld:keywords", obj)
        found.offer("description", lambda o: _clean(o.get("description")), "json-ld:description", obj)
    for obj in objects:
        if "website" in _types(obj) or "organization" in _types(obj):
            found.offer("site_name", lambda o: _clean(o.get("name")), "json-ld:name", obj)


def _keywords(value: Any) -> list[Any]:
    return value.split(",") if isinstance(value, str) else _listed(value)


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

    found.kind(OG_TYPE, lambda: og_kind(first("og:type")))
    found.offer("published_at", lambda: parse_datetime(first("article:published_time")), "meta:article:published_time")
    found.offer("modified_at", lambda: parse_datetime(first("article:modified_time")), "meta:article:modified_time")
    found.offer("published_at", lambda: parse_datetime(first("datepublished") or first("date")), "meta:date")
    found.offer("modified_at", lambda: parse_datetime(first("og:updated_time")), "meta:og:updated_time")
    found.offer("site_name", lambda: _clean(first("og:site_name")), "meta:og:site_name")
    found.offer("description", lambda: _clean(first("og:description") or first("description")), "meta:description")
    found.offer("categories", lambda: _unique(meta.get("article:section", [])), "meta:article:section")
    found.offer("tags", lambda: _unique(meta.get("article:tag", [])), "meta:article:tag")
    authors = [a for a in meta.get("author", []) + meta.get("article:author", []) if not a.startswith("http")]
    found.offer("authors", lambda: clean_authors(authors), "meta:author")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    if canonical:
        found.offer("canonical_url", lambda: urljoin(base_url, canonical[0].strip()), "link:canonical")
    og_url = first("og:url")
    found.offer("canonical_url", lambda: urljoin(base_url, og_url) if og_url else "", "meta:og:url")
    found.offer("title", lambda: _clean(first("og:title")), "meta:og:title")


def _rel_tokens(node: lxml_html.HtmlElement) -> set[str]:
    return set((node.get("rel") or "").lower().split())


def _first(tree: lxml_html.HtmlElement, path: str) -> Any:
    values = tree.xpath(path)
    return values[0] if values else None


def _from_markup(tree: lxml_html.HtmlElement, found: Found, classes: list[str]) -> None:
    """hAtom / WordPress theme markup: entry-title, time.published, rel=author, rel=tag
    (``classes``: the page's class values, which say when a lookup cannot find anything)."""
    headings = tree.xpath('//h1[contains(concat(" ", normalize-space(@class), " "), " entry-title ")]') or tree.xpath(
        "//article//h1"
    )
    if headings:
        found.offer("title", lambda: _clean(headings[0].text_content()), "html:h1.entry-title")
    published = '//time[contains(@class, "published") or contains(@class, "entry-date")]/@datetime'
    found.offer("published_at", lambda: parse_datetime(_first(tree, published)), "html:time.published")
    updated = '//time[contains(@class, "updated")]/@datetime'
    found.offer("modified_at", lambda: parse_datetime(_first(tree, updated)), "html:time.updated")
    links = tree.xpath("//a[@rel]")
    found.offer("authors", lambda: clean_authors(byline_links(tree)), "html:rel=author")
    if any("author" in value for value in classes) and any(" fn " in f" {value} " for value in classes):
        vcards = '//*[contains(@class, "author")]//*[contains(concat(" ", @class, " "), " fn ")]'
        found.offer("authors", lambda: clean_authors(v.text_content() for v in tree.xpath(vcards)), "html:vcard")
    found.offer(
        "categories",
        lambda: _unique(a.text_content() for a in links if {"category", "tag"} <= _rel_tokens(a)),
        "html:rel=category",
    )
    found.offer("tags", lambda: _unique(a.text_content() for a in links if _rel_tokens(a) == {"tag"}), "html:rel=tag")
    found.kind(WP_POST_CLASS, _wp_kind, tree, classes)


# every class value of the page, in document order (one pass instead of one lookup per rule)
_CLASSES = etree.XPath("//@class", smart_strings=False)


def _class_tokens(node: lxml_html.HtmlElement | None) -> list[str]:
    return (node.get("class") or "").split() if node is not None else []


def _wp_kind(tree: lxml_html.HtmlElement, classes: list[str]) -> str | None:
    """WordPress' own post type in the markup: ``body_class()`` (``single-post``, ``postid-N``
    against ``page-id-N``), else the first ``post_class()`` entry (``type-post``, ``type-page``)."""
    body = tree.find(".//body") if tree.tag != "body" else tree
    tokens = _class_tokens(body)
    if "single-post" in tokens or any(re.fullmatch(r"postid-\d+", t) for t in tokens):
        return ARTICLE
    if any(re.fullmatch(r"page-id-\d+", t) for t in tokens):
        return PAGE
    entry = next((value for value in classes if "type-post" in value or "type-page" in value), "")
    for token in entry.split():
        if token in ("type-post", "type-page"):
            return ARTICLE if token == "type-post" else PAGE
    return None


def _microdata_authors(tree: lxml_html.HtmlElement) -> tuple[str, ...]:
    names = []
    for node in tree.xpath('//*[@itemprop="author"]'):
        inner = node.xpath('.//*[@itemprop="name"]')
        target = inner[0] if inner else node
        names.append(target.get("content") or target.text_content())
    return clean_authors(names)


_ITEMPROPS = etree.XPath("//@itemprop", smart_strings=False)
_ITEMTYPES = etree.XPath("//@itemtype", smart_strings=False)


def _from_microdata(tree: lxml_html.HtmlElement, found: Found) -> None:
    """schema.org microdata: itemprop author (or its nested name) and the dates' datetime."""
    itemprops = set(_ITEMPROPS(tree))  # one pass says which lookups can find anything
    if "author" in itemprops:
        found.offer("authors", lambda: _microdata_authors(tree), "microdata:author")
    types = [t for v in _ITEMTYPES(tree) for t in v.split()]
    found.kind(MICRODATA_TYPE, lambda: schema_kind(types))
    found.kind(GENERIC_PAGE, lambda: generic_page(types))
    for name, prop in (("published_at", "datePublished"), ("modified_at", "dateModified")):
        if prop in itemprops:
            path = f'//*[@itemprop="{prop}"]/@datetime | //*[@itemprop="{prop}"]/@content'
            found.offer(name, lambda p: parse_datetime(_first(tree, p)), f"microdata:{prop}", path)


def _wp_classes(found: Found, classes: list[str]) -> None:
    """WordPress ``post_class()`` tokens (``category-<slug>``, ``tag-<slug>``): slugs, a last resort."""
    post = next((v for v in classes if "type-post" in v and "type-post" in _XML_SPACE.split(v)), None)
    if post is None:
        return
    tokens = post.split()
    for name, prefix in (("categories", "category-"), ("tags", "tag-")):
        found.offer(
            name,
            lambda p: _unique(unquote(t[len(p) :]).replace("-", " ") for t in tokens if t.startswith(p)),
            "html:wp-post-class",
            prefix,
        )


def _site_name_from_title(title: str, site_name: str | None) -> str:
    if site_name:
        for sep in (" - ", " – ", " — ", " | ", " :: ", " « ", " » "):
            suffix = f"{sep}{site_name}"
            if title.endswith(suffix):
                return title[: -len(suffix)].strip()
    return title


def _title(tree: lxml_html.HtmlElement) -> str:
    titles = tree.xpath("//title")
    return _clean(titles[0].text_content()) if titles else ""


def _page_language(tree: lxml_html.HtmlElement) -> str | None:
    lang = tree.xpath("/html/@lang")
    return str(lang[0]).split("-")[0].lower() if lang else None


def find_metadata(tree: lxml_html.HtmlElement, base_url: str) -> Found:
    """Collect every structured metadata signal of a parsed page, best signal first.

    Never raises: a field whose markup cannot be read is left to the other signals (its
    reason in ``failures``); should a whole family of signals fail (its shared lookups), the
    others still count."""
    found = Found()
    classes: list[str] = []
    families: list[tuple[str, Callable[[], None]]] = [
        ("html", lambda: classes.extend(_CLASSES(tree))),
        ("json-ld", lambda: _from_jsonld(tree, found)),
        ("html", lambda: _from_markup(tree, found, classes)),
        ("microdata", lambda: _from_microdata(tree, found)),
        ("meta", lambda: _from_meta(tree, found, base_url)),
        ("html:wp-post-class", lambda: _wp_classes(found, classes)),
    ]
    for signal, collect in families:
        try:
            collect()
        except Exception as error:  # e.g. a tree too deep for a lookup: the other families still count
            found.fail(signal, signal, error)
    found.offer("title", lambda: _title(tree), "html:title")
    if found.meta.title:
        found.put("title", _site_name_from_title(found.meta.title, found.meta.site_name))
    try:
        found.put("page_language", _page_language(tree))
    except Exception as error:
        found.fail("page_language", "html:lang", error)
    return found
