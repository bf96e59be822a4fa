"""Paragraphs trafilatura left out, found by the page's own schema.org ``articleBody``.

JSON-LD ``articleBody`` is the publisher's statement of the body. It never replaces the
extraction (it often lacks paragraph breaks, sub-headings or carries markup of its own): it
only tells which of the page's *visible* blocks are body, so that paragraphs the extraction
left out (a body split over several containers) are put back in page order.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from transforms.body import text_key

# below this share of the articleBody's tokens in the extracted text, blocks are looked for
MISSING_SHARE = 0.7
# the visible blocks found in the articleBody must add at least this share of its tokens
GAIN_SHARE = 0.2
# an articleBody shorter than this (tokens) is a summary, not a body
MIN_BODY_TOKENS = 150
# a block must be this long (words, script-aware) to be matched
MIN_BLOCK_TOKENS = 6
BLOCK_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")
_TOKEN = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _tokens(text: str) -> int:
    """Word count, script-aware: a run of Chinese, Japanese or Thai (written without spaces) counts
    one word per two characters."""
    return sum(max(1, len(t) // 2) if _UNSPACED.search(t) else 1 for t in _TOKEN.findall(text))


def recovered_lines(tree: lxml_html.HtmlElement, lines: list[str], body: str | None) -> list[str] | None:
    """The main text's lines with the visible blocks the ``articleBody`` holds and the lines lack,
    each put back in page order; None when nothing is missing or the page does not show it."""
    if not body or _tokens(body) < MIN_BODY_TOKENS:
        return None
    have = sum(_tokens(line) for line in lines)
    if have >= MISSING_SHARE * _tokens(body):
        return None
    blocks = [b for b in tree.iter(*BLOCK_TAGS) if not any(a.tag in BLOCK_TAGS for a in b.iterancestors())]
    keys = [text_key(b.text_content()) for b in blocks]
    folded = text_key(body)
    known = {text_key(line) for line in lines}
    found = [
        i
        for i, key in enumerate(keys)
        if key and key not in known and _tokens(key) >= MIN_BLOCK_TOKENS and key in folded
    ]
    gain = sum(_tokens(keys[i]) for i in found)
    if gain < GAIN_SHARE * _tokens(body):
        return None
    return _merged(lines, blocks, keys, found)


def _merged(lines: list[str], blocks: list[lxml_html.HtmlElement], keys: list[str], found: list[int]) -> list[str]:
    """The lines in their order, each found block inserted before the first line that comes after it."""
    where: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        where.setdefault(key, []).append(i)
    pending = list(found)
    out: list[str] = []
    cursor = -1
    for line in lines:
        position = next((i for i in where.get(text_key(line), []) if i > cursor), None)
        if position is not None:
            while pending and pending[0] < position:
                out.append(" ".join(blocks[pending.pop(0)].text_content().split()))
            cursor = position
        out.append(line)
    out.extend(" ".join(blocks[i].text_content().split()) for i in pending)
    return out
