"""Extract one article from one page: trafilatura for the main text, structured metadata first.

``extract_article`` is the single public, network-free entry point; the pipeline and every
evaluation call it on one page at a time.

Choices measured on the dev benchmark (``bench/extraction.py``; figures in the README):
trafilatura with comments excluded and its fallback extractors on (``fast`` off) beat its
``favor_precision`` and ``favor_recall`` modes, its ``fast`` mode, readability-lxml alone,
and paragraph-level agreement between them. Asking trafilatura for images or links lowers
its precision, so the text comes from a text-only pass and ``transforms.body`` finds the
images and links of that text in the page. ``transforms.lines`` then drops the lines a small
logistic model over markup and layout judges boilerplate (fitted on the same benchmark), and
``transforms.lead`` puts back the article's lead when trafilatura left it out (the block
before the body that starts with the page's own description).

Figures of one full run (990 pages): F1 0.9426 against 0.9214 for ``trafilatura.extract``
defaults (+0.021; precision 0.934, recall 0.952), at 0.60 times its speed. Held out by site
(``bench/extraction.py --cv 5``, the model fitted on the other folds' sites) trawl scores
0.9407, +0.019 over trafilatura on the same pages; without the model 0.9346. Without the
lead the figures were 0.9345 in-sample and 0.9326 held out (recall 0.936).
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import delete_element, xmltotxt

from transforms.body import BodyMap, body_links, edge_residue, map_body, text_key
from transforms.dates import PUBLISHED, TOLERANCE, settle
from transforms.decode import decode_html
from transforms.images import ImageIndex, image_of, index_images
from transforms.language import detect_language
from transforms.lead import find_lead
from transforms.lines import boilerplate_lines, line_features
from transforms.metadata import Found, find_metadata, parse_datetime
from transforms.normalize import canonicalize, normalize_text
from transforms.records import Article, Discard, Hints, Image

# Bump when a change of this module changes what it extracts from a page; `trawl reextract`
# then rebuilds the documents from the archive and records the version (table `rebuilds`).
EXTRACTOR_VERSION = "3"
# fewer characters of main text than this is a stub, a gallery or a listing, not an article
MIN_TEXT_CHARS = 200
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
# a widget marker on these names the page or the article itself, not a widget inside it
_NEVER_PRUNED = frozenset({"html", "body", "main", "article"})


def _widgets(tree: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The elements whose class or id carries a widget marker (outermost and nested alike)."""
    found = []
    for element in tree.iter(etree.Element):
        classes, ident = element.get("class"), element.get("id")
        if ((classes and _WIDGET.search(classes)) or (ident and _WIDGET.search(ident))) and (
            element.tag not in _NEVER_PRUNED
        ):
            found.append(element)
    return found


def _without_widgets(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """A copy of the page without its widgets, None when it has none (a Python pass over the
    tree: an XPath of the markers cost several times as much)."""
    if not _widgets(tree):
        return None
    pruned = deepcopy(tree)
    for element in _widgets(pruned):
        delete_element(element)  # its tail text is kept, as trafilatura's own pruning does
    return pruned


def _main_text(tree: lxml_html.HtmlElement, url: str) -> tuple[str, str] | None:
    """trafilatura's main text of the page: plain paragraphs, and Markdown (headings, lists,
    tables; no images yet). Formatting (bold, italics) is not asked for: on the benchmark it
    makes trafilatura drop whole paragraphs now and then. Should the widget pruning leave
    nothing, the page is extracted again without it."""
    pruned = _without_widgets(tree)
    for page in (pruned, tree) if pruned is not None else (tree,):
        document = trafilatura.bare_extraction(
            page,
            url=url or None,
            include_comments=False,
            include_images=False,
            include_formatting=False,
            include_tables=True,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
        )
        if document is not None and document.body is not None:  # type: ignore[union-attr]
            body = document.body  # type: ignore[union-attr]
            return xmltotxt(body, include_formatting=False), xmltotxt(body, include_formatting=True)
    return None


def _strip_title(text: str, title: str | None) -> str:
    """Drop leading lines that only repeat the title (themes print it above the body)."""
    if not title:
        return text
    key = text_key(title)
    lines = text.split("\n")
    while lines and (not lines[0].strip() or text_key(lines[0]) == key):
        lines.pop(0)
    return "\n".join(lines)


def _drop_captions(text: str, captions: frozenset[str]) -> str:
    """Remove lines that only repeat an image caption: captions live with their image."""
    if not captions:
        return text
    return "\n".join(line for line in text.split("\n") if text_key(line) not in captions)


def _with_lead(lead: str | None, text: str, separator: str) -> str:
    """The text with the lead that trafilatura left out (``transforms.lead``) before it."""
    return f"{lead}{separator}{text}" if lead and text else lead or text


def kept_text(lines: list[str], drop: set[int], lead: str | None) -> str:
    """The article's plain text: the lead, then the main-text lines not dropped (shared with
    ``bench/extraction.py``, which scores the line model's choices without re-extracting)."""
    return _with_lead(lead, "\n".join(line for i, line in enumerate(lines) if i not in drop), "\n")


def _image_markdown(image: Image) -> str:
    title = f' "{image.caption.replace(chr(34), chr(39))}"' if image.caption else ""
    return f"![{image.alt}]({image.url}{title})"


def _markdown(markdown: str, lines: list[str], drop: set[int], images: list[tuple[int, Image]]) -> str:
    """The Markdown without the dropped lines, with each image after the line it follows."""
    md_lines = markdown.split("\n")
    keys = [text_key(line) for line in lines]
    at: dict[int, int] = {}  # plain line index -> Markdown line index, matched in order
    cursor = 0
    for md_index, md_line in enumerate(md_lines):
        key = text_key(md_line)
        if not key:
            continue
        for index in range(cursor, len(keys)):
            if keys[index] == key:
                at[index], cursor = md_index, index + 1
                break
    skip = {at[i] for i in drop if i in at}
    after: dict[int, list[str]] = {}
    for anchor, image in images:
        slot = max((at[i] for i in at if i <= anchor), default=-1)
        after.setdefault(slot, []).append(_image_markdown(image))
    out: list[str] = [f"{img}\n" for img in after.get(-1, [])]
    for md_index, md_line in enumerate(md_lines):
        if md_index not in skip:
            out.append(md_line)
        out.extend(f"\n{img}\n" for img in after.get(md_index, []))
    return "\n".join(out).replace("\n\n\n", "\n\n").strip()


def _body_images(body: BodyMap, url: str) -> list[tuple[int, Image]]:
    found: dict[str, tuple[int, Image]] = {}
    for anchor, element in body.images:
        image = image_of(element, url)
        if image is not None:
            found.setdefault(image.url, (anchor, image))
    return list(found.values())


def _htmldate(tree: lxml_html.HtmlElement, url: str, original: bool) -> datetime | None:
    guess = htmldate.find_date(
        tree,
        url=url,
        original_date=original,
        extensive_search=False,
        outputformat="%Y-%m-%dT%H:%M:%S",
    )
    return parse_datetime(guess)


def _dates(tree: lxml_html.HtmlElement, url: str, found: Found, hints: Hints) -> None:
    """Fall back to htmldate's heuristics only for article pages without any structured date
    (nor one from the REST API): the original date as published, the latest as modified when later."""
    if found.published_at or found.modified_at or found.not_article or _published_hint(hints):
        return
    published = _htmldate(tree, url, original=True)
    found.set("published_at", published, "htmldate")
    if published is not None:
        modified = _htmldate(tree, url, original=False)
        if modified is not None and modified > published:
            found.set("modified_at", modified, "htmldate")


def _canonical(declared: str | None, url: str) -> str | None:
    """The declared canonical URL in canonical form, else the fetched one (a malformed one is ignored)."""
    for candidate in (declared, url):
        if candidate:
            try:
                return canonicalize(candidate)
            except ValueError:
                continue
    return None


def _published_hint(hints: Hints) -> bool:
    return any(field == PUBLISHED for field, _, _ in hints.dates)


def _authoritative(found: Found, hints: Hints) -> None:
    """An authoritative record (the WordPress REST API) overrides what the page itself says."""
    for name in ("authors", "categories", "tags"):
        value = getattr(hints, name)
        if value:
            setattr(found, name, value)
            found.provenance[name] = f"{hints.signal}:{name}"


@dataclass
class MainLines:
    """The page's main text as lines, before the line model judges them: the Markdown of the
    same text, where its lines sit in the page, and the edge lines that are link-only residue."""

    lines: list[str]
    markdown: str
    body: BodyMap
    residue: set[int]
    lead: str | None


def _parse(html: bytes | str, url: str, content_type: str | None) -> lxml_html.HtmlElement | Discard:
    text_html = decode_html(html, content_type) if isinstance(html, bytes) else html
    if not text_html.strip():
        return Discard(url, "empty_page")
    # trafilatura's loader repairs what browsers forgive (stray doctypes, broken <html> tags)
    tree = trafilatura.load_html(text_html)
    if tree is None:
        return Discard(url, "unparseable_html", "no HTML tree could be built from the page")
    return tree


def _main_lines(tree: lxml_html.HtmlElement, url: str, found: Found, images: ImageIndex) -> MainLines | None:
    extracted = _main_text(tree, url)
    if extracted is None:
        return None
    captions = frozenset(text_key(caption) for caption in images.captions())
    plain = _drop_captions(_strip_title(normalize_text(extracted[0]), found.title), captions)
    markdown = _drop_captions(_strip_title(extracted[1].strip(), found.title), captions)
    lines = plain.split("\n")
    body = map_body(tree, lines)
    residue = edge_residue(lines, body)
    lead = find_lead(tree, lines, body, residue, found.description, found.title)
    return MainLines(lines, markdown, body, residue, lead)


def line_candidates(
    html: bytes | str, url: str
) -> tuple[list[str], set[int], dict[int, list[float]], str | None] | None:
    """What the line model sees of a page (for fitting and cross-validating it, see
    ``bench/extraction.py``): the main text's lines, the edge residue dropped before the
    model, the feature vector of every other non-empty line, and the lead put before the
    lines the model keeps. None without main text."""
    parsed = _parse(html, url, None)
    if isinstance(parsed, Discard):
        return None
    tree = parsed
    found = find_metadata(tree, url)
    main = _main_lines(tree, url, found, index_images(tree, url))
    if main is None:
        return None
    return main.lines, main.residue, line_features(main.lines, main.body, main.residue), main.lead


def extract_article(
    html: bytes | str, url: str, content_type: str | None = None, hints: Hints | None = None
) -> Article | Discard:
    """Extract the article of one page, or say why there is none (keeping the page's text).

    ``hints`` carry what the crawl knew beyond the HTML: the fetch time (the reference of the
    date sanity rules; now when unknown), discovery dates and the REST API record.
    """
    hints = hints or Hints()
    parsed = _parse(html, url, content_type)
    if isinstance(parsed, Discard):
        return parsed
    tree = parsed
    found = find_metadata(tree, url)
    images = index_images(tree, url)
    _authoritative(found, hints)
    main = _main_lines(tree, url, found, images)
    if main is None:
        return Discard(url, "no_main_text")
    lines, body = main.lines, main.body
    drop = main.residue | boilerplate_lines(line_features(lines, body, main.residue))
    plain = kept_text(lines, drop, main.lead)
    if len(plain) < MIN_TEXT_CHARS:
        reason = "not_article" if found.not_article else "too_short"
        return Discard(url, reason, f"{len(plain)} characters of main text", plain)
    if found.not_article and not found.published_at and not _published_hint(hints):
        detail = "page declares a non-article type and has no publication date"
        return Discard(url, "not_article", detail, plain)
    _dates(tree, url, found, hints)
    body_images = _body_images(body, url)
    markdown = _with_lead(main.lead, _markdown(main.markdown, lines, drop, body_images), "\n\n")
    image_records = tuple(image for _, image in body_images)
    links = body_links(body, url, drop)
    language, confidence = detect_language(plain)
    provenance = {k: v for k, v in found.provenance.items() if k not in ("published_at", "modified_at")}
    if language:
        provenance["language"] = "py3langid:text"
    if image_records:
        provenance["images"] = "html:img+srcset+figcaption"
    if links:
        provenance["links"] = "html:a[href] in body"
    provenance.setdefault("canonical_url", "fetched_url")
    fetched = hints.fetched_at or datetime.now(UTC)
    dates = settle([*hints.dates, *found.dates], fetched)
    for name, signal in (("published_at", dates.published_signal), ("modified_at", dates.modified_signal)):
        if signal:
            provenance[name] = signal
        # a rejected future date stays visible to the quality checks (and in date_issues)
        future = [v for f, _, v in [*hints.dates, *found.dates] if f == name and v > fetched + TOLERANCE]
        if future:
            provenance[f"future_{name}"] = min(future).isoformat()
    return Article(
        url=url,
        title=found.title or "",
        text=plain,
        markdown=markdown,
        authors=found.authors,
        published_at=dates.published_at,
        modified_at=dates.modified_at,
        language=language,
        language_confidence=confidence,
        canonical_url=_canonical(found.canonical_url, url),
        site_name=found.site_name,
        description=found.description,
        categories=found.categories,
        tags=found.tags,
        images=image_records,
        page_language=found.page_language,
        provenance=provenance,
        links=links,
        date_issues=dates.issues,
    )
