"""Which lines of the extracted main text are boilerplate: a small logistic model over markup and layout.

trafilatura's main text still carries some boilerplate, mostly at its edges: "read more"
and related-article lines, share and subscription calls, credits, copyright lines. The
model reads only general signals of each line, never its wording: how much of its block
is link text, its length, its tag, where it sits relative to the long paragraphs of the
body, whether it shares their parent element, its ancestors, and a few typographic cues
(final punctuation, digits, capitalized words, a copyright sign or a table bar).

The weights were fitted by ``bench/extraction.py --fit`` on the dev benchmark's snippets
(lines that hold a must-not-contain snippet against lines that hold a must-contain one);
``bench/extraction.py --cv 5`` measures the same fit on sites it was not fitted on.
"""

from __future__ import annotations

import math
from collections import Counter

from transforms.body import BodyMap, words

# a line of at least this many words is body prose; the others are judged by where they sit relative to it
LONG_WORDS = 25
# a line is dropped when the model's probability that it is boilerplate exceeds this
DROP_PROBABILITY = 0.5
_END_PUNCTUATION = tuple('.!?"»“”…)')
# containers that hold page furniture more often than prose
_FURNITURE = frozenset({"aside", "footer", "nav", "header", "figure", "form", "a", "ul", "ol", "table"})

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
)
# fitted by `bench/extraction.py --fit` (L2 1.0), in the order of FEATURES
WEIGHTS = (
    -3.202,  # bias
    2.058,  # link_share
    0.555,  # link_share_half
    -0.305,  # unmapped
    -0.327,  # log_words
    -0.186,  # short
    0.063,  # first
    0.983,  # last
    -0.031,  # before_long
    1.178,  # after_long
    -1.749,  # after_long_share
    -0.11,  # heading
    -4.025,  # list_item
    -0.161,  # ends_colon
    -0.696,  # ends_sentence
    1.29,  # copyright_or_bar
    -1.864,  # digit_share
    1.411,  # capitalized_share
    0.824,  # has_links
    -6.204,  # text_share
    0.049,  # before_long_log_words
    -0.013,  # after_long_log_words
    -0.811,  # same_parent
    2.275,  # inside_parent
    2.396,  # parent_distance
    0.807,  # furniture_ancestor
    0.458,  # bold_share
    -0.371,  # after_long_elsewhere
    -0.612,  # before_long_elsewhere
)


def line_features(lines: list[str], body: BodyMap, skip: set[int]) -> dict[int, list[float]]:
    """The feature vector (in the order of ``FEATURES``) of every non-empty line not in ``skip``."""
    kept = [i for i in range(len(lines)) if i not in skip and lines[i].strip()]
    count = len(kept)
    sizes = [len(lines[i].split()) for i in kept]
    total = max(1, sum(sizes))
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
        block_words = words(element.text_content()) if element is not None else 0
        linked = sum(words(a.text_content()) for a in element.iter("a")) if element is not None else 0
        link_share = linked / block_words if block_words else 0.0
        tag = str(element.tag) if element is not None else ""
        before, after = rank < first_long, rank > last_long
        log_words = math.log1p(size)
        ancestors = list(element.iterancestors()) if element is not None else []
        if element is not None and ancestors:
            same = float(ancestors[0] is home)
            distance = next((level for level, a in enumerate(ancestors) if a is home), 10)
            inside = float(distance < 10)
            furniture = float(any(a.tag in _FURNITURE for a in ancestors[:8]))
            bold = sum(words(b.text_content()) for b in element.iter("strong", "b")) / max(1, block_words)
        else:
            same = inside = furniture = bold = 0.0
            distance = 10
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
            float(tag.startswith("h")),
            float(tag == "li"),
            float(line.endswith(":")),
            float(line.endswith(_END_PUNCTUATION)),
            float("©" in line or "|" in line),
            sum(ch.isdigit() for ch in line) / max(1, len(line)),
            sum(1 for token in line.split() if token[:1].isupper()) / max(1, size),
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
        ]
    return features


def probability(vector: list[float], weights: tuple[float, ...] | list[float] = WEIGHTS) -> float:
    score = sum(w * x for w, x in zip(weights, vector, strict=True))
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, score))))


def boilerplate_lines(features: dict[int, list[float]], weights: tuple[float, ...] | list[float] = WEIGHTS) -> set[int]:
    """Indexes of the lines the model judges boilerplate; none when it would judge them all."""
    drop = {index for index, vector in features.items() if probability(vector, weights) > DROP_PROBABILITY}
    return drop if len(drop) < len(features) else set()
