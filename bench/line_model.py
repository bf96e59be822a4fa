"""The line model of ``transforms.lines``: fitting it on the dev sets, and measuring it held out.

Lines are labelled from either set: on extraction-dev by the snippets they hold (only
must-not-contain ones: boilerplate; only must-contain ones: body), on news-dev by the
full-text truth (nearly all of a line's shingles in the truth: body; none: boilerplate).
Held out means: the pages of one set are grouped (extraction-dev by site, news-dev by
publisher), the groups split into K folds, the model fitted on everything else it may be
fitted on (the other folds, and the other set without the held-out pages' hosts) and scored
on the held-out fold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import trafilatura

from bench.sets import Case, Pages, host
from bench.shingles import FullTextScore, shingles, tokens
from bench.snippets import Score, fold
from transforms.extract import guarded_text, kept_text, line_candidates
from transforms.lines import FEATURES, WEIGHTS, boilerplate_lines

_LIST_ITEM = FEATURES.index("list_item")

# the sets the stored WEIGHTS of transforms/lines.py were fitted on: change both together
FITTED_ON = ("extraction-dev", "news-dev")
# L2 penalty of the fit (on standardized features); fixed, not tuned
L2 = 1.0
# a line longer than this that lies inside a snippet (a snippet spanning lines) is labelled by it
MIN_INSIDE_CHARS = 20
# share of a line's shingles found in the full-text truth for the line to count as body
BODY_SHARE = 0.9


@dataclass
class Candidate:
    case: Case
    lines: list[str]
    residue: set[int]
    features: dict[int, list[float]]
    plain: str  # plain trafilatura's output (defaults) for the page
    lead: str | None = None  # the lead put before the kept lines (transforms.lead)
    raw: str = ""  # trafilatura's own text of the page (the safety net of extract_article)

    @property
    def set(self) -> str:
        return str(self.case["set"])

    @property
    def group(self) -> str:
        return str(self.case["group"])

    @property
    def host(self) -> str | None:
        return host(self.case.get("url"))

    def text(self, weights: tuple[float, ...] | list[float] | None) -> str:
        """The text trawl keeps with these weights (None: the edge residue rule alone), under
        the safety net ``extract_article`` applies, so the figures are those of its text."""
        drop = self.residue | (boilerplate_lines(self.features, weights) if weights is not None else set())
        if not self.raw:
            return kept_text(self.lines, drop, self.lead)
        return guarded_text(self.lines, drop, self.lead, self.raw)[0]

    def examples(self) -> list[tuple[list[float], float]]:
        """(features, 1.0) for a boilerplate line, (features, 0.0) for a body line; unclear lines left out."""
        if self.set == "news-dev":
            return full_text_examples(self.lines, self.features, str(self.case["articleBody"]))
        return snippet_examples(self.lines, self.features, self.case)


def snippet_examples(lines: list[str], features: dict[int, list[float]], case: Case) -> list[tuple[list[float], float]]:
    """A line holding only must-not-contain snippets is boilerplate, one holding only must-contain
    ones body; lines holding both or neither are left out."""
    with_ = [fold(s) for s in case["with"]]  # type: ignore[attr-defined]
    without = [fold(s) for s in case["without"]]  # type: ignore[attr-defined]
    out = []
    for index, vector in features.items():
        line = fold(lines[index])

        def holds(snippets: list[str], line: str = line) -> bool:
            return any(s in line or (len(line) > MIN_INSIDE_CHARS and line in s) for s in snippets)

        good, bad = holds(with_), holds(without)
        if good != bad:
            out.append((vector, 1.0 if bad else 0.0))
    return out


def full_text_examples(
    lines: list[str], features: dict[int, list[float]], truth: str
) -> list[tuple[list[float], float]]:
    """A line of 4+ tokens is body when at least BODY_SHARE of its shingles are in the truth and
    boilerplate when none is; a shorter one (a sub-heading, a "Read more") is body when it is a
    whole line of the truth and boilerplate when its tokens appear nowhere in it in a row. List
    items are left out: many of Fundus' per-publisher parsers skip the body's lists (as they
    skip captions), which extraction-dev's snippets count as body."""
    true_shingles = set(shingles(truth))
    true_lines = {" ".join(tokens(line)) for line in truth.splitlines()}
    true_run = f" {' '.join(tokens(truth))} "
    out = []
    for index, vector in features.items():
        words = tokens(lines[index])
        if not words or vector[_LIST_ITEM]:
            continue
        if len(words) >= 4:
            own = shingles(lines[index])
            share = sum(n for s, n in own.items() if s in true_shingles) / sum(own.values())
            label = 0.0 if share >= BODY_SHARE else 1.0 if share == 0 else None
        else:
            joined = " ".join(words)
            label = 0.0 if joined in true_lines else 1.0 if f" {joined} " not in true_run else None
        if label is not None:
            out.append((vector, label))
    return out


def candidates(pages: Pages) -> list[Candidate]:
    out = []
    for case, html in pages:
        url = str(case["url"]) if case.get("url") else ""
        try:
            found = line_candidates(html, url)
        except Exception:  # scored as an empty output, as in the main run
            found = None
        lines, residue, features, lead, raw = found if found is not None else ([], set(), {}, None, "")
        plain = trafilatura.extract(html, url=url or None) or ""
        out.append(Candidate(case, lines, residue, features, plain, lead, raw))
    return out


def fit(train: list[Candidate]) -> list[float]:
    """Logistic regression (Newton's method, L2 on standardized features, bias not penalized),
    every page weighing the same whatever its set and however many of its lines are labelled
    (a news-dev page labels some 25 lines from its full text, an extraction-dev page a handful
    from its snippets): 130 news-dev pages then weigh as 130 pages beside 990."""
    examples = [c.examples() for c in train]
    rows = [(example, 1.0 / len(found)) for found in examples for example in found]
    if not rows:
        raise SystemExit("no labelled lines to fit the line model on")
    x = np.array([vector for (vector, _), _ in rows], dtype=float)
    y = np.array([label for (_, label), _ in rows])
    sample = np.array([weight for _, weight in rows])
    sample *= len(rows) / sample.sum()
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    mean[0], std[0] = 0.0, 1.0
    z = (x - mean) / std
    penalty = np.full(z.shape[1], L2)
    penalty[0] = 0.0
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(z @ w)))
        gradient = z.T @ (sample * (p - y)) + penalty * w
        hessian = (z * (sample * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
        if np.abs(gradient).max() < 1e-8:
            break
    weights = w / std
    weights[0] -= float((w / std * mean)[1:].sum())
    return [round(float(v), 3) for v in weights]


def score(cands: list[Candidate], text: Callable[[Candidate], str]) -> Score | FullTextScore:
    """The set's own metric over these pages (all of one set)."""
    result: Score | FullTextScore = FullTextScore() if cands and cands[0].set == "news-dev" else Score()
    for c in cands:
        if isinstance(result, FullTextScore):
            result.add_text(str(c.case["articleBody"]), text(c))
        else:
            result.add(text(c), list(c.case["with"]), list(c.case["without"]))  # type: ignore[call-overload]
    return result


def _fold(group: str, k: int) -> int:
    return int(hashlib.sha256(group.encode()).hexdigest(), 16) % k


def cross_validate(cands: list[Candidate], target: str, fit_on: tuple[str, ...], k: int) -> Score | FullTextScore:
    """Score ``target``'s pages fold by fold, each with weights fitted without that fold's groups
    and hosts; print the per-fold and pooled figures, return the pooled held-out score."""
    pages = [c for c in cands if c.set == target]
    by = "publisher" if target == "news-dev" else "site"
    groups = sorted({c.group for c in pages})
    print(f"{target}, line model held out by {by}: {len(pages)} pages, {len(groups)} {by}s, {k} folds")
    print(f"  fitted on: {', '.join(fit_on)} (other folds; pages of the held-out hosts left out)")
    print(f"{'fold':>6}{'pages':>7}{'groups':>8}{'trafilatura':>13}{'trawl, no model':>17}{'trawl, held out':>17}")
    texts: list[Callable[[Candidate], str]] = []
    pooled_parts: list[list[Candidate]] = [[], [], []]
    held_out_text: dict[int, str] = {}
    for f in range(k):
        test = [c for c in pages if _fold(c.group, k) == f]
        if not test:
            continue
        hosts = {c.host for c in test} - {None}
        train = [
            c
            for c in cands
            if c.set in fit_on and c.host not in hosts and not (c.set == target and _fold(c.group, k) == f)
        ]
        weights = fit(train)
        for c in test:
            held_out_text[id(c)] = c.text(weights)
        texts = [lambda c: c.plain, lambda c: c.text(None), lambda c: held_out_text[id(c)]]
        scores = [score(test, text) for text in texts]
        for part in pooled_parts:
            part.extend(test)
        n_groups = len({c.group for c in test})
        row = "".join(f"{s.figures()['f1']:>{w}.4f}" for s, w in zip(scores, (13, 17, 17), strict=True))
        print(f"{f:>6}{len(test):>7}{n_groups:>8}{row}")
    pooled = [score(part, text) for part, text in zip(pooled_parts, texts, strict=True)]
    row = "".join(f"{s.figures()['f1']:>{w}.4f}" for s, w in zip(pooled, (13, 17, 17), strict=True))
    print(f"{'all':>6}{len(pages):>7}{len(groups):>8}{row}")
    for name, s in zip(("trafilatura defaults", "trawl, no model", "trawl, held out"), pooled, strict=True):
        figures = s.figures()
        print(
            f"  {name:22} precision {figures['precision']:.4f}  recall {figures['recall']:.4f}  f1 {figures['f1']:.4f}"
        )
    stored = score(pages, lambda c: c.text(WEIGHTS)).figures()
    note = "in-sample" if target in FITTED_ON else f"not fitted on {target}"
    print(
        f"  {'trawl, stored weights':22} precision {stored['precision']:.4f}  recall {stored['recall']:.4f}  "
        f"f1 {stored['f1']:.4f} ({note})"
    )
    print(
        f"HELD OUT BY {by.upper()} ({target}): trawl f1 {pooled[2].figures()['f1']:.4f}, "
        f"trafilatura defaults {pooled[0].figures()['f1']:.4f}, "
        f"difference {pooled[2].figures()['f1'] - pooled[0].figures()['f1']:+.4f}"
    )
    return pooled[2]


def print_fit(cands: list[Candidate], fit_on: tuple[str, ...]) -> None:
    train = [c for c in cands if c.set in fit_on]
    weights = fit(train)
    print(f"fitted on {', '.join(fit_on)}: {len(train)} pages, {sum(len(c.examples()) for c in train)} labelled lines")
    for name, value in zip(FEATURES, weights, strict=True):
        print(f"    {value},  # {name}")
    for name in sorted({c.set for c in cands}):
        in_set = [c for c in cands if c.set == name]
        print(f"f1 with these weights on {name}: {score(in_set, lambda c: c.text(weights)).figures()['f1']:.4f}")
