"""Text and URL normalization, and the one content-hash function.

Every hash is stored with ``NORMALIZER_VERSION``: a change of normalization is then
visible in the warehouse instead of silently splitting duplicates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps

import ftfy
import ftfy.badness
import ftfy.chardata

NORMALIZER_VERSION = "2"  # 2: full-width CJK punctuation kept

# no-break and other exotic spaces -> space; soft hyphen and zero-width characters -> nothing
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_RUNS_OF_SPACE = re.compile(r" {2,}")
# any character either of the two rewrites
_SPECIAL = re.compile(f"{_SPACES.pattern}|{_INVISIBLE.pattern}")

# query parameters that identify a campaign or a click, never a page


# every character one of ftfy's fixes (as configured in ``repair``) could change, besides mojibake
# (``ftfy.badness.is_bad``) and composition (NFC): HTML entities (&), C1 controls and the
# Unicode line breaks, ligatures, surrogates, terminal escapes, control characters; read from
# ftfy's own tables, so that it follows the pinned version
_TOUCHED = re.compile(
    "["
    + re.escape(
        "&\r\u2028\u2029\x1b" + "".join(chr(c) for c in (*ftfy.chardata.LIGATURES, *ftfy.chardata.CONTROL_CHARS))
    )
    + "\x80-\x9f\ud800-\udfff]"
)


def untouched(text: str) -> bool:
    """True when ``ftfy.fix_text`` (as ``repair`` calls it) would return the text unchanged: no
    character any of its fixes acts on, no mojibake by ftfy's own test, already composed. One
    regex search instead of ftfy's dozen passes per line (most pages need no repair at all)."""
    return _TOUCHED.search(text) is None and unicodedata.is_normalized("NFC", text) and not ftfy.badness.is_bad(text)


def repair(text: str) -> str:
    """Mojibake repaired and Unicode composed (NFC); typography (curly quotes) and character
    widths kept (narrowing would turn Chinese and Japanese full-width punctuation into ASCII)."""
    if not text or untouched(text):
        return text
    return ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False, fix_character_width=False)


def _fold_spaces(line: str) -> str:
    if _SPECIAL.search(line) is None:  # most lines: one search instead of three substitutions
        return (_RUNS_OF_SPACE.sub(" ", line) if "  " in line else line).strip()
    line = _INVISIBLE.sub("", line)
    line = _SPACES.sub(" ", line)
    return _RUNS_OF_SPACE.sub(" ", line).strip()


def normalize_line(line: str) -> str:
    """Repair, compose and fold the spaces of one line."""
    return _fold_spaces(repair(line))


def normalize_text(text: str) -> str:
    """Normalize a text paragraph by paragraph: one paragraph a line, no blank lines."""
    return settle(repair(text))


def settle(text: str) -> str:
    """``normalize_text`` for a text that went through it already and then only lost lines (a
    cleaned ``Article.text``): spaces folded, no blank lines, without ftfy's repair again (the
    repair is the costly part, and the extraction did it once)."""
    lines = (_fold_spaces(line) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def tidy(line: str) -> str:
    """Compose (NFC) and fold the spaces of a short string, without ftfy's costly repair:
    for attribute values and captions read straight from an already decoded page."""
    return _fold_spaces(unicodedata.normalize("NFC", line))


# a page's blocks are keyed by three stages, and a site repeats its menus, bylines and captions
# on every page: the results for strings up to this long are kept, the last this many (a few MB)
MEMO_CHARS = 400
MEMO_SIZE = 16384


def memo_short(function: Callable[[str], str]) -> Callable[[str], str]:
    """``function`` with its results for short strings memoized (``MEMO_CHARS``, ``MEMO_SIZE``)."""
    cached = lru_cache(maxsize=MEMO_SIZE)(function)

    @wraps(function)
    def memoized(line: str) -> str:
        return cached(line) if len(line) <= MEMO_CHARS else function(line)

    return memoized


@memo_short
def match_key(line: str) -> str:
    """The form under which a page's text is matched to the text extracted from it (both
    come from one decoding, so no repair is needed; ftfy on every block would dominate).
    The same as ``tidy`` then casefold, in one pass over ASCII text (every block of the page
    goes through here, several times: short strings are memoized)."""
    if line.isascii():
        return " ".join(line.split()).casefold()
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", line)).split()).casefold()


def line_key(line: str) -> str:
    """The form under which a line is compared across pages (composed, case and spacing folded).
    Its lines come from texts the extraction repaired once (``normalize_text``), so ftfy does
    not run again here: the boilerplate strip asks for the key of every line of every page."""
    return tidy(line).casefold()


def content_hash(normalized_text: str) -> str:
    """SHA-256 of the normalized text with every run of white space folded to one space:
    the identity of a document's content. Paragraph breaks are folded too, because two
    templates may cut the same text into paragraphs differently (a byline in its own
    paragraph on one site, glued to the first one on another)."""
    return hashlib.sha256(" ".join(normalized_text.split()).encode("utf-8")).hexdigest()
