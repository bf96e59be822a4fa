"""extraction-dev's metric: must-contain / must-not-contain snippets, as trafilatura's evaluation scores them.

White space is folded in output and snippets, then a case-sensitive substring test.
"""

from __future__ import annotations

from dataclasses import dataclass


def fold(text: str) -> str:
    """White space folded to single spaces, ends stripped (the benchmark's matching rule)."""
    return " ".join(text.split())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    seconds: float = 0.0
    pages: int = 0

    def add(self, output: str, with_: list[str], without: list[str]) -> None:
        output = fold(output)
        for snippet in with_:
            if fold(snippet) in output:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without:
            if fold(snippet) in output:
                self.fp += 1
            else:
                self.tn += 1

    def figures(self) -> dict[str, float]:
        precision = self.tp / max(1, self.tp + self.fp)
        recall = self.tp / max(1, self.tp + self.fn)
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        accuracy = (self.tp + self.tn) / max(1, self.tp + self.tn + self.fp + self.fn)
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "accuracy": accuracy,
            "pages_per_s": self.pages / max(1e-9, self.seconds),
        }
