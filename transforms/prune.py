"""The page's tree before trafilatura reads it: widgets that sit inside article bodies, pruned.

trafilatura's own cleaning drops most page furniture, but widgets that plugins and themes put
*inside* the article body (related posts, share bars) reach its main text. They are named by
their markup (class and id vocabularies common across the web), never by their text, so each
rule holds for any site and language.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import delete_element

# Widgets that WordPress plugins and themes inject *inside* the article body: related posts
# (Jetpack, YARPP, Contextual Related Posts), share bars (Sharedaddy, AddToAny), author
# boxes. Named by their markup, never by their text, so the rule holds for any site.
_WIDGET_MARKERS = (
    "relatedposts",
    "related-posts",
    "related_posts",
    "yarpp-related",
    "crp_related",
    "sharedaddy",
    "addtoany",
    "share-buttons",
    "social-share",
    "sharing-buttons",
    "wp-block-social-links",
)
_WIDGET = re.compile("|".join(_WIDGET_MARKERS))
# fact boxes and info boxes (the story's background, beside its text)
_INFO_BOX = re.compile(r"fact-?box|info-?box", re.IGNORECASE)
# an info box holds at most this share of the page's paragraph text
MAX_BOX_SHARE = 0.3
# an appended article has at least this many characters (else it is a teaser of the next one)
MIN_APPENDED_CHARS = 1500
# a body split into chunks: containers whose class names a body, each with paragraphs of its own
_BODY_CLASS = re.compile(r"body|content|text|chunk", re.IGNORECASE)
MIN_CHUNK_PARAGRAPHS = 2
MIN_CHUNK_CHARS = 400
# an in-text list of links: this many links at least, each followed by text of its own
MIN_INLINE_LINKS = 3
# the utility classes that hide an element (Bootstrap, Tailwind, WordPress, BEM utilities)
_HIDING_CLASSES = frozenset(
    {
        "hidden",
        "hide",
        "u-hide",
        "is-hidden",
        "visually-hidden",
        "visuallyhidden",
        "sr-only",
        "screen-reader-text",
        "d-none",
        "invisible",
    }
)
# a widget marker on these names the page or the article itself, not a widget inside it
_NEVER_PRUNED = frozenset({"html", "body", "main", "article"})


def _is_widget(element: lxml_html.HtmlElement) -> bool:
    classes, ident = element.get("class"), element.get("id")
    return bool((classes and _WIDGET.search(classes)) or (ident and _WIDGET.search(ident))) and (
        element.tag not in _NEVER_PRUNED
    )


def _is_info_box(element: lxml_html.HtmlElement) -> bool:
    """A fact box or info box beside the story (or ARIA's complementary content), which the
    body's own text does not need; never a box that holds the page's headline."""
    if element.tag in _NEVER_PRUNED:
        return False
    marked = element.get("role") == "complementary" or any(
        _INFO_BOX.search(value) for value in (element.get("class"), element.get("id")) if value
    )
    return marked and next(element.iter("h1"), None) is None


def _is_hidden(element: lxml_html.HtmlElement) -> bool:
    """Hidden from readers: the ``hidden`` attribute, ``aria-hidden``, or a utility class of
    the common CSS frameworks that hides it (or shows it to screen readers only)."""
    if element.tag in _NEVER_PRUNED:
        return False
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    classes = element.get("class")
    return bool(classes) and not _HIDING_CLASSES.isdisjoint(classes.split())


def _appended_articles(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The whole articles that infinite scrolling appends after the page's own: every
    outermost ``<article>`` with a headline (``<h1>``) and the length of a whole article after
    the first such one (teaser cards of other articles, before or after it, are left to
    trafilatura)."""
    found = []
    for element in tree.iter("article"):
        if next(element.iter("h1"), None) is None or any(a.tag == "article" for a in element.iterancestors()):
            continue
        if len(element.text_content()) >= MIN_APPENDED_CHARS:
            found.append(element)
    return found[1:]


def _paragraph_chars(tree: lxml_html.HtmlElement) -> int:
    return sum(len(p.text_content()) for p in tree.iter("p"))


# the attributes the rules read, as strings that know their element: testing the page's few
# distinct values beats a Python test of every element (most of the pruning's time before)
_MARKUP = etree.XPath(
    "descendant-or-self::*/@*[name()='class' or name()='id' or name()='role' or name()='hidden' or name()='aria-hidden']"
)
Markup = list[Any]  # lxml's attribute "smart strings": str with .attrname and .getparent()


def _marked(value: str) -> bool:
    """Whether an attribute value may mark a widget, a box or a hidden element (a superset:
    the element is then tested itself)."""
    return bool(
        _WIDGET.search(value)
        or _INFO_BOX.search(value)
        or value in ("complementary", "true")
        or not _HIDING_CLASSES.isdisjoint(value.split())
    )


def _targets(tree: lxml_html.HtmlElement, markup: Markup, distinct: set[str]) -> list[lxml_html.HtmlElement]:
    """The elements to prune. An info box holding a large share of the page's paragraphs is
    the page's content under another name: kept."""
    marked = set(filter(_marked, distinct))
    candidates = {value.getparent() for value in markup if value in marked or value.attrname == "hidden"}
    chosen = set(_appended_articles(tree)) | {element for element in candidates if _is_widget(element)}
    boxes = [
        element for element in candidates if element not in chosen and (_is_info_box(element) or _is_hidden(element))
    ]
    if boxes:
        limit = MAX_BOX_SHARE * _paragraph_chars(tree)
        chosen.update(box for box in boxes if _paragraph_chars(box) <= limit)
    return list(chosen)


def _chunks(markup: Markup, distinct: set[str]) -> list[list[lxml_html.HtmlElement]]:
    """Article bodies split into chunks (between ads or promotions, each in its own copy of the
    body's container): groups of two or more ``div`` or ``section`` elements with one body-like
    class, none inside another, each with paragraphs of its own (in document order)."""
    bodylike = set(filter(_BODY_CLASS.search, distinct))
    groups: dict[tuple[str, str], list[lxml_html.HtmlElement]] = {}
    for value in markup:
        if value.attrname == "class" and value in bodylike:
            element = value.getparent()
            if element.tag in ("div", "section"):
                groups.setdefault((element.tag, str(value)), []).append(element)
    found = []
    for elements in groups.values():
        if len(elements) < 2:
            continue
        if any(a in elements for element in elements for a in element.iterancestors()):
            continue
        if all(
            sum(1 for _ in element.iter("p")) >= MIN_CHUNK_PARAGRAPHS and _paragraph_chars(element) >= MIN_CHUNK_CHARS
            for element in elements
        ):
            found.append(elements)
    return found


def _linked_paragraphs(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The paragraphs that are lists in running text ("Region: town, town, town", each town a
    link): at least ``MIN_INLINE_LINKS`` links with text of their own between them.
    trafilatura takes such link-dense paragraphs for navigation; the links are only unwrapped
    in the copy it reads (the body's links are read from the page itself)."""
    found = []
    for element in tree.iter("p"):
        links = [a for a in element if a.tag == "a"]
        if len(links) < MIN_INLINE_LINKS:
            continue
        between = [(a.tail or "").strip() for a in links[:-1]]
        if all(between):
            found.append(element)
    return found


def _path(element: lxml_html.HtmlElement, root: lxml_html.HtmlElement) -> tuple[int, ...]:
    """Where the element sits under the root: the child index at every level (comments count)."""
    steps = []
    while element is not root:
        parent = element.getparent()
        steps.append(parent.index(element))
        element = parent
    return tuple(reversed(steps))


def _at(root: lxml_html.HtmlElement, path: tuple[int, ...]) -> lxml_html.HtmlElement:
    for index in path:
        root = root[index]
    return root


def pruned(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """A copy of the page without its widgets, info boxes and appended articles, with the
    chunks of a split body joined in the first one (trafilatura reads one container) and the
    links of in-text lists unwrapped, None when there is nothing to do. The elements found in
    the page are found in the copy by their paths, all before the copy changes."""
    markup = _MARKUP(tree)
    distinct = set(markup)  # the rules test each value once
    targets = _targets(tree, markup, distinct)
    chunks = _chunks(markup, distinct)
    linked = _linked_paragraphs(tree)
    if not targets and not chunks and not linked:
        return None
    copy = deepcopy(tree)

    def mirrored(elements: list[lxml_html.HtmlElement]) -> list[lxml_html.HtmlElement]:
        return [_at(copy, path) for path in sorted(_path(element, tree) for element in elements)]

    copied_linked, copied_targets = mirrored(linked), mirrored(targets)
    copied_chunks = [[_at(copy, _path(element, tree)) for element in group] for group in chunks]
    for paragraph in copied_linked:
        for anchor in [a for a in paragraph if a.tag == "a"]:
            anchor.drop_tag()
    for group in copied_chunks:
        first, *rest = group
        for chunk in rest:
            first.extend(list(chunk))
    for element in copied_targets:
        delete_element(element)  # its tail text is kept, as trafilatura's own pruning does
    return copy
