"""Where the extracted body sits in the page: its images, its links, link-only residue at its edges.

trafilatura returns the body's text; asking it for images and links too changes which
blocks it keeps (measured on the dev benchmark: both lower its precision). So the text
comes from one text-only extraction, and this module finds the body's paragraphs back in
the page (by their normalized text) to read what the text cannot carry: the images between
them, the links inside them, and which edge paragraphs are nothing but link text (share
bars, "read more", breadcrumb crumbs). Everything is read from markup, never from wording,
so it holds for any site and language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from transforms.boilerplate import strip_markdown
from transforms.normalize import match_key
from transforms.urls import canonicalize

# a paragraph made only of link text with at most this many words is navigation, not prose
MAX_RESIDUE_WORDS = 6
_TEXT_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd", "dt"})
# scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, CJK ideographs
_DENSE = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[^\W{_DENSE}]+")
_DENSE_CHAR = re.compile(f"[{_DENSE}]")
# characters of those scripts per word of a spaced script (a Japanese sentence of 60 characters
# says about what an English one of 25 words does)
CHARS_PER_WORD = 2.5


def words(text: str) -> float:
    """How many words a text has: runs of word characters, and in scripts written without spaces
    (Chinese, Japanese, Thai...) their characters over ``CHARS_PER_WORD``, so that a paragraph
    weighs about the same in any script."""
    return len(_WORD.findall(text)) + len(_DENSE_CHAR.findall(text)) / CHARS_PER_WORD


def text_key(line: str) -> str:
    """How a line of extracted text or Markdown is matched to the page (see ``match_key``)."""
    return match_key(strip_markdown(line))


@dataclass
class BodyMap:
    """The page elements behind the body's lines, and the body images with the line they follow."""

    blocks: dict[int, lxml_html.HtmlElement] = field(default_factory=dict)
    images: list[tuple[int, lxml_html.HtmlElement]] = field(default_factory=list)


def _common_ancestor(elements: list[lxml_html.HtmlElement]) -> lxml_html.HtmlElement | None:
    chain = [elements[0], *elements[0].iterancestors()]
    for element in elements[1:]:
        ancestors = {element, *element.iterancestors()}
        while chain and chain[0] not in ancestors:
            chain.pop(0)
    return chain[0] if chain else None


def map_body(tree: lxml_html.HtmlElement, lines: list[str]) -> BodyMap:
    """Find each body line's element in the page (first match, in document order) and the
    images of the body's container, each after the last line that precedes it."""
    wanted: dict[str, int] = {}
    for index, line in enumerate(lines):
        wanted.setdefault(text_key(line), index)
    wanted.pop("", None)
    body = BodyMap()
    events: list[tuple[str, lxml_html.HtmlElement, int]] = []
    for element in tree.iter(*_TEXT_BLOCKS, "img"):
        if element.tag == "img":
            events.append(("img", element, -1))
            continue
        index = wanted.get(match_key(element.text_content()), -1)
        if index >= 0 and index not in body.blocks:
            body.blocks[index] = element
            events.append(("line", element, index))
    if not body.blocks:
        return body
    container = _common_ancestor(list(body.blocks.values()))
    last_block = max(i for i, (kind, _, _) in enumerate(events) if kind == "line")
    trailing = events[last_block][1].getnext()
    anchor = -1
    for position, (kind, element, index) in enumerate(events):
        if kind == "line":
            anchor = index
            continue
        inside = container is not None and any(a is container for a in element.iterancestors())
        after_last = position > last_block and not (
            trailing is not None and (element is trailing or any(a is trailing for a in element.iterancestors()))
        )
        if inside and not after_last:
            body.images.append((anchor, element))
    return body


def is_link_residue(element: lxml_html.HtmlElement) -> bool:
    """True for a short block whose every word sits inside a link."""
    count = words(element.text_content())
    linked = sum(words(a.text_content()) for a in element.iter("a"))
    return 0 < count <= MAX_RESIDUE_WORDS and linked >= count


def edge_residue(lines: list[str], body: BodyMap) -> set[int]:
    """Indexes of the leading and trailing lines that are link-only blocks or have no word."""
    drop: set[int] = set()
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for index in order:
            element = body.blocks.get(index)
            if words(lines[index]) and (element is None or not is_link_residue(element)):
                break
            drop.add(index)
    return drop if len(drop) < len(lines) else set()


def body_links(body: BodyMap, page_url: str, skip: set[int]) -> tuple[str, ...]:
    """Absolute, canonical http(s) URLs the body's paragraphs link to, without the page itself."""
    try:
        page = canonicalize(page_url) if page_url else ""
    except ValueError:
        page = page_url
    found: dict[str, None] = {}
    for index in sorted(body.blocks):
        if index in skip:
            continue
        for anchor in body.blocks[index].iter("a"):
            target = (anchor.get("href") or "").strip()
            try:
                absolute = urljoin(page_url, target) if target else ""
                if urlsplit(absolute).scheme not in ("http", "https"):
                    continue
                url = canonicalize(absolute)
            except ValueError:  # a malformed href ("http://[x") is the page's problem, not the run's
                continue
            if url != page:
                found.setdefault(url, None)
    return tuple(found)
