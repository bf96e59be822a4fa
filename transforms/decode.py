"""Bytes to text for HTML pages: BOM, HTTP charset, meta charset, then detection."""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode


def _detect(body: bytes) -> str | None:
    best = from_bytes(body[:200_000]).best()
    return best.encoding if best else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page as a browser would, detecting the charset when nothing declares it."""
    _, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    return text
