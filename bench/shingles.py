"""The full-text metric of scrapinghub's article-extraction-benchmark: 4-token shingle overlap.

Tokens are the regex ``\\w+`` matches (Unicode, case kept, punctuation dropped); a text is the
multiset of its 4-token shingles (a text of 1-3 tokens is one shingle, an empty one none).
Per page, precision = shared / predicted shingles and recall = shared / true shingles; each is
averaged over pages (a page with an empty prediction is left out of the precision average, one
with an empty truth out of the recall average), and F1 is the harmonic mean of the averages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

TOKEN = re.compile(r"\w+")
N = 4


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def shingles(text: str, n: int = N) -> Counter[str]:
    """The multiset of the text's n-token shingles (one shingle for a shorter, non-empty text)."""
    words = tokens(text)
    return Counter(" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words)


@dataclass(frozen=True)
class PageMatch:
    shared: int
    predicted: int
    true: int

    @property
    def precision(self) -> float | None:
        return self.shared / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.shared / self.true if self.true else None


def match(truth: str, prediction: str) -> PageMatch:
    true, predicted = shingles(truth), shingles(prediction)
    return PageMatch(sum((true & predicted).values()), sum(predicted.values()), sum(true.values()))


@dataclass
class FullTextScore:
    """Pages scored with the shingle metric; the same ``figures()`` keys as the snippet score."""

    matches: list[PageMatch] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0

    def add_text(self, truth: str, prediction: str) -> PageMatch:
        found = match(truth, prediction)
        self.matches.append(found)
        return found

    def figures(self) -> dict[str, float]:
        precisions = [m.precision for m in self.matches if m.precision is not None]
        recalls = [m.recall for m in self.matches if m.recall is not None]
        precision = sum(precisions) / len(precisions) if precisions else 0.0
        recall = sum(recalls) / len(recalls) if recalls else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "empty": float(sum(1 for m in self.matches if not m.predicted)),
            "pages_per_s": self.pages / max(1e-9, self.seconds),
        }
