"""Site-level boilerplate: paragraphs that recur across many documents of one source.

No single-page extractor can tell a "subscribe to our Telegram bot" paragraph printed
under every article from the article itself; the site's other pages can. Counts are kept
per source over *distinct* extracted texts (one document reachable under several URLs
counts once), so the result depends on the set of pages, never on their order.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transforms.normalize import NORMALIZER_VERSION, line_key
from transforms.structure import structural_lines, text_hash

# Bump when a change of learning or stripping changes what is removed; `trawl reextract` then
# rebuilds the documents from the archive and records the version (table `rebuilds`).
CLEANER_VERSION = "1"
# a line must recur in at least this many distinct documents of the source ...
MIN_DOCS = 4
# ... and in at least this share of them (the larger of the two wins)
MIN_SHARE = 0.05
# bump when ``strip`` changes what it removes: every stored document is then cleaned again
CLEANER_VERSION = "1"

_MARKDOWN_SYNTAX = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|^[#>\-*+|\s]+|[*_`]+|\s*\|\s*$")
# a match of it needs one of these characters, or a line starting with a marker or a space
_MARKDOWN_CHARS = re.compile(r"[\[*_`|]")
_LINE_MARKERS = frozenset("#>-*+|")


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """The learned boilerplate of one source: line keys and how many documents had each, and
    the block keys learned from the structure of its pages (``transforms.structure``)."""

    source: str
    documents: int
    lines: Mapping[str, int]
    blocks: frozenset[str] = frozenset()

    def __contains__(self, line: str) -> bool:
        return line_key(line) in self.lines

    @property
    def version(self) -> str:
        """Identifies what cleaning with this model does: its lines, the cleaner, the normalizer.

        Independent of the counts and of the order lines were learned in, so it changes only
        when the set of stripped lines (or the code) changes.
        """
        digest = hashlib.sha256(f"{CLEANER_VERSION}/{NORMALIZER_VERSION}".encode())
        for key in sorted(self.lines):
            digest.update(b"\n" + key.encode("utf-8"))
        if self.blocks:  # a source without learned blocks keeps the version it had before them
            digest.update(b"\n\0blocks")
            for key in sorted(self.blocks):
                digest.update(b"\n" + key.encode("ascii"))
        return digest.hexdigest()[:16]


def line_hash(key: str) -> str:
    """Short stable id of a line key, for the warehouse."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def distinct_lines(text: str) -> set[str]:
    """The keys of a text's lines, each once."""
    return {key for key in (line_key(line) for line in text.split("\n")) if key}


def count_lines(texts: Iterable[str]) -> Counter[str]:
    """In how many of the given (distinct) texts each line key occurs."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(distinct_lines(text))
    return counts


def threshold(documents: int, min_docs: int = MIN_DOCS, min_share: float = MIN_SHARE) -> int:
    """How many documents a line must occur in to count as boilerplate."""
    return max(min_docs, int(min_share * documents + 0.999999))


def learn(
    source: str,
    counts: Mapping[str, int],
    documents: int,
    min_docs: int = MIN_DOCS,
    min_share: float = MIN_SHARE,
) -> Boilerplate:
    """Boilerplate of a source from its line counts over ``documents`` distinct texts."""
    needed = threshold(documents, min_docs, min_share)
    return Boilerplate(source, documents, {key: n for key, n in counts.items() if n >= needed})


def strip_markdown(line: str) -> str:
    """A Markdown line's plain text: images dropped, links reduced to their text, no markers."""
    if _MARKDOWN_CHARS.search(line) is None and not (line[:1] in _LINE_MARKERS or line[:1].isspace()):
        return line  # no character any of the syntax's patterns needs: most lines
    return _MARKDOWN_SYNTAX.sub(r"\1", line)  # an unmatched group is replaced by nothing


def markdown_key(line: str) -> str:
    """The key of a Markdown line's plain text, to strip the same lines from Markdown."""
    return line_key(strip_markdown(line))


def strip(text: str, markdown: str, boilerplate: Boilerplate, blocks: tuple[str, ...] = ()) -> tuple[str, str, int]:
    """Remove boilerplate lines from the text and the Markdown; never empty a document.

    A line goes when the source's texts repeat it (``boilerplate.lines``) or when its page has it
    only as blocks learned from the pages' structure (``blocks``: the page's block keys).
    Returns the cleaned text, the cleaned Markdown and how many lines were removed.
    """
    structural = structural_lines(boilerplate.blocks, blocks)

    def boilerplate_line(key: str, plain: str) -> bool:
        return key in boilerplate.lines or (bool(structural) and text_hash(plain) in structural)

    lines = text.split("\n")
    kept = [line for line in lines if not boilerplate_line(line_key(line), line)]
    if not any(line.strip() for line in kept):
        return text, markdown, 0
    md_lines = markdown.split("\n")
    md_kept = [
        line for line in md_lines if not line.strip() or not boilerplate_line(markdown_key(line), strip_markdown(line))
    ]
    cleaned_md = re.sub(r"\n{3,}", "\n\n", "\n".join(md_kept)).strip()
    return "\n".join(kept), cleaned_md, len(lines) - len(kept)
