"""The main text's edges: the headline above the body, and captions repeated as lines.

Themes print the headline (often with a kicker, a breadcrumb or the site name around it) above
the body, where trafilatura takes it for the body's first lines; captions live with their image.
Only the page's own title, its ``<h1>`` headings and its captions are compared, never wording.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from transforms.body import text_key, words

# the headline is looked for in the first lines of the main text, before any body prose
TITLE_WINDOW = 5
MIN_TITLE_CHARS = 8
LONG_WORDS = 25
_WORD = re.compile(r"\w+")


def title_keys(tree: lxml_html.HtmlElement, title: str | None) -> list[str]:
    """The page's headline as match keys: its title metadata and its ``<h1>`` headings."""
    texts = [title] if title else []
    texts.extend(" ".join(heading.itertext()) for heading in tree.iter("h1"))
    keys: list[str] = []
    for text in texts:
        for key in (_word_key(text), text_key(text)):
            if len(key) >= MIN_TITLE_CHARS and key not in keys:
                keys.append(key)
    return keys


def _word_key(text: str) -> str:
    """A line's words, casefolded, one space apart (punctuation and markup spacing left out)."""
    return " ".join(_WORD.findall(text.casefold()))


# a header line run together holds the headline and at most this many times its length in all
HEADER_TIMES = 3


def _title_match(line: str, titles: list[str]) -> int:
    """2 when the line is the headline (one of the title keys, or most of one), 1 when it holds
    one with a kicker or a site name around it (at most as long again), else 0."""
    found = 0
    for key in (_word_key(line), text_key(line)):
        for title in titles:
            if key == title or (key in title and 2 * len(key) >= len(title)):
                return 2
            if title in key and len(key) <= 2 * len(title):
                found = 1
    return found


def _header_line(line: str, titles: list[str]) -> bool:
    """A first line that holds the headline whole inside the article header's other pieces
    (kicker, byline, dates, share buttons run together), at most ``HEADER_TIMES`` its length and
    with no sentence ending: the header, not a lede that quotes the headline."""
    key = text_key(line)
    return not line.rstrip().endswith((".", "!", "?", "…", '"', "»", "”")) and any(
        title in key and len(key) <= HEADER_TIMES * len(title) for title in titles if title
    )


def strip_title(text: str, titles: list[str]) -> str:
    """Drop the headline that themes print above the body, and the kicker, breadcrumb or
    date lines before it: the lines up to the headline among the first ``TITLE_WINDOW``
    non-empty lines, when no line up to it is body prose (the first line that is the headline
    itself ends the search: a later line holding it is a dateline of the body)."""
    lines = text.split("\n")
    cut, seen = 0, 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > TITLE_WINDOW or words(line) >= LONG_WORDS:
            break
        match = _title_match(line, titles)
        if match:
            cut = index + 1
        if match == 2:
            break
    while cut < len(lines) and (not lines[cut].strip() or (cut and _title_match(lines[cut], titles) == 2)):
        cut += 1  # blank lines, and the headline printed twice
    rest = lines[cut:]
    if all(not line.strip() or _header_line(line, titles) for line in rest):
        return ""  # nothing but the article's header run together: a page without its body
    return "\n".join(rest)


def drop_captions(text: str, captions: frozenset[str]) -> str:
    """Remove lines that only repeat an image caption: captions live with their image."""
    if not captions:
        return text
    return "\n".join(line for line in text.split("\n") if text_key(line) not in captions)
