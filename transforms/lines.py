"""Which lines of the extracted main text are boilerplate: a small logistic model over markup and layout.

trafilatura's main text still carries some boilerplate, mostly at its edges: "read more"
and related-article lines, share and subscription calls, credits, copyright lines. The
model reads only general signals of each line, never its wording: how much of its block
is link text, its length, its tag, where it sits relative to the long paragraphs of the
body (before, after, between them, how far from the nearest), whether it shares their
parent element, its ancestors (furniture, a table cell, the markup of an embedded social
post), and a few typographic cues (final punctuation, digits, capitalized words, bold or
italic text, a copyright sign or a table bar, a bare URL). Lengths are counted per script
(``transforms.body.words``: characters for scripts written without spaces), so a Japanese
paragraph is as long as an English one.

The weights were fitted by ``bench/extraction.py --fit`` on both dev sets, every page
weighing the same: extraction-dev's snippets (lines that hold a must-not-contain snippet
against lines that hold a must-contain one) and news-dev's full texts (lines in the truth
against lines not in it); ``bench/extraction.py --cv 5`` measures the same fit on the
publishers and sites it was not fitted on.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter

from lxml import html as lxml_html

from transforms.body import BodyMap, words

# a line of at least this many words is body prose; the others are judged by where they sit relative to it
LONG_WORDS = 25
# a line is dropped when the model's probability that it is boilerplate exceeds this
DROP_PROBABILITY = 0.5
_END_PUNCTUATION = tuple('.!?"»“”…)')
# containers that hold page furniture more often than prose
_FURNITURE = frozenset({"aside", "footer", "nav", "header", "figure", "form", "a", "ul", "ol", "table"})
# the class of the markup social networks ask sites to embed a post with (blockquote.twitter-tweet,
# blockquote.instagram-media, blockquote.tiktok-embed, div.fb-post...) and of generic embed wrappers
_EMBED = re.compile(r"tweet|instagram|tiktok|bluesky|threads|fb-post|embed", re.IGNORECASE)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_URL_LINE = re.compile(r"^(https?://|www\.)\S+$")

FEATURES = (
    "bias",
    "link_share",  # linked words / words of the line's block
    "link_share_half",  # link_share >= 0.5
    "unmapped",  # the line's block was not found in the page
    "log_words",
    "short",  # <= 5 words
    "first",
    "last",
    "before_long",  # before the first long paragraph
    "after_long",  # after the last long paragraph
    "after_long_share",  # how far after it, as a share of the lines
    "heading",
    "list_item",
    "ends_colon",
    "ends_sentence",
    "copyright_or_bar",
    "digit_share",
    "capitalized_share",
    "has_links",
    "text_share",  # words of the line / words of the text
    "before_long_log_words",
    "after_long_log_words",
    "same_parent",  # same parent element as most long paragraphs
    "inside_parent",  # inside that parent
    "parent_distance",  # levels up to that parent (10 if not inside), / 10
    "furniture_ancestor",  # an aside, footer, nav, header, figure, form, link, list or table up to 8 levels up
    "bold_share",  # words in <strong>/<b> / words of the block
    "after_long_elsewhere",  # after the last long paragraph and not beside the long paragraphs
    "before_long_elsewhere",
    "between_long",  # between the first and the last long paragraph
    "heading_between",  # a heading (or an all-bold short block) between two long paragraphs
    "link_share_between",  # link_share of a line between the long paragraphs (a "sources" line)
    "embedded_post",  # inside embedded-post markup (a quoted tweet, an Instagram or TikTok post) or an iframe's caption
    "table_prose",  # inside a table cell: its length as a share of LONG_WORDS (at most 1)
    "bare_url",  # the line is one URL
    "long_distance",  # lines to the nearest long paragraph (at most 5), / 5
    "italic_share",  # words in <em>/<i> / words of the block
)
# fitted by `bench/extraction.py --fit` on both dev sets (L2 1.0), in the order of FEATURES
WEIGHTS = (
    -3.965,  # bias
    1.142,  # link_share
    1.213,  # link_share_half
    -0.027,  # unmapped
    -0.708,  # log_words
    -0.797,  # short
    0.035,  # first
    1.067,  # last
    0.041,  # before_long
    1.65,  # after_long
    -2.601,  # after_long_share
    0.4,  # heading
    -4.0,  # list_item
    -0.245,  # ends_colon
    -0.812,  # ends_sentence
    1.048,  # copyright_or_bar
    1.067,  # digit_share
    1.414,  # capitalized_share
    0.931,  # has_links
    -3.906,  # text_share
    -0.424,  # before_long_log_words
    -0.159,  # after_long_log_words
    -0.791,  # same_parent
    3.654,  # inside_parent
    3.964,  # parent_distance
    0.659,  # furniture_ancestor
    1.18,  # bold_share
    0.227,  # after_long_elsewhere
    0.875,  # before_long_elsewhere
    0.085,  # between_long
    -0.985,  # heading_between
    0.773,  # link_share_between
    -0.433,  # embedded_post
    1.001,  # table_prose
    -7.298,  # bare_url
    -0.798,  # long_distance
    1.876,  # italic_share
)


def _embedded(element: lxml_html.HtmlElement, ancestors: list[lxml_html.HtmlElement]) -> bool:
    """Inside embedded-post markup (up to 6 levels up), or the caption right after an iframe."""
    if any(_EMBED.search(a.get("class") or "") for a in (element, *ancestors[:6])):
        return True
    previous = element.getprevious()
    return previous is not None and (previous.tag == "iframe" or next(previous.iter("iframe"), None) is not None)


def _heading_like(tag: str, size: float, bold: float) -> bool:
    return tag in _HEADINGS or (bold >= 0.8 and size <= 15)


def _nearest(ranks: list[int], rank: int) -> int:
    """The distance from ``rank`` to the nearest of the sorted ``ranks`` (5 when there is none)."""
    at = bisect_left(ranks, rank)
    return min((abs(rank - ranks[i]) for i in (at - 1, at) if 0 <= i < len(ranks)), default=5)


def line_features(lines: list[str], body: BodyMap, skip: set[int]) -> dict[int, list[float]]:
    """The feature vector (in the order of ``FEATURES``) of every non-empty line not in ``skip``."""
    kept = [i for i in range(len(lines)) if i not in skip and lines[i].strip()]
    count = len(kept)
    sizes = [words(lines[i]) for i in kept]
    total = max(1.0, sum(sizes))
    longs = [rank for rank, size in enumerate(sizes) if size >= LONG_WORDS]
    first_long = longs[0] if longs else 0
    last_long = longs[-1] if longs else count - 1
    parents = Counter(
        parent
        for rank in longs
        if (element := body.blocks.get(kept[rank])) is not None and (parent := element.getparent()) is not None
    )
    home = parents.most_common(1)[0][0] if parents else None
    features: dict[int, list[float]] = {}
    for rank, index in enumerate(kept):
        line = lines[index].strip()
        size = sizes[rank]
        element = body.blocks.get(index)
        block_words = words(element.text_content()) if element is not None else 0.0
        linked = sum(words(a.text_content()) for a in element.iter("a")) if element is not None else 0.0
        link_share = linked / block_words if block_words else 0.0
        tag = str(element.tag) if element is not None else ""
        before, after = rank < first_long, rank > last_long
        between = not before and not after and rank not in (first_long, last_long)
        log_words = math.log1p(size)
        ancestors = list(element.iterancestors()) if element is not None else []
        if element is not None and ancestors:
            same = float(ancestors[0] is home)
            distance = next((level for level, a in enumerate(ancestors) if a is home), 10)
            inside = float(distance < 10)
            furniture = float(any(a.tag in _FURNITURE for a in ancestors[:8]))
            bold = sum(words(b.text_content()) for b in element.iter("strong", "b")) / max(1.0, block_words)
            italic = sum(words(b.text_content()) for b in element.iter("em", "i")) / max(1.0, block_words)
            embedded = float(_embedded(element, ancestors))
            cell = tag in ("td", "th") or any(a.tag in ("td", "th") for a in ancestors[:4])
        else:
            same = inside = furniture = bold = italic = embedded = 0.0
            cell = False
            distance = 10
        tokens = line.split()
        gap = _nearest(longs, rank)
        features[index] = [
            1.0,
            link_share,
            float(link_share >= 0.5),
            float(element is None),
            log_words,
            float(size <= 5),
            float(rank == 0),
            float(rank == count - 1),
            float(before),
            float(after),
            (rank - last_long) / max(1, count) if after else 0.0,
            float(tag in _HEADINGS),
            float(tag == "li"),
            float(line.endswith(":")),
            float(line.endswith(_END_PUNCTUATION)),
            float("©" in line or "|" in line),
            sum(map(str.isdigit, line)) / max(1, len(line)),
            sum(1 for token in tokens if token[:1].isupper()) / max(1, len(tokens)),
            float(element is not None and any(True for _ in element.iter("a"))),
            size / total,
            float(before) * log_words,
            float(after) * log_words,
            same,
            inside,
            min(distance, 10) / 10,
            furniture,
            bold,
            float(after) * (1 - same),
            float(before) * (1 - same),
            float(between),
            float(between and _heading_like(tag, size, bold)),
            float(between) * link_share,
            embedded,
            float(cell) * min(1.0, size / LONG_WORDS),
            float(bool(_URL_LINE.match(line))),
            min(gap, 5) / 5,
            italic,
        ]
    return features


def probability(vector: list[float], weights: tuple[float, ...] | list[float] = WEIGHTS) -> float:
    score = sum(w * x for w, x in zip(weights, vector, strict=True))
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, score))))


def boilerplate_lines(features: dict[int, list[float]], weights: tuple[float, ...] | list[float] = WEIGHTS) -> set[int]:
    """Indexes of the lines the model judges boilerplate; none when it would judge them all."""
    drop = {index for index, vector in features.items() if probability(vector, weights) > DROP_PROBABILITY}
    return drop if len(drop) < len(features) else set()
