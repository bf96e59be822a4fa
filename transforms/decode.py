"""Bytes to text for HTML pages: BOM, valid UTF-8, a declared charset that fits, then detection.

Servers and templates lie about charsets (a KOI8-R page served as windows-1251, a
windows-1251 page served as UTF-8, no declaration at all). A declaration is therefore
believed only when the bytes agree with it: valid UTF-8 is taken as UTF-8 whatever is
declared (legacy bytes are almost never valid UTF-8), and a declared legacy charset must
decode into plausible text, otherwise the detected one is used.

Plausible is judged twice. charset_normalizer's mess test catches most wrong charsets, but
sister code pages of one script (windows-1251, KOI8-R, mac-cyrillic) decode each other's
bytes into letters of the right script, and its mess score then differs by a few hundredths
only. The script check does not: in real text a word does not switch from lower to upper
case inside itself, mix letters of two scripts, or carry a symbol between two letters; in a
sister code page's reading a large share of the words does (``oddity``). Of the declared
and the detector's candidates, the reading with the fewest such words wins, the declared
one on a tie.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from itertools import pairwise

from charset_normalizer import CharsetMatch, from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# the detector reads this much of a page (enough for any prose, fast on huge pages)
SAMPLE_BYTES = 200_000
# how much more mess (charset_normalizer's chaos) a declared charset may make than the detected one
MESS_TOLERANCE = 0.05
_ASCII = bytes(range(128))
# a page is UTF-8 if at most one in this many of its non-ASCII bytes breaks UTF-8
MAX_BROKEN_UTF8 = 50
# how many more odd words (a share of the non-ASCII words) a reading may have than the best one
ODDITY_TOLERANCE = 0.02
# the detector's candidates weighed beside the declared charset
MAX_CANDIDATES = 5
# when the best of those still reads this odd, every legacy single-byte encoding of the WHATWG
# Encoding Standard is weighed too (the detector may not list the sister code page at all)
ODD_ENOUGH = 0.05
WHATWG_SINGLE_BYTE = (
    "ibm866",
    "iso-8859-2",
    "iso-8859-3",
    "iso-8859-4",
    "iso-8859-5",
    "iso-8859-6",
    "iso-8859-7",
    "iso-8859-8",
    "iso-8859-10",
    "iso-8859-13",
    "iso-8859-14",
    "iso-8859-15",
    "iso-8859-16",
    "koi8-r",
    "koi8-u",
    "mac-roman",
    "cp874",
    "windows-1250",
    "windows-1251",
    "windows-1252",
    "windows-1253",
    "windows-1254",
    "windows-1255",
    "windows-1256",
    "windows-1257",
    "windows-1258",
    "mac-cyrillic",
)
# non-ASCII words read per candidate: enough to tell readings apart, cheap on huge pages
MAX_WORDS = 3000
# characters that join the parts of one real word (apostrophes, hyphens, dashes, soft hyphen)
_JOINERS = frozenset("\u2019\u2018\u02bc\u00ad\u2010\u2011\u2013\u2014\u00b7")
# (linear: a tag that never closes, or a 300 kB attribute, must not make these quadratic)
_MARKUP = re.compile(r"<[^<>]*>|&#?\w{1,10};")
# a run of characters that are neither white space nor ASCII punctuation (those with a non-ASCII one count)
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~]+")


def _script(char: str) -> str:
    return unicodedata.name(char, "?").split(" ", 1)[0]


def _odd(word: str) -> bool:
    """A word that real text does not have: a case switch from lower to upper inside it, a
    symbol among its letters, letters of two scripts, or only symbols (box drawing, math)."""
    for before, char in pairwise(word):
        if before.islower() and char.isupper():
            return True
    kinds = [unicodedata.category(char)[0] for char in word]
    if "L" not in kinds:
        return sum(not char.isascii() for char in word) > 1 and "N" not in kinds
    first, last = kinds.index("L"), len(kinds) - kinds[::-1].index("L")
    if any(kind not in "LMN" and word[i] not in _JOINERS for i, kind in enumerate(kinds[first:last], first)):
        return True
    return len({_script(char) for char in word if char.isalpha()}) > 1


def oddity(text: str) -> float:
    """The share of the text's non-ASCII words (markup left out) that real text would not have."""
    words = [word for word in _WORD.findall(_MARKUP.sub(" ", text)) if not word.isascii()][:MAX_WORDS]
    return sum(map(_odd, words)) / len(words) if words else 0.0


def _is_utf8(body: bytes) -> bool:
    """UTF-8, tolerating a few broken sequences (a CMS that cut a text mid-character): in a
    legacy encoding nearly every non-ASCII byte breaks UTF-8, in UTF-8 almost none does."""
    text = body.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - body.count("\ufffd".encode())
    high = len(body.translate(None, _ASCII))
    return broken * MAX_BROKEN_UTF8 <= high


def _fits(sample: bytes, encoding: str, detected: CharsetMatch | None) -> bool:
    """True when ``sample`` decodes under ``encoding`` into text as plausible as the detector's
    best guess (a KOI8-R page read as windows-1251 decodes, but into case-scrambled words)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    declared = from_bytes(sample, cp_isolation=[name]).best()
    if declared is None:
        return False
    return detected is None or declared.chaos <= detected.chaos + MESS_TOLERANCE


def _ascii_compatible(encoding: str) -> bool:
    """True for an encoding that writes markup as ASCII does (not UTF-16/32, not EBCDIC)."""
    try:
        return b"<html lang=x>".decode(encoding) == "<html lang=x>"
    except (LookupError, UnicodeDecodeError):
        return False


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the HTTP header or, failing it, the page itself declares (normalized). A
    declaration that cannot be right is ignored: without a BOM, a page whose markup reads as
    ASCII is in an ASCII-compatible encoding, whatever it says (a "UTF-16" page of ASCII tags)."""
    found = http_content_type_encoding(content_type) if content_type else None
    found = found or html_body_declared_encoding(body)
    encoding = resolve_encoding(found) if found else None
    return encoding if encoding and _ascii_compatible(encoding) else None


def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _least_odd(sample: bytes, declared: str | None, detected: list[str]) -> str | None:
    """Of the declared charset (first) and the detector's candidates, the reading with the
    fewest odd words; a later one must beat the earlier by more than the tolerance."""
    best: tuple[float, str] | None = None
    seen: set[str] = set()
    first = [*([declared] if declared else []), *detected[:MAX_CANDIDATES]]
    for group in (first, WHATWG_SINGLE_BYTE):
        if best is not None and best[0] <= ODD_ENOUGH:
            break
        for encoding in group:
            name = _codec(encoding)
            if name is None or name in seen:
                continue
            seen.add(name)
            score = oddity(sample.decode(name, errors="replace"))
            if best is None or score < best[0] - ODDITY_TOLERANCE:
                best = (score, encoding)
    return best[1] if best else None


def page_encoding(body: bytes, content_type: str | None = None) -> str:
    """The encoding the page's bytes are really in."""
    bom, _ = read_bom(body)
    if bom:
        return str(bom)
    sample = body[:SAMPLE_BYTES]
    declared = declared_encoding(body, content_type)
    if body.isascii():
        return declared or "utf-8"
    if _is_utf8(body):
        return "utf-8"
    matches = from_bytes(sample, preemptive_behaviour=False)  # detection free of the declaration
    best = matches.best()
    detected = [match.encoding for match in matches]
    if declared and (declared.replace("-", "_") in ("utf_8", "utf8") or not _fits(sample, declared, best)):
        declared = None  # the bytes contradict it
    return _least_odd(sample, declared, detected) or declared or (best.encoding if best else "cp1252")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page as a careful browser would, distrusting a declaration the bytes contradict."""
    encoding = page_encoding(body, content_type)
    _, text = html_to_unicode(f"text/html; charset={encoding}", body)
    return str(text)
