"""Parse a page into an lxml tree as ``trafilatura.load_html`` does, with a faster element lookup.

trafilatura's loader parses with ``lxml.html.HTMLParser``, whose element classes are chosen by a
lookup written in Python (``HtmlElementClassLookup``: forms, inputs and labels get classes of
their own). lxml calls it for every element it hands to Python, and an extraction hands over
millions: on the 1,120 benchmark pages it was ~9 % of ``extract_article``'s time. This parser
has the same options and gives every element lxml's ``HtmlElement`` (comments, processing
instructions and entities their ``lxml.html`` classes) through lxml's lookup in C. Nothing in
trafilatura or trawl reads the form classes: the extraction of every benchmark page was the
same either way. The repairs and the fallbacks are trafilatura's own (``repair_faulty_html``,
a second parse of the bytes, the rejection of a page that is no HTML).
"""

from __future__ import annotations

import logging

from lxml import etree
from lxml import html as lxml_html
from trafilatura.utils import is_dubious_html, repair_faulty_html

log = logging.getLogger(__name__)

PARSER = lxml_html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)


def _from_bytes(text: str) -> lxml_html.HtmlElement | None:
    try:
        tree: lxml_html.HtmlElement = lxml_html.fromstring(text.encode("utf-8", "surrogatepass"), parser=PARSER)
    except Exception as error:  # lxml gives up on some byte soup
        log.debug("lxml could not parse the page's bytes: %s", error)
        return None
    return tree


def load_html(text: str) -> lxml_html.HtmlElement | None:
    """The tree of a decoded page, or None when it is no HTML (``trafilatura.load_html``'s rules)."""
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree: lxml_html.HtmlElement | None = None
    from_bytes = False
    try:
        tree = lxml_html.fromstring(text, parser=PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported"
        tree, from_bytes = _from_bytes(text), True
    except Exception as error:
        log.debug("lxml could not parse the page: %s", error)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(text)
    if tree is not None and dubious and len(tree) < 2:  # no <html>, hardly a tree: not a page
        return None
    return tree
