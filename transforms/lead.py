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
# blocks that may hold a lead (an inline element when the template wraps it in a span)
_LEAD_TAGS = ("p", "div", "h2", "h3", "h4", "span", "strong", "section", "header", "blockquote", "li", "dd", "em", "b")
# a lead never sits inside these
_NOT_LEAD = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "nav", "footer", "a", "button", "form", "figcaption"}
)
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


def find_lead(
    tree: lxml_html.HtmlElement,
    lines: list[str],
    body: BodyMap,
    skip: set[int],
    description: str | None,
    title: str | None,
) -> str | None:
    """The text of the page's lead block when the main text ``lines`` lack it, else None.
    The body starts at its first line not in ``skip`` (the edge residue) found in the page."""
    keys = descriptions(tree, description)
    mapped = [index for index in body.blocks if index not in skip]
    if not keys or not mapped:
        return None
    first = body.blocks[min(mapped)]
    around = set(first.iterancestors())
    shortest = min(len(d) for d in keys)
    longest = max(2 * len(d) + 50 for d in keys) + 10  # a little slack for what the key drops
    best: tuple[lxml_html.HtmlElement, str] | None = None
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
        if not key or (best is not None and len(key) > len(best[1])):
            continue
        if any(key.startswith(d) and len(key) <= 2 * len(d) + 50 for d in keys):  # the smallest such block
            best = (element, key)
    if best is None:
        return None
    element, key = best
    if any(a.tag in _NOT_LEAD for a in (element, *element.iterancestors())):
        return None
    if title and key == match_key(title):
        return None
    if key in match_key(" ".join(lines)):
        return None
    if 2 * sum(words(a.text_content()) for a in element.iter("a")) > words(key):
        return None
    return normalize_line(element.text_content())
