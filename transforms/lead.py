"""The article's lead (standfirst, teaser paragraph) that trafilatura leaves out of the main text.

Many templates print the lead in the article header, apart from the body's paragraphs, and
trafilatura then extracts the body without it. The same templates usually repeat the lead
as the page's description (``og:description``, ``<meta name="description">``, JSON-LD).
A block of the page is taken as the lead when its text starts with one of the page's
descriptions (a description may be cut short), is at most about twice as long, comes
before the body in the page and holds neither the body nor mostly links. Only markup and
the page's own metadata are read, never wording, so the rule holds for any site and language.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from transforms.body import BodyMap, words
from transforms.normalize import match_key, normalize_line

# a description shorter than this many words is a tagline or a title, not a lead
MIN_LEAD_WORDS = 8
# a block opens with a description when it holds its first characters, and then at least this
# share of it, after a dateline ("Berlin. ") of at most a few words
MIN_LEAD_CHARS = 30
MIN_PREFIX_SHARE = 0.6
MAX_DATELINE_WORDS = 3
# the main text's first lines, where a lead's first part may already be
LEAD_OVERLAP_LINES = 3
# blocks that may hold a lead (an inline element when the template wraps it in a span)
_LEAD_TAGS = ("p", "div", "h2", "h3", "h4", "span", "strong", "section", "header", "blockquote", "li", "dd", "em", "b")
# a lead never sits inside these
_NOT_LEAD = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "nav",
        "footer",
        "a",
        "button",
        "form",
        "figcaption",
        "figure",
    }
)
# nor holds an image (with its caption)
_MEDIA = ("figure", "figcaption", "img", "picture", "video")
# the ellipsis a shortened description ends with
_ELLIPSIS = re.compile(r"\s*(\.\.\.|…|\[…\]|\[\.\.\.\])\s*$")
_DESCRIPTION_XPATH = (
    "//meta[@name='description' or @property='og:description' "
    "or @name='twitter:description' or @property='twitter:description']/@content"
)


def descriptions(tree: lxml_html.HtmlElement, found: str | None) -> list[str]:
    """The page's descriptions (the one found in its metadata first), as match keys, without
    a trailing ellipsis; those shorter than ``MIN_LEAD_WORDS`` words are left out."""
    keys: list[str] = []
    for value in [found, *tree.xpath(_DESCRIPTION_XPATH)]:
        if value:
            key = match_key(_ELLIPSIS.sub("", str(value)))
            if len(key.split()) >= MIN_LEAD_WORDS and key not in keys:
                keys.append(key)
    return keys


def _opening(key: str, description: str) -> int:
    """How many characters of the description the block's text opens with (after a dateline
    of at most ``MAX_DATELINE_WORDS`` words), counted when that is the whole description or at
    least ``MIN_PREFIX_SHARE`` of it (the description may be cut short or end otherwise), else 0."""
    head = description[:MIN_LEAD_CHARS]
    start = key.find(head)
    if start < 0 or (start and len(key[:start].split()) > MAX_DATELINE_WORDS):
        return 0
    shared = next((i for i, (a, b) in enumerate(zip(key[start:], description, strict=False)) if a != b), None)
    shared = min(len(key) - start, len(description)) if shared is None else shared
    return shared if shared == len(description) or shared >= MIN_PREFIX_SHARE * len(description) else 0


def find_lead(
    tree: lxml_html.HtmlElement,
    lines: list[str],
    body: BodyMap,
    skip: set[int],
    description: str | None,
    title: str | None,
) -> str | None:
    """The text of the page's lead block when the main text ``lines`` lack it, else None.
    The body starts at its first line not in ``skip`` (the edge residue) found in the page.
    Of the blocks before it that open with a description, the one opening with the most of
    one wins, the smallest of those."""
    keys = descriptions(tree, description)
    mapped = [index for index in body.blocks if index not in skip]
    if not keys or not mapped:
        return None
    first = body.blocks[min(mapped)]
    around = set(first.iterancestors())
    shortest = min(len(d) for d in keys)
    longest = max(2 * len(d) + 50 for d in keys) + 10  # a little slack for what the key drops
    title_key = match_key(title) if title else None
    best: tuple[int, int, str, lxml_html.HtmlElement] | None = None
    for element in tree.iter(*_LEAD_TAGS):
        if element is first:
            break
        if element in around:  # holds the body
            continue
        text = element.text_content()
        if 3 * len(text) < shortest:  # too short to start with a description (casefolding at most triples)
            continue
        if len(text) > longest and len(" ".join(text.split())) > longest:  # too long to be a lead
            continue
        key = match_key(text)
        if not key or key == title_key:
            continue
        opening = max((_opening(key, d) for d in keys if len(key) <= 2 * len(d) + 50), default=0)
        if not opening or (best is not None and (opening, -len(key)) <= best[:2]):
            continue
        if any(a.tag in _NOT_LEAD for a in (element, *element.iterancestors())):
            continue
        if 2 * sum(words(a.text_content()) for a in element.iter("a")) > words(key):
            continue
        if next(element.iterdescendants(*_MEDIA), None) is not None:  # an image with its caption
            continue
        best = (opening, -len(key), key, element)
    if best is None:
        return None
    key, element = best[2], best[3]
    if key in match_key(" ".join(lines)):  # the text has it already
        return None
    for line in lines[:LEAD_OVERLAP_LINES]:  # or opens with its first part
        start = match_key(line)
        if 3 * len(start) >= len(key) and key.startswith(start):
            return None
    return normalize_line(element.text_content())
