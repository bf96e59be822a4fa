"""Images of a page: absolute URL of the largest ``srcset`` candidate, alt text and caption."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

from transforms.normalize import tidy
from transforms.records import Image

_CANDIDATE = re.compile(r"^\s*(\S+?)(?:\s+(\d+(?:\.\d+)?)([wx]))?\s*$")
_SRC_ATTRIBUTES = ("src", "data-src", "data-lazy-src", "data-original")


def largest_candidate(srcset: str) -> str | None:
    """The URL of the widest (or densest) candidate of a ``srcset`` attribute."""
    best: tuple[float, str] | None = None
    for part in srcset.split(", "):
        match = _CANDIDATE.match(part)
        if not match:
            continue
        size = float(match.group(2) or 1)
        if best is None or size > best[0]:
            best = (size, match.group(1))
    return best[1] if best else None


def _caption(img: lxml_html.HtmlElement) -> str:
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            captions = ancestor.xpath(".//figcaption")
            return tidy(captions[0].text_content()) if captions else ""
        if ancestor.tag in ("article", "main", "body"):
            break
    return ""


@dataclass
class ImageIndex:
    """Every image of a page, findable by any of the URLs it is known by."""

    base_url: str
    by_url: dict[str, Image] = field(default_factory=dict)

    def resolve(self, src: str, alt: str) -> Image:
        """The full record of an image the extractor kept (by its src), else a bare one."""
        absolute = urljoin(self.base_url, src)
        known = self.by_url.get(absolute)
        if known is not None:
            return known
        return Image(url=absolute, alt=tidy(alt))

    def captions(self) -> frozenset[str]:
        """Every image caption on the page."""
        return frozenset(image.caption for image in self.by_url.values() if image.caption)


def image_of(img: lxml_html.HtmlElement, base_url: str) -> Image | None:
    """The record of one ``<img>``: largest candidate, alt text, caption (None without a source)."""
    urls = [img.get(attr) for attr in _SRC_ATTRIBUTES if img.get(attr)]
    srcset = img.get("srcset") or img.get("data-srcset") or ""
    largest = largest_candidate(srcset) if srcset else None
    if not urls and not largest:
        return None
    try:
        best = urljoin(base_url, largest or urls[0] or "")
    except ValueError:  # a malformed src ("http://[broken") loses this image, not the page's others
        return None
    return Image(url=best, alt=tidy(img.get("alt") or ""), caption=_caption(img))


def index_images(tree: lxml_html.HtmlElement, base_url: str) -> ImageIndex:
    """Index the page's ``<img>`` elements before the extractor prunes the tree."""
    index = ImageIndex(base_url)
    for img in tree.iter("img"):
        record = image_of(img, base_url)
        if record is None:
            continue
        urls = [img.get(attr) for attr in _SRC_ATTRIBUTES if img.get(attr)]
        srcset = img.get("srcset") or img.get("data-srcset") or ""
        candidates = [*urls, *(p.split()[0] for p in srcset.split(", ") if p.strip())]
        for candidate in candidates:
            try:
                index.by_url.setdefault(urljoin(base_url, candidate or ""), record)
            except ValueError:  # one malformed candidate URL
                continue
    return index
