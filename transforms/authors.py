"""Author names as pages write them, made into a list of names.

Bylines come as one string for several people ("A, B and C", "A und B, dpa"), with a
"By" in front, an e-mail address or a handle for a name, initials in brackets after it,
an affiliation after a comma, or a numeric id from a content system. Every rule here reads
the shape of the string (separators, brackets, addresses, digits, length), never a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import html as lxml_html

# separators between the names of one byline: punctuation, and "and" as it is written in the
# languages trawl meets most (a lowercase word between spaces, so initials like "A." stay)
_SPLIT = re.compile(r"\s*(?:[;,|/&•·]|\s(?:and|und|og|och|en|et|e|y|i|и|és|ve|oraz|a)\s)\s*")
# a byline's lead-in word ("By Jane Doe", "Von Max Muster:", "Por Ana"), or a label ("Author: ...")
_PREFIX = re.compile(
    r"^(?:(?:written\s+)?by|von|por|par|door|af|av|przez|autor(?:in)?|author|text|texto|texte|tekst)\b[:\s]*",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
# a part with more words than this after a comma is a description (role, affiliation), not a name
MAX_NAME_WORDS = 5
# one name longer than this (characters) is a sentence or a blob, not a byline
MAX_NAME_CHARS = 80


def _part(text: str) -> str:
    text = _BRACKETS.sub("", text)
    text = _EMAIL.sub("", _HANDLE.sub("", text))
    text = " ".join(text.split()).strip(" -–—:·•'\"")
    return _PREFIX.sub("", text).strip(" -–—:")


def _is_name(part: str) -> bool:
    if not part or len(part) > MAX_NAME_CHARS or _URL.match(part):
        return False
    return any(ch.isalpha() for ch in part)


def split_byline(value: str) -> list[str]:
    """The names of one byline string, in order; [] when it holds none."""
    value = " ".join(value.split())
    if not value or _URL.match(value):
        return []
    parts = [_part(p) for p in _SPLIT.split(_PREFIX.sub("", value))]
    names = [p for p in parts if _is_name(p)]
    short = [p for p in names if len(p.split()) <= MAX_NAME_WORDS]
    return short if short else names[:1] if len(names) == 1 else []


def clean_authors(values: Iterable[str]) -> tuple[str, ...]:
    """Every byline string made into names: split, stripped of lead-ins, addresses, handles and
    bracketed initials, deduplicated (case-insensitively), a name contained in a longer one dropped."""
    seen: dict[str, str] = {}
    for value in values:
        for name in split_byline(str(value)):
            seen.setdefault(name.casefold(), name)
    names = list(seen.values())
    folded = [n.casefold() for n in names]
    return tuple(n for n, f in zip(names, folded, strict=True) if not any(f != g and f in g for g in folded))


def _main_article(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The <article> that holds the page's first h1, when there is one."""
    for heading in tree.iter("h1"):
        for ancestor in heading.iterancestors("article"):
            return ancestor
        return None
    return None


def byline_links(tree: lxml_html.HtmlElement) -> list[str]:
    """Texts of the page's rel=author links, leaving out those of other articles' teaser cards
    (a link inside an <article> that is not the one holding the page's headline)."""
    links = [a for a in tree.xpath("//a[@rel]") if "author" in (a.get("rel") or "").lower().split()]
    main = _main_article(tree)
    kept = []
    for link in links:
        own = next(link.iterancestors("article"), None)
        if own is None or main is None or own is main:
            kept.append(link.text_content())
    return kept
