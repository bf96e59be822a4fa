"""Extract one article from one page: trafilatura for the main text, structured metadata first.

``extract_article`` is the single public, network-free entry point; the pipeline and every
evaluation call it on one page at a time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import htmldate
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from transforms.decode import decode_html
from transforms.images import ImageIndex, index_images
from transforms.language import detect_language
from transforms.metadata import Found, find_metadata, parse_datetime
from transforms.normalize import canonicalize, normalize_line, normalize_text
from transforms.records import Article, Discard, Image

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
PRUNE_XPATH = "//*[" + " or ".join(f"contains(@class, '{m}') or contains(@id, '{m}')" for m in _WIDGET_MARKERS) + "]"
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")


def _main_text(tree: lxml_html.HtmlElement, url: str) -> tuple[str, str] | None:
    """trafilatura's main text of the page, as plain paragraphs and as Markdown with images."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_images=True,
        include_formatting=True,
        include_tables=True,
        include_links=False,
        prune_xpath=PRUNE_XPATH,
        with_metadata=False,
        deduplicate=False,
    )
    if document is None or document.body is None:  # type: ignore[union-attr]
        return None
    body = document.body  # type: ignore[union-attr]
    markdown = xmltotxt(body, include_formatting=True)
    etree.strip_elements(body, "graphic", with_tail=False)
    plain = xmltotxt(body, include_formatting=False)
    return plain, markdown


def _strip_title(text: str, title: str | None) -> str:
    """Drop leading lines that only repeat the title (themes print it above the body)."""
    if not title:
        return text
    key = normalize_line(title).casefold().strip(" #*")
    lines = text.split("\n")
    while lines and normalize_line(lines[0]).casefold().strip(" #*") == key:
        lines.pop(0)
    return "\n".join(lines)


def _rewrite_images(markdown: str, images: ImageIndex) -> tuple[str, tuple[Image, ...]]:
    """Point Markdown images at absolute, largest URLs and collect them with alt and caption."""
    found: dict[str, Image] = {}

    def replace(match: re.Match[str]) -> str:
        image = images.resolve(match.group(2), match.group(1))
        found.setdefault(image.url, image)
        return f"![{image.alt}]({image.url})"

    return _MD_IMAGE.sub(replace, markdown), tuple(found.values())


def _dates(tree: lxml_html.HtmlElement, url: str, found: Found) -> None:
    """Fall back to htmldate's heuristics only for article pages without a structured date."""
    if found.published_at or found.not_article:
        return
    guess = htmldate.find_date(
        tree,
        url=url,
        original_date=True,
        extensive_search=False,
        outputformat="%Y-%m-%dT%H:%M:%S",
    )
    found.set("published_at", parse_datetime(guess), "htmldate")


def extract_article(html: bytes | str, url: str, content_type: str | None = None) -> Article | Discard:
    """Extract the article of one page, or say why there is none."""
    text_html = decode_html(html, content_type) if isinstance(html, bytes) else html
    if not text_html.strip():
        return Discard(url, "empty_page")
    try:
        tree = lxml_html.document_fromstring(text_html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        return Discard(url, "unparseable_html", str(error)[:200])
    found = find_metadata(tree, url)
    images = index_images(tree, url)
    _dates(tree, url, found)
    extracted = _main_text(tree, url)
    if extracted is None:
        return Discard(url, "no_main_text")
    plain, markdown = extracted
    plain = _strip_title(normalize_text(plain), found.title)
    markdown = _strip_title(markdown.strip(), found.title)
    if len(plain) < MIN_TEXT_CHARS:
        reason = "not_article" if found.not_article else "too_short"
        return Discard(url, reason, f"{len(plain)} characters of main text")
    if found.not_article and not found.published_at:
        return Discard(
            url,
            "not_article",
            "page declares a non-article type and has no publication date",
        )
    markdown, image_records = _rewrite_images(markdown, images)
    language, confidence = detect_language(plain)
    provenance = dict(found.provenance)
    if language:
        provenance["language"] = "py3langid:text"
    now = datetime.now(UTC)
    for name in ("published_at", "modified_at"):  # dropped below, but kept visible for quality checks
        value = getattr(found, name)
        if value and value > now:
            provenance[f"future_{name}"] = value.isoformat()
    return Article(
        url=url,
        title=found.title or "",
        text=plain,
        markdown=markdown,
        authors=found.authors,
        published_at=found.published_at if found.published_at and found.published_at <= now else None,
        modified_at=found.modified_at if found.modified_at and found.modified_at <= now else None,
        language=language,
        language_confidence=confidence,
        canonical_url=canonicalize(found.canonical_url) if found.canonical_url else canonicalize(url),
        site_name=found.site_name,
        description=found.description,
        categories=found.categories,
        tags=found.tags,
        images=image_records,
        page_language=found.page_language,
        provenance=provenance,
    )


_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
