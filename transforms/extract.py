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
before the body that opens with the page's own description). trafilatura reads a copy of the
page prepared by markup alone (``transforms.prune``: widgets, info boxes, hidden elements and
appended articles out, a chunked body joined, in-text link lists unwrapped), a page without
visible text is read from its scripts' HTML (``transforms.embedded``), and the headline with
its kicker leaves the text's start (``transforms.edges``). On news-dev (130 current news
pages, shingle metric) these took F1 from 0.949 to 0.966 (trafilatura without comments 0.941).

Figures of one full run (990 pages): F1 0.9426 against 0.9214 for ``trafilatura.extract``
defaults (+0.021; precision 0.934, recall 0.952), at 0.60 times its speed. Held out by site
(``bench/extraction.py --cv 5``, the model fitted on the other folds' sites) trawl scores
0.9407, +0.019 over trafilatura on the same pages; without the model 0.9346. Without the
lead the figures were 0.9345 in-sample and 0.9326 held out (recall 0.936).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import trafilatura
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from transforms.article_body import recovered_lines
from transforms.body import BodyMap, body_links, edge_residue, map_body, text_key
from transforms.dates import Settled
from transforms.decode import decode_html
from transforms.edges import drop_captions, strip_title, title_keys
from transforms.embedded import embedded_body
from transforms.images import ImageIndex, index_images
from transforms.kind import ARTICLE, DEFAULT, PAGE, decide
from transforms.language import detect_language
from transforms.lead import find_lead
from transforms.lines import boilerplate_lines, line_features
from transforms.markdown import _body_images, _markdown
from transforms.metadata import MAX_REASON, Found, find_metadata
from transforms.normalize import normalize_text
from transforms.page_dates import page_dates
from transforms.parse import load_html
from transforms.prune import pruned
from transforms.records import Article, Discard, Hints, Image
from transforms.soft import soft
from transforms.structure import page_blocks
from transforms.urls import canonicalize

# Bump when a change of this module changes what it extracts from a page; `trawl reextract`
# then rebuilds the documents from the archive and records the version (table `rebuilds`).
EXTRACTOR_VERSION = "10"  # 5: bylines, articleBody, headline/lead/pruning; 6: the kind; 7: text blocks; 8-9: the merges and the line model; 10: language on 2,000 characters
# fewer characters of main text than this is a stub, a gallery or a listing, not an article
MIN_TEXT_CHARS = 200
# the cleaned text must keep at least this share of trafilatura's own text of the page, else
# the cleaning is distrusted and trafilatura's text is kept (a safety net, see extract_article)
MIN_KEPT_SHARE = 0.5


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
    makes trafilatura drop whole paragraphs now and then. Should the pruning (``transforms.prune``)
    leave nothing (or the extraction of the pruned page fail), the page is extracted again
    without it (never because the pruned text is short: a page without its body would then
    store its widgets); should no article be found, the body embedded in its scripts is read."""
    cleaned = soft(faults, "widgets", lambda: pruned(tree), None)
    extracted = None
    for page in (cleaned, tree) if cleaned is not None else (tree,):
        extracted = soft(faults, "text", partial(_bare, page, url), None)
        if extracted is not None:  # a short text of the pruned page stays short: the widgets are no body
            break
    if extracted is not None and len(extracted[0]) >= MIN_TEXT_CHARS:
        return extracted
    # nothing visible: the body a script-rendered page ships in its hydration state, if any
    embedded = soft(faults, "embedded", lambda: embedded_body(tree), None)
    found = soft(faults, "text", partial(_bare, embedded, url), None) if embedded is not None else None
    return found if found is not None and len(found[0]) >= MIN_TEXT_CHARS else extracted


def _with_lead(lead: str | None, text: str, separator: str) -> str:
    """The text with the lead that trafilatura left out (``transforms.lead``) before it."""
    return f"{lead}{separator}{text}" if lead and text else lead or text


def kept_text(lines: list[str], drop: set[int], lead: str | None) -> str:
    """The article's plain text: the lead, then the main-text lines not dropped (shared with
    ``bench/extraction.py``, which scores the line model's choices without re-extracting)."""
    return _with_lead(lead, "\n".join(line for i, line in enumerate(lines) if i not in drop), "\n")


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
            found.put(name, value)
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
    # trafilatura's loader's repairs of what browsers forgive (stray doctypes, broken <html> tags)
    try:
        tree = load_html(text_html)
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
    titles = title_keys(tree, found.meta.title)
    plain = drop_captions(strip_title(raw, titles), captions)
    markdown = drop_captions(strip_title(extracted[1].strip(), titles), captions)
    lines = plain.split("\n")
    recovered = soft(faults, "article_body", lambda: recovered_lines(tree, lines, found.article_body), None)
    if recovered is not None:  # paragraphs trafilatura left out, found by the page's own articleBody
        lines = normalize_text("\n".join(recovered)).split("\n")
        markdown = "\n\n".join(line for line in lines if line.strip())
    body = soft(faults, "body_map", lambda: map_body(tree, lines), BodyMap())
    residue: set[int] = soft(faults, "residue", lambda: edge_residue(lines, body), set())
    lead = soft(
        faults, "lead", lambda: find_lead(tree, lines, body, residue, found.meta.description, found.meta.title), None
    )
    return MainLines(lines, markdown, body, residue, lead, raw, faults)


def line_candidates(
    html: bytes | str, url: str
) -> tuple[list[str], set[int], dict[int, list[float]], str | None, str] | None:
    """What the line model sees of a page (for fitting and cross-validating it, see
    ``bench/extraction.py``): the main text's lines, the edge residue dropped before the
    model, the feature vector of every other non-empty line, the lead put before the lines
    the model keeps, and trafilatura's own text (the safety net's). None without main text."""
    parsed = _parse(html, url, None)
    if isinstance(parsed, Discard):
        return None
    tree = parsed
    found = find_metadata(tree, url)
    main = _main_lines(tree, url, found, index_images(tree, url))
    if main is None or not main.lines:
        return None
    return main.lines, main.residue, line_features(main.lines, main.body, main.residue), main.lead, main.raw


def guarded_text(lines: list[str], drop: set[int], lead: str | None, raw: str) -> tuple[str, bool]:
    """The kept text, or the safety net's when the cleaning left less than half of trafilatura's
    own text of the page (or nothing): every line, or trafilatura's text itself when the title
    or captions were most of it (never when they were all of it: a page whose text is only its
    header has no article); and whether the net was used (shared with
    ``bench/line_model.py``, so the held-out figures measure this same text)."""
    plain = kept_text(lines, drop, lead)
    if len(plain) >= MIN_KEPT_SHARE * len(raw) and plain.strip():
        return plain, False
    fallback = kept_text(lines, set(), lead)
    if not fallback.strip():  # the headline, kicker and captions were all of it: no article text
        return plain, False
    if len(fallback) < MIN_KEPT_SHARE * len(raw):
        fallback = raw
    return fallback, True


def _cleaned(main: MainLines, faults: dict[str, str], provenance: dict[str, str]) -> tuple[str, set[int]]:
    """The article's text after the line model, and the lines it dropped, under the safety net
    of ``guarded_text``, the provenance saying when it was used. (The reference is the text this
    extraction already has, trafilatura with comments excluded on the same tree, pruned of
    in-body widgets when it has any; a second extraction would cost a third of the speed.)"""
    lines = main.lines
    features: dict[int, list[float]] = soft(
        faults, "line_model", lambda: line_features(lines, main.body, main.residue), {}
    )
    judged: set[int] = soft(faults, "line_model", lambda: boilerplate_lines(features), set())
    drop = main.residue | judged
    text, netted = guarded_text(lines, drop, main.lead, main.raw)
    if not netted:
        return text, drop
    provenance["text"] = (
        f"trafilatura: the cleaned text kept {len(kept_text(lines, drop, main.lead))} of its {len(main.raw)} "
        f"characters (under {MIN_KEPT_SHARE:.0%})"
    )
    return text, set()


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
    blocks: tuple[str, ...] = soft(faults, "blocks", lambda: page_blocks(tree), ())
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
    dates = soft(
        faults, "dates", lambda: page_dates(tree, url, found, hints, faults), Settled(None, None, None, None, ())
    )
    kind, kind_signal = soft(
        faults,
        "kind",
        lambda: decide([*hints.kinds, *found.kinds], dates.published_at is not None, url),
        (ARTICLE, DEFAULT),
    )
    if len(plain) < MIN_TEXT_CHARS:
        reason = "not_article" if kind == PAGE else "too_short"
        detail = f"{len(plain)} characters of main text" + (f"; a page per {kind_signal}" if kind == PAGE else "")
        return Discard(url, reason, detail, plain)
    provenance["kind"] = kind_signal
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
        title=found.meta.title or "",
        text=plain,
        markdown=markdown,
        authors=found.meta.authors,
        published_at=dates.published_at,
        modified_at=dates.modified_at,
        language=language,
        language_confidence=confidence,
        canonical_url=soft(faults, "canonical_url", lambda: _canonical(found.meta.canonical_url, url), None),
        site_name=found.meta.site_name,
        description=found.meta.description,
        categories=found.meta.categories,
        tags=found.meta.tags,
        images=image_records,
        page_language=found.meta.page_language,
        provenance=provenance,
        links=links,
        date_issues=dates.issues + date_faults,
        doc_kind=kind,
        blocks=blocks,
    )
