"""The article body that script-rendered pages ship in their hydration state, for pages whose
visible HTML holds no main text.

Single-page-application frameworks (Next.js, Nuxt, Apollo and the like) often send the
article's HTML as a string inside an inline script and build the visible page from it in the
browser; the HTML as fetched then has no body for trafilatura to find. The longest JSON string
in the page's inline scripts that is itself HTML with several paragraphs is taken as the body.
Read only when the visible page gave nothing, so it never competes with the page's own text.
"""

from __future__ import annotations

import json
import re

from lxml import html as lxml_html

# a body shorter than this (in characters of its HTML) is not looked for
MIN_BODY_CHARS = 500
# JSON string literals of at least MIN_BODY_CHARS characters (escapes included)
_STRING = re.compile(r'"((?:[^"\\]|\\.){' + str(MIN_BODY_CHARS) + r',})"')
# the paragraph breaks an article body's HTML has several of
_BLOCK = re.compile(r"<(?:p|br|h[2-4])\b", re.IGNORECASE)
MIN_BLOCKS = 3


def embedded_body(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """A page made of the longest HTML string (with at least ``MIN_BLOCKS`` paragraph breaks)
    found in the page's inline scripts, None when there is none."""
    best = ""
    for script in tree.iter("script"):
        source = script.text or ""
        if script.get("src") or len(source) < MIN_BODY_CHARS:
            continue
        for match in _STRING.finditer(source):
            raw = match.group(1)
            if len(raw) <= len(best) or ("\\u003c" not in raw and "<" not in raw):
                continue
            try:
                value = json.loads(f'"{raw}"')
            except ValueError:
                continue
            if len(_BLOCK.findall(value)) >= MIN_BLOCKS and len(value) > len(best):
                best = value
    if not best:
        return None
    page: lxml_html.HtmlElement = lxml_html.document_fromstring(f"<html><body><article>{best}</article></body></html>")
    return page
