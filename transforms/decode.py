"""Bytes to text for HTML pages: BOM, valid UTF-8, a declared charset that fits, then detection.

Servers and templates lie about charsets (a KOI8-R page served as windows-1251, a
windows-1251 page served as UTF-8, no declaration at all). A declaration is therefore
believed only when the bytes agree with it: valid UTF-8 is taken as UTF-8 whatever is
declared (legacy bytes are almost never valid UTF-8), and a declared legacy charset must
decode into plausible text (charset_normalizer's mess test), otherwise it is detected.
"""

from __future__ import annotations

import codecs

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


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The charset the HTTP header or, failing it, the page itself declares (normalized)."""
    found = http_content_type_encoding(content_type) if content_type else None
    found = found or html_body_declared_encoding(body)
    return resolve_encoding(found) if found else None


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
    best = from_bytes(sample).best()
    if declared and declared.replace("-", "_") not in ("utf_8", "utf8") and _fits(sample, declared, best):
        return declared
    return best.encoding if best else (declared or "cp1252")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page as a careful browser would, distrusting a declaration the bytes contradict."""
    encoding = page_encoding(body, content_type)
    _, text = html_to_unicode(f"text/html; charset={encoding}", body)
    return str(text)
