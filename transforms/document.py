"""From an extracted Article to a Document: site boilerplate stripped, normalized, hashed."""

from __future__ import annotations

import re

from transforms.boilerplate import Boilerplate, strip
from transforms.normalize import NORMALIZER_VERSION, content_hash, settle
from transforms.records import Article, Document

_WORD = re.compile(r"\w+", re.UNICODE)


def build_document(source: str, article: Article, boilerplate: Boilerplate) -> Document:
    """Clean one article with its source's learned boilerplate and hash what is left.

    The hash is taken after boilerplate removal, so one article republished on two sites
    with different chrome is one document.
    """
    text, markdown, removed = strip(article.text, article.markdown, boilerplate, article.blocks)
    text = settle(text)  # the extraction normalized it; the strip only removed lines
    return Document(
        source=source,
        url=article.url,
        article=article,
        text=text,
        markdown=markdown,
        content_hash=content_hash(text),
        normalizer_version=NORMALIZER_VERSION,
        boilerplate_removed=removed,
        word_count=len(_WORD.findall(text)),
    )
