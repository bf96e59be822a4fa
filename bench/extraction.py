"""Extraction quality and speed: trawl's extract_article beside plain trafilatura.extract, one run.

Scores the dev benchmark (pages with must-contain / must-not-contain snippets) the way
trafilatura's own evaluation does (white space folded in output and snippets, then a
case-sensitive substring test), and prints precision, recall, F1, accuracy and pages/s for
both extractors and their ratio. Both get the page's raw bytes and URL. trawl is scored on
the text it stores: an article's text, or for a page it discards (a static page, a stub)
the text it keeps with the discard. The two extractors run page by page in turn, so a
change of machine load weighs on both alike.

    .venv/bin/python bench/extraction.py [--bench DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.extract import extract_article

DEFAULT_BENCH = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction-dev"


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


def fold(text: str) -> str:
    """White space folded to single spaces, ends stripped (the benchmark's matching rule)."""
    return " ".join(text.split())


def trawl_text(html: bytes, url: str | None) -> str:
    """The text trawl stores for the page: the article's, or the one kept with a discard."""
    result = extract_article(html, url or "")
    return result.text


def plain_text(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html, url=url) or ""


def load_cases(bench: Path, limit: int | None) -> list[tuple[dict[str, object], bytes]]:
    """The annotated cases with their page, matched by the SHA-256 of the page's bytes
    (file names were ASCII-folded or hashed when the set was packed)."""
    by_digest = {}
    for path in (bench / "pages").glob("*.gz"):
        raw = gzip.decompress(path.read_bytes())
        by_digest[hashlib.sha256(raw).hexdigest()] = raw
    pages = []
    for case in json.loads((bench / "cases.json").read_text())[:limit]:
        raw = by_digest.get(str(case["sha256"]))
        if raw is None:
            raise SystemExit(f"benchmark page missing for case {case['id']} ({case['file']})")
        pages.append((case, raw))
    return pages


def timed(extractor: Callable[[bytes, str | None], str], html: bytes, url: str | None) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        output = extractor(html, url)
    except Exception:  # a crash scores as an empty output, as upstream
        output = ""
    return output, time.perf_counter() - started


def run(pages: list[tuple[dict[str, object], bytes]]) -> tuple[Score, Score]:
    """Score both extractors, page by page in turn (alternating which goes first)."""
    plain, ours = Score(), Score()
    for i, (case, html) in enumerate(pages):
        url = str(case["url"]) if case.get("url") else None
        order = [(plain_text, plain), (trawl_text, ours)]
        for extractor, score in order if i % 2 == 0 else reversed(order):
            output, seconds = timed(extractor, html, url)
            score.seconds += seconds
            score.pages += 1
            score.add(output, list(case["with"]), list(case["without"]))  # type: ignore[call-overload]
    return plain, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    pages = load_cases(args.bench, args.limit)
    # warm both once so neither pays the import/model loading inside the timing
    trawl_text(pages[0][1], str(pages[0][0]["url"]))
    plain_text(pages[0][1], str(pages[0][0]["url"]))
    plain, trawl = run(pages)
    baseline, ours = plain.figures(), trawl.figures()
    print(f"pages: {len(pages)}")
    print(f"{'':22}{'precision':>10}{'recall':>10}{'f1':>10}{'accuracy':>10}{'pages/s':>10}")
    for name, figures in (
        ("trafilatura.extract", baseline),
        ("trawl.extract_article", ours),
    ):
        row = "".join(f"{figures[k]:>10.4f}" for k in ("precision", "recall", "f1", "accuracy"))
        print(f"{name:22}{row}{figures['pages_per_s']:>10.1f}")
    print(f"f1 difference (trawl - trafilatura): {ours['f1'] - baseline['f1']:+.4f}")
    print(f"throughput ratio (trawl / trafilatura): {ours['pages_per_s'] / baseline['pages_per_s']:.2f}")


if __name__ == "__main__":
    main()
