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
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import delete_element, xmltotxt

from transforms.body import BodyMap, body_links, edge_residue, map_body, text_key
from transforms.dates import DISCOVERY_RANK, FLOOR, Candidate, Settled, parse_datetime, rank, settle, shift
from transforms.decode import decode_html
from transforms.images import ImageIndex, image_of, index_images
from transforms.language import detect_language
from transforms.lead import find_lead
from transforms.lines import boilerplate_lines, line_features
from transforms.metadata import MAX_REASON, Found, find_metadata
from transforms.normalize import canonicalize, normalize_text
from transforms.records import Article, Discard, Hints, Image

# Bump when a change of this module changes what it extracts from a page; `trawl reextract`
# then rebuilds the documents from the archive and records the version (table `rebuilds`).
EXTRACTOR_VERSION = "6"
# fewer characters of main text than this is a stub, a gallery or a listing, not an article
MIN_TEXT_CHARS = 200
# the cleaned text must keep at least this share of trafilatura's own text of the page, else
# the cleaning is distrusted and trafilatura's text is kept (a safety net, see extract_article)
MIN_KEPT_SHARE = 0.5
T = TypeVar("T")
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


def soft(faults: dict[str, str], name: str, compute: Callable[[], T], default: T) -> T:
    """The result of one step of extraction, or ``default`` when the step fails on this page:
    a fault in one field or step costs that field (its reason kept in ``faults``), never the text."""
    try:
        return compute()
    except Exception as error:  # a hostile page may break any library on any field
        faults.setdefault(name, f"{type(error).__name__}: {error}"[:MAX_REASON])
        return default


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


def _bare(page: lxml_html.HtmlElement, url: str) -> tuple[str, str] | None:
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
    if document is None or document.body is None:  # type: ignore[union-attr]
        return None
    body = document.body  # type: ignore[union-attr]
    return xmltotxt(body, include_formatting=False), xmltotxt(body, include_formatting=True)


def _main_text(tree: lxml_html.HtmlElement, url: str, faults: dict[str, str]) -> tuple[str, str] | None:
    """trafilatura's main text of the page: plain paragraphs, and Markdown (headings, lists,
    tables; no images yet). Formatting (bold, italics) is not asked for: on the benchmark it
    makes trafilatura drop whole paragraphs now and then. Should the widget pruning leave
    nothing (or the extraction of the pruned page fail), the page is extracted again without it."""
    pruned = soft(faults, "widgets", lambda: _without_widgets(tree), None)
    for page in (pruned, tree) if pruned is not None else (tree,):
        extracted = soft(faults, "text", partial(_bare, page, url), None)
        if extracted is not None:
            return extracted
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


def _htmldate(
    tree: lxml_html.HtmlElement, url: str, original: bool, floor: datetime, fetched: datetime
) -> datetime | None:
    guess = htmldate.find_date(
        tree,
        url=url,
        original_date=original,
        extensive_search=False,
        outputformat="%Y-%m-%dT%H:%M:%S",
        # htmldate's own bounds are naive; a date-only guess of the fetch day is fine
        min_date=floor.replace(tzinfo=None),
        max_date=shift(fetched, timedelta(days=1)).replace(tzinfo=None),
    )
    return parse_datetime(guess)


def _htmldate_candidates(tree: lxml_html.HtmlElement, url: str, floor: datetime, fetched: datetime) -> list[Candidate]:
    """htmldate's heuristics: the original date as published, the latest as modified when later."""
    published = _htmldate(tree, url, True, floor, fetched)
    if published is None:
        return []
    found: list[Candidate] = [("published_at", "htmldate", published)]
    modified = _htmldate(tree, url, False, floor, fetched)
    if modified is not None and modified > published:
        found.append(("modified_at", "htmldate", modified))
    return found


def _needs_htmldate(dates: Settled) -> bool:
    """Fall back to htmldate's heuristics only when no plausible publication date was found and
    the page itself gave no plausible modification date either (discovery dates do not count)."""
    if dates.published_at is not None:
        return False
    return dates.modified_signal is None or rank(dates.modified_signal) >= DISCOVERY_RANK


def _dates(tree: lxml_html.HtmlElement, url: str, found: Found, hints: Hints, faults: dict[str, str]) -> Settled:
    """Settle the page's dates from every candidate; htmldate fills in when none is plausible."""
    fetched = hints.fetched_at or datetime.now(UTC)
    floor = hints.date_floor or FLOOR
    candidates = [*hints.dates, *found.dates]
    dates = settle(candidates, fetched, floor)
    if _needs_htmldate(dates):
        guesses: list[Candidate] = soft(
            faults, "published_at", lambda: _htmldate_candidates(tree, url, floor, fetched), []
        )
        if guesses:
            dates = settle(candidates + guesses, fetched, floor)
    return dates


def _canonical(declared: str | None, url: str) -> str | None:
    """The declared canonical URL in canonical form, else the fetched one (a malformed one is ignored)."""
    for candidate in (declared, url):
        if candidate:
            try:
                return canonicalize(candidate)
            except ValueError:
                continue
    return None


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
    same text, where its lines sit in the page, the edge lines that are link-only residue, and
    trafilatura's own text of the page (normalized), the reference of the safety net."""

    lines: list[str]
    markdown: str
    body: BodyMap
    residue: set[int]
    lead: str | None
    raw: str = ""
    faults: dict[str, str] = field(default_factory=dict)


def _decode(html: bytes, content_type: str | None, faults: dict[str, str]) -> str:
    try:
        return decode_html(html, content_type)
    except Exception as error:  # a decoder fault costs the charset, not the page
        faults.setdefault("encoding", f"{type(error).__name__}: {error}"[:MAX_REASON])
        return html.decode("utf-8", errors="replace")


def _parse(
    html: bytes | str, url: str, content_type: str | None, faults: dict[str, str] | None = None
) -> lxml_html.HtmlElement | Discard:
    text_html = _decode(html, content_type, {} if faults is None else faults) if isinstance(html, bytes) else html
    if not text_html.strip():
        return Discard(url, "empty_page")
    # trafilatura's loader repairs what browsers forgive (stray doctypes, broken <html> tags)
    try:
        tree = trafilatura.load_html(text_html)
    except Exception as error:  # lxml gives up on some byte soup
        return Discard(url, "unparseable_html", f"{type(error).__name__}: {error}"[:MAX_REASON])
    if tree is None:
        return Discard(url, "unparseable_html", "no HTML tree could be built from the page")
    return tree


def _main_lines(tree: lxml_html.HtmlElement, url: str, found: Found, images: ImageIndex) -> MainLines | None:
    """The main text and what the line model needs of it; None without main text. Every step
    after trafilatura's is optional: a fault there costs its refinement, never the lines."""
    faults: dict[str, str] = {}
    extracted = _main_text(tree, url, faults)
    if extracted is None:
        return None if not faults else MainLines([], "", BodyMap(), set(), None, "", faults)
    captions: frozenset[str] = soft(
        faults, "images", lambda: frozenset(text_key(c) for c in images.captions()), frozenset()
    )
    raw = normalize_text(extracted[0])
    plain = _drop_captions(_strip_title(raw, found.title), captions)
    markdown = _drop_captions(_strip_title(extracted[1].strip(), found.title), captions)
    lines = plain.split("\n")
    body = soft(faults, "body_map", lambda: map_body(tree, lines), BodyMap())
    residue: set[int] = soft(faults, "residue", lambda: edge_residue(lines, body), set())
    lead = soft(faults, "lead", lambda: find_lead(tree, lines, body, residue, found.description, found.title), None)
    return MainLines(lines, markdown, body, residue, lead, raw, faults)


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
    if main is None or not main.lines:
        return None
    return main.lines, main.residue, line_features(main.lines, main.body, main.residue), main.lead


def _cleaned(main: MainLines, faults: dict[str, str], provenance: dict[str, str]) -> tuple[str, set[int]]:
    """The article's text after the line model, and the lines it dropped. A safety net: when
    the cleaning leaves less than half of trafilatura's own text of the page (or nothing),
    trafilatura's text is kept and the provenance says why. (The reference is the text this
    extraction already has, trafilatura with comments excluded on the same tree, pruned of
    in-body widgets when it has any; a second extraction would cost a third of the speed.)"""
    lines = main.lines
    features: dict[int, list[float]] = soft(
        faults, "line_model", lambda: line_features(lines, main.body, main.residue), {}
    )
    judged: set[int] = soft(faults, "line_model", lambda: boilerplate_lines(features), set())
    drop = main.residue | judged
    plain = kept_text(lines, drop, main.lead)
    if len(plain) >= MIN_KEPT_SHARE * len(main.raw) and plain.strip():
        return plain, drop
    fallback = kept_text(lines, set(), main.lead)
    if len(fallback) < MIN_KEPT_SHARE * len(main.raw):  # the title or captions were most of it
        fallback = main.raw
    if fallback.strip():
        provenance["text"] = (
            f"trafilatura: the cleaned text kept {len(plain)} of its {len(main.raw)} characters (under "
            f"{MIN_KEPT_SHARE:.0%})"
        )
        return fallback, set()
    return plain, drop


def extract_article(
    html: bytes | str, url: str, content_type: str | None = None, hints: Hints | None = None
) -> Article | Discard:
    """Extract the article of one page, or say why there is none (keeping the page's text).

    ``hints`` carry what the crawl knew beyond the HTML: the fetch time (the reference of the
    date sanity rules; now when unknown), the source's date floor, discovery dates and the
    REST API record.

    Never raises on a page: a fault in one metadata field (dates, authors, images, links,
    language...) or one refinement step costs that field or step, and its reason is kept in
    the provenance as ``<name>_error``; only a page without any main text is discarded.
    """
    hints = hints or Hints()
    faults: dict[str, str] = {}
    parsed = _parse(html, url, content_type, faults)
    if isinstance(parsed, Discard):
        return parsed
    tree = parsed
    found = find_metadata(tree, url)
    faults.update({k: v for k, v in found.failures.items() if k not in faults})
    images = soft(faults, "images", lambda: index_images(tree, url), ImageIndex(url))
    _authoritative(found, hints)
    main = _main_lines(tree, url, found, images)
    if main is None or not main.lines:
        detail = "; ".join(f"{k}: {v}" for k, v in (main.faults if main else {}).items())
        return Discard(url, "no_main_text", detail)
    faults.update({k: v for k, v in main.faults.items() if k not in faults})
    provenance = {k: v for k, v in found.provenance.items() if k not in ("published_at", "modified_at")}
    plain, drop = _cleaned(main, faults, provenance)
    lines, body = main.lines, main.body
    dates = soft(faults, "dates", lambda: _dates(tree, url, found, hints, faults), Settled(None, None, None, None, ()))
    if len(plain) < MIN_TEXT_CHARS:
        reason = "not_article" if found.not_article else "too_short"
        return Discard(url, reason, f"{len(plain)} characters of main text", plain)
    if found.not_article and dates.published_at is None:
        detail = "page declares a non-article type and has no publication date"
        return Discard(url, "not_article", detail, plain)
    body_images: list[tuple[int, Image]] = soft(faults, "images", lambda: _body_images(body, url), [])
    markdown = soft(
        faults,
        "markdown",
        lambda: _with_lead(main.lead, _markdown(main.markdown, lines, drop, body_images), "\n\n"),
        plain,
    )
    image_records = tuple(image for _, image in body_images)
    links: tuple[str, ...] = soft(faults, "links", lambda: body_links(body, url, drop), ())
    unknown: tuple[str | None, float | None] = (None, None)
    language, confidence = soft(faults, "language", lambda: detect_language(plain), unknown)
    if language:
        provenance["language"] = "py3langid:text"
    if image_records:
        provenance["images"] = "html:img+srcset+figcaption"
    if links:
        provenance["links"] = "html:a[href] in body"
    provenance.setdefault("canonical_url", "fetched_url")
    for name, signal in (("published_at", dates.published_signal), ("modified_at", dates.modified_signal)):
        if signal:
            provenance[name] = signal
    # a rejected future date stays visible to the quality checks (and in date_issues)
    for name, value in dates.future:
        provenance[f"future_{name}"] = value.isoformat()
    for name, reason in faults.items():
        provenance[f"{name}_error"] = reason
    date_faults = tuple(
        f"{name}: not read: {faults[name]}" for name in ("published_at", "modified_at") if name in faults
    )
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
        canonical_url=soft(faults, "canonical_url", lambda: _canonical(found.canonical_url, url), None),
        site_name=found.site_name,
        description=found.description,
        categories=found.categories,
        tags=found.tags,
        images=image_records,
        page_language=found.page_language,
        provenance=provenance,
        links=links,
        date_issues=dates.issues + date_faults,
    )
