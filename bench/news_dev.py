"""news-dev, the full-text set: trawl beside trafilatura (defaults and without comments) in one run.

Each page goes through the three extractors in turn (the order rotating page by page, so a
change of machine load weighs on all alike), scored with the shingle metric of
``bench.shingles``, overall and per language, with pages/s and the pages that raised (scored
as empty output, named, never stopping the run). Metadata (title, authors, published day) is
compared with Fundus' values for trawl's ``extract_article`` and trafilatura's
``bare_extraction(with_metadata=True)``; that call is outside the timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import trafilatura
from trafilatura.settings import Document

from bench.metadata_fields import FieldTally, Meta, compare, print_table, truth
from bench.sets import Pages
from bench.shingles import FullTextScore, PageMatch, shingles, tokens
from transforms.extract import extract_article
from transforms.records import Article

TRAWL = "trawl.extract_article"
DEFAULTS = "trafilatura defaults"
NO_COMMENTS = "trafilatura no comments"


def trawl_text(html: bytes, url: str) -> str:
    """The text trawl stores for the page: the article's, or the one kept with a discard."""
    return extract_article(html, url).text


def defaults_text(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def no_comments_text(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url, include_comments=False) or ""


EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    TRAWL: trawl_text,
    DEFAULTS: defaults_text,
    NO_COMMENTS: no_comments_text,
}


@dataclass
class Run:
    scores: dict[str, FullTextScore] = field(default_factory=lambda: {n: FullTextScore() for n in EXTRACTORS})
    by_language: dict[str, dict[str, FullTextScore]] = field(default_factory=dict)
    raised: dict[str, list[str]] = field(default_factory=lambda: {n: [] for n in EXTRACTORS})
    pages: list[tuple[dict[str, object], dict[str, PageMatch], dict[str, str]]] = field(default_factory=list)


def run(pages: Pages) -> Run:
    result = Run()
    names = list(EXTRACTORS)
    for i, (case, html) in enumerate(pages):
        url, body = str(case["url"]), str(case["articleBody"])
        language = result.by_language.setdefault(str(case["language"]), {n: FullTextScore() for n in names})
        matches, outputs = {}, {}
        for name in names[i % 3 :] + names[: i % 3]:
            started = time.perf_counter()
            try:
                output = EXTRACTORS[name](html, url)
            except Exception as error:  # scored as an empty output, as upstream; named below
                output = ""
                result.raised[name].append(f"{case['id'][:12]} {url}: {error!r}"[:200])  # type: ignore[index]
            score = result.scores[name]
            score.seconds += time.perf_counter() - started
            score.pages += 1
            matches[name] = score.add_text(body, output)
            language[name].add_text(body, output)
            outputs[name] = output
        result.pages.append((case, matches, outputs))
    return result


def print_run(result: Run, n_pages: int) -> None:
    print(f"news-dev: {n_pages} pages (shingle metric: precision and recall averaged over pages)")
    print(f"{'':26}{'precision':>10}{'recall':>10}{'f1':>10}{'empty':>7}{'raised':>8}{'pages/s':>10}")
    for name, score in result.scores.items():
        f = score.figures()
        row = "".join(f"{f[k]:>10.4f}" for k in ("precision", "recall", "f1"))
        print(f"{name:26}{row}{int(f['empty']):>7}{len(result.raised[name]):>8}{f['pages_per_s']:>10.1f}")
    ours = result.scores[TRAWL].figures()
    for name in (DEFAULTS, NO_COMMENTS):
        other = result.scores[name].figures()
        print(
            f"trawl - {name}: f1 {ours['f1'] - other['f1']:+.4f}, recall {ours['recall'] - other['recall']:+.4f}, "
            f"throughput ratio {ours['pages_per_s'] / other['pages_per_s']:.2f}"
        )
    for name, errors in result.raised.items():
        for error in errors:
            print(f"raised ({name}): {error}")
    print()
    print("per language (f1; pages)")
    print(f"{'lang':>6}{'pages':>7}" + "".join(f"{n:>26}" for n in result.scores))
    for language, scores in sorted(result.by_language.items(), key=lambda kv: (-len(kv[1][TRAWL].matches), kv[0])):
        row = "".join(f"{s.figures()['f1']:>26.4f}" for s in scores.values())
        print(f"{language:>6}{len(scores[TRAWL].matches):>7}{row}")


def print_worst(result: Run, count: int) -> None:
    """The pages where trawl's page F1 falls furthest below trafilatura's (without comments)."""

    def f1(m: PageMatch) -> float:
        p, r = m.precision or 0.0, m.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    ranked = sorted(result.pages, key=lambda page: f1(page[1][TRAWL]) - f1(page[1][NO_COMMENTS]))
    print(f"worst {count} pages for trawl relative to trafilatura without comments (page f1, P, R)")
    for case, matches, outputs in ranked[:count]:
        ours, theirs = matches[TRAWL], matches[NO_COMMENTS]
        print(
            f"  {str(case['id'])[:12]} {case['language']} {case['url']}\n"
            f"    trawl {f1(ours):.3f} (P {ours.precision or 0:.3f} R {ours.recall or 0:.3f})"
            f"  trafilatura {f1(theirs):.3f} (P {theirs.precision or 0:.3f} R {theirs.recall or 0:.3f})"
        )
        body, mine, other = str(case["articleBody"]), outputs[TRAWL], outputs[NO_COMMENTS]
        lost = [line for line in _uncovered(body, mine) if line not in _uncovered(body, other)]
        leaked = [line for line in _uncovered(mine, body) if line in _uncovered(mine, other)]
        for label, found in (("lost (trafilatura has it)", lost), ("leaked (trafilatura has not)", leaked)):
            if found:
                print(f"    {label}: {len(found)} lines, e.g.")
                for line in found[:3]:
                    print(f"      {line[:110]!r}")


def _uncovered(text: str, other: str) -> list[str]:
    """The lines of ``text`` that ``other`` does not hold (under half of their shingles in it; a
    line of 1-3 tokens: its tokens not in a row in it)."""
    present, run = set(shingles(other)), f" {' '.join(tokens(other))} "
    out = []
    for line in text.splitlines():
        words, own = tokens(line), shingles(line)
        if len(words) < 4:
            missing = bool(words) and f" {' '.join(words)} " not in run
        else:
            missing = sum(n for s, n in own.items() if s in present) < sum(own.values()) / 2
        if missing:
            out.append(line)
    return out


def _trawl_meta(html: bytes, url: str) -> Meta:
    try:
        found = extract_article(html, url)
    except Exception:  # counted in the text run; no metadata
        return Meta()
    if not isinstance(found, Article):
        return Meta()  # a discarded page stores no metadata
    return Meta(found.title or None, found.authors, found.published_at)


def _trafilatura_meta(html: bytes, url: str) -> Meta:
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception:
        return Meta()
    if not isinstance(doc, Document):
        return Meta()
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    try:
        day = datetime.strptime(doc.date[:10], "%Y-%m-%d").date() if doc.date else None
    except ValueError:
        day = None
    return Meta(doc.title or None, authors, day)


def metadata(pages: Pages, fundus: Path | None) -> None:
    tallies: dict[str, dict[str, FieldTally]] = {TRAWL: {}, "trafilatura metadata": {}}
    for case, html in pages:
        expected = truth(case, fundus)
        url = str(case["url"])
        compare(expected, _trawl_meta(html, url), tallies[TRAWL])
        compare(expected, _trafilatura_meta(html, url), tallies["trafilatura metadata"])
    print_table(tallies, fundus)
