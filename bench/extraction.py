"""Extraction quality and speed: trawl's extract_article beside plain trafilatura.extract, one run.

Scores the dev benchmark (pages with must-contain / must-not-contain snippets) the way
trafilatura's own evaluation does (white space folded in output and snippets, then a
case-sensitive substring test), and prints precision, recall, F1, accuracy and pages/s for
both extractors and their ratio. Both get the page's raw bytes and URL. trawl is scored on
the text it stores: an article's text, or for a page it discards (a static page, a stub)
the text it keeps with the discard. The two extractors run page by page in turn, so a
change of machine load weighs on both alike.

    .venv/bin/python bench/extraction.py [--bench DIR] [--limit N]

The line model of ``transforms.lines`` was fitted on this benchmark's snippets, so its
score here is in-sample. ``--cv K`` measures it held out: pages are grouped by site (host),
the sites split into K folds, the model fitted on K-1 folds and scored on the pages of the
remaining one, beside plain trafilatura and trawl without the model on the same pages.
``--fit`` fits the model on all pages and prints the weights that ``transforms/lines.py``
stores.

    .venv/bin/python bench/extraction.py --cv 5
    .venv/bin/python bench/extraction.py --fit
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
from urllib.parse import urlsplit

import numpy as np
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.extract import extract_article, kept_text, line_candidates
from transforms.lines import FEATURES, WEIGHTS, boilerplate_lines

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


# ----- the line model: fitting it and measuring it on sites it was not fitted on -----

# L2 penalty of the fit (on standardized features); fixed, not tuned
L2 = 1.0
# a line longer than this that lies inside a snippet (a snippet spanning lines) is labelled by it
MIN_INSIDE_CHARS = 20


@dataclass
class Candidate:
    case: dict[str, object]
    lines: list[str]
    residue: set[int]
    features: dict[int, list[float]]
    plain: str  # plain trafilatura's output for the page
    lead: str | None = None  # the lead put before the kept lines (transforms.lead)

    def text(self, weights: tuple[float, ...] | list[float] | None) -> str:
        """The text trawl keeps with these weights (None: the edge residue rule alone)."""
        drop = self.residue | (boilerplate_lines(self.features, weights) if weights is not None else set())
        return kept_text(self.lines, drop, self.lead)

    def examples(self) -> list[tuple[list[float], float]]:
        """(features, 1.0) for a line that holds only must-not-contain snippets, (features, 0.0)
        for one that holds only must-contain ones; lines holding both or neither are left out."""
        with_ = [fold(s) for s in self.case["with"]]  # type: ignore[attr-defined]
        without = [fold(s) for s in self.case["without"]]  # type: ignore[attr-defined]
        out = []
        for index, vector in self.features.items():
            line = fold(self.lines[index])

            def holds(snippets: list[str], line: str = line) -> bool:
                return any(s in line or (len(line) > MIN_INSIDE_CHARS and line in s) for s in snippets)

            good, bad = holds(with_), holds(without)
            if good != bad:
                out.append((vector, 1.0 if bad else 0.0))
        return out


def site(case: dict[str, object]) -> str:
    """The page's host without a leading www. (a page without URL is a site of its own)."""
    host = urlsplit(str(case["url"])).hostname if case.get("url") else None
    if not host:
        return f"no-url:{case['id']}"
    return host.removeprefix("www.")


def candidates(pages: list[tuple[dict[str, object], bytes]]) -> list[Candidate]:
    out = []
    for case, html in pages:
        url = str(case["url"]) if case.get("url") else ""
        try:
            found = line_candidates(html, url)
        except Exception:  # scored as an empty output, as in the main run
            found = None
        lines, residue, features, lead = found if found is not None else ([], set(), {}, None)
        out.append(Candidate(case, lines, residue, features, plain_text(html, url or None), lead))
    return out


def fit(train: list[Candidate]) -> list[float]:
    """Logistic regression (Newton's method, L2 on standardized features, bias not penalized)."""
    rows = [example for c in train for example in c.examples()]
    x = np.array([vector for vector, _ in rows], dtype=float)
    y = np.array([label for _, label in rows])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    mean[0], std[0] = 0.0, 1.0
    z = (x - mean) / std
    penalty = np.full(z.shape[1], L2)
    penalty[0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
        if np.abs(gradient).max() < 1e-8:
            break
    weights = w / std
    weights[0] -= float((w / std * mean)[1:].sum())
    return [round(float(v), 3) for v in weights]


def score(cands: list[Candidate], text: Callable[[Candidate], str]) -> Score:
    result = Score()
    for c in cands:
        result.add(text(c), list(c.case["with"]), list(c.case["without"]))  # type: ignore[call-overload]
    return result


def cross_validate(cands: list[Candidate], k: int) -> None:
    sites = sorted({site(c.case) for c in cands})
    fold_of = {s: int(hashlib.sha256(s.encode()).hexdigest(), 16) % k for s in sites}
    print(f"pages: {len(cands)}, sites: {len(sites)}, folds: {k} (by site)")
    print(f"{'fold':>6}{'pages':>7}{'sites':>7}{'trafilatura':>13}{'trawl, no model':>17}{'trawl, held out':>17}")
    pooled = [Score(), Score(), Score()]
    for f in range(k):
        test = [c for c in cands if fold_of[site(c.case)] == f]
        weights = fit([c for c in cands if fold_of[site(c.case)] != f])
        scores = [
            score(test, lambda c: c.plain),
            score(test, lambda c: c.text(None)),
            score(test, lambda c, w=weights: c.text(w)),  # type: ignore[misc]
        ]
        for total, part in zip(pooled, scores, strict=True):
            for name in ("tp", "fp", "tn", "fn"):
                setattr(total, name, getattr(total, name) + getattr(part, name))
        n_sites = len({site(c.case) for c in test})
        row = "".join(f"{s.figures()['f1']:>{w}.4f}" for s, w in zip(scores, (13, 17, 17), strict=True))
        print(f"{f:>6}{len(test):>7}{n_sites:>7}{row}")
    row = "".join(f"{s.figures()['f1']:>{w}.4f}" for s, w in zip(pooled, (13, 17, 17), strict=True))
    print(f"{'all':>6}{len(cands):>7}{len(sites):>7}{row}")
    held_out = pooled[2].figures()["f1"] - pooled[0].figures()["f1"]
    print(f"held-out f1 difference (trawl - trafilatura): {held_out:+.4f}")
    in_sample = score(cands, lambda c: c.text(WEIGHTS)).figures()["f1"]
    print(f"in-sample f1 with the stored weights: {in_sample:.4f} (trafilatura {pooled[0].figures()['f1']:.4f})")


def print_fit(cands: list[Candidate]) -> None:
    weights = fit(cands)
    print(f"fitted on {len(cands)} pages, {sum(len(c.examples()) for c in cands)} labelled lines")
    for name, value in zip(FEATURES, weights, strict=True):
        print(f"    {value},  # {name}")
    in_sample = score(cands, lambda c: c.text(weights)).figures()["f1"]
    print(f"in-sample f1 with these weights: {in_sample:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cv", type=int, metavar="K", help="cross-validate the line model over K folds of sites")
    parser.add_argument("--fit", action="store_true", help="fit the line model on all pages, print its weights")
    args = parser.parse_args()
    pages = load_cases(args.bench, args.limit)
    if args.cv or args.fit:
        cands = candidates(pages)
        if args.fit:
            print_fit(cands)
        if args.cv:
            cross_validate(cands, args.cv)
        return
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
