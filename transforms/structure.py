"""Site boilerplate learned from the pages' structure: text blocks repeated across a source's HTML.

Counting lines over extracted texts misses what a theme prints in every page but the extractor
takes into only a few texts: a block area inside ``<main>`` after the post (a podcast teaser,
the latest edition's cover caption, the tagline) that trafilatura keeps with *short* posts
only. The HTML of every page has those blocks. So, at extraction, each page lists its text
blocks as keys (``page_blocks``): the block's normalized text and a coarse DOM path (the
landmark elements above it, ``main``, ``article``, ``aside``..., and its own tag), hashed to 16
hex characters: 12 of the text, 4 of the path. At load, per source, every block key counts the
pages it was on and the pages whose extracted text held its text (``count_blocks``); a key is
boilerplate when it is on at least ``max(MIN_PAGES, MIN_SHARE × pages)`` of the source's pages
and its text is in the extracted text of at most half of them (``learn_blocks``): a line in the
body of most pages where it occurs is the pages' own text (an article quoted elsewhere, a
recurring heading of the articles), never stripped.

A line of a document is stripped (``structural_lines``) when its text is a learned block's text
and every block of its page with that text is learned: an article's paragraph that another
page's sidebar quotes stays in the article, whose page has it at another place too. Everything
depends on the set of pages only, never on their order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml import html as lxml_html

from transforms.normalize import match_key, memo_short

# a block must be on at least this many of the source's pages ...
MIN_PAGES = 4
# ... and on at least this share of them (the larger wins)
MIN_SHARE = 0.30
# ... and its text in the extracted body of at most this share of the pages it is on
MAX_BODY_SHARE = 0.5
TEXT_HASH = 12  # hex characters of a key that identify the text
PATH_HASH = 4  # ... and the coarse path
# the elements whose text is a block (as trafilatura cuts a page into lines), and the
# landmarks that make a block's coarse path
_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption"}
)
_LEAF_BLOCKS = frozenset({"div"})  # a block only when it holds text and no element
_LANDMARKS = frozenset({"main", "article", "aside", "nav", "header", "footer", "section", "form"})
_ROLES = {
    "main": "main",
    "article": "article",
    "complementary": "aside",
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
}
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title"})
MAX_BLOCKS = 2000  # a page listing more blocks than this is a listing or byte soup: the first ones


@memo_short  # a site's chrome repeats on every page
def text_hash(line: str) -> str:
    """The text part of a block key, for a line of extracted text or a block's text ("" when empty)."""
    key = match_key(line)
    if not key or not any(map(str.isalnum, key)):
        return ""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:TEXT_HASH]


def _landmarks(element: lxml_html.HtmlElement, paths: dict[lxml_html.HtmlElement, str | None]) -> str | None:
    """The landmarks at and above ``element`` (``/main/article``), memoized in ``paths`` along the
    way up (each ancestor is visited once per page); None inside ``noscript`` or ``template``."""
    chain = []
    node: lxml_html.HtmlElement | None = element
    while node is not None and node not in paths:
        chain.append(node)
        node = node.getparent()
    base = paths[node] if node is not None else ""
    for item in reversed(chain):
        if base is not None:
            tag = item.tag
            if tag in _SKIP:
                base = None
            elif tag in _LANDMARKS:
                base = f"{base}/{tag}"
            elif (role := item.get("role")) in _ROLES:
                base = f"{base}/{_ROLES[role]}"
        paths[item] = base
    return base


def page_blocks(tree: lxml_html.HtmlElement) -> tuple[str, ...]:
    """The page's text blocks as sorted, distinct keys (text hash + coarse path hash)."""
    keys: set[str] = set()
    paths: dict[lxml_html.HtmlElement, str | None] = {}
    path_hashes: dict[str, str] = {}
    for element in tree.iter(*_BLOCKS, *_LEAF_BLOCKS):
        if element.tag in _LEAF_BLOCKS:
            if len(element) or not element.text:
                continue
            text = element.text
        else:
            text = element.text_content()
        digest = text_hash(text)
        parent = element.getparent() if digest else None
        above = _landmarks(parent, paths) if parent is not None else None
        if above is not None:
            path = f"{above}/{element.tag}"
            if path not in path_hashes:
                path_hashes[path] = hashlib.sha1(path.encode()).hexdigest()[:PATH_HASH]
            keys.add(digest + path_hashes[path])
            if len(keys) >= MAX_BLOCKS:
                break
    return tuple(sorted(keys))


@dataclass(frozen=True, slots=True)
class BlockCount:
    """One block key's counts over the pages counted in one batch."""

    pages: int = 0
    body_pages: int = 0
    line: str | None = None  # the extracted line with this text, when one page's body held it


def count_blocks(pages: Iterable[tuple[tuple[str, ...], str]]) -> dict[str, BlockCount]:
    """Per block key, over ``(blocks, extracted text)`` of distinct pages: on how many pages it
    is, on how many its text is in the extracted text, and that line (the smallest, so the
    result does not depend on the order)."""
    counts: dict[str, BlockCount] = {}
    for blocks, text in pages:
        lines: dict[str, str] = {}
        for line in text.split("\n"):
            digest = text_hash(line)
            if digest and (digest not in lines or line.strip() < lines[digest]):
                lines[digest] = line.strip()
        for key in set(blocks):
            old = counts.get(key, BlockCount())
            found = lines.get(key[:TEXT_HASH])
            seen = [x for x in (old.line, found) if x is not None]
            counts[key] = BlockCount(old.pages + 1, old.body_pages + (found is not None), min(seen) if seen else None)
    return counts


def block_threshold(pages: int, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> int:
    """On how many of the source's ``pages`` a block must be to count as boilerplate."""
    return max(min_pages, int(min_share * pages + 0.999999))


def learn_blocks(
    counts: Mapping[str, tuple[int, int]],
    pages: int,
    min_pages: int = MIN_PAGES,
    min_share: float = MIN_SHARE,
    max_body_share: float = MAX_BODY_SHARE,
) -> frozenset[str]:
    """The block keys that are site boilerplate, from ``key -> (pages, body_pages)`` over the
    source's ``pages``: on enough pages, and not in the body of most pages where they are."""
    needed = block_threshold(pages, min_pages, min_share)
    return frozenset(key for key, (on, in_body) in counts.items() if on >= needed and in_body <= max_body_share * on)


def learned_texts(learned: Iterable[str]) -> frozenset[str]:
    """The text hashes of learned block keys."""
    return frozenset(key[:TEXT_HASH] for key in learned)


def structural_lines(learned: frozenset[str], blocks: Iterable[str]) -> frozenset[str]:
    """The text hashes a page's lines are stripped by: texts of learned blocks that the page has
    only as learned blocks (a text it also has elsewhere, its own body, stays)."""
    if not learned:
        return frozenset()
    found: dict[str, bool] = {}
    for key in blocks:
        digest = key[:TEXT_HASH]
        found[digest] = found.get(digest, True) and key in learned
    return frozenset(digest for digest, all_learned in found.items() if all_learned)
