"""Extraction quality and speed: trawl's extract_article beside plain trafilatura, one run, two sets.

*extraction-dev* (990 pages, must-contain / must-not-contain snippets, scored as trafilatura's
own evaluation does: ``bench.snippets``; trafilatura with defaults and with
``include_comments=False`` beside trawl) and *news-dev* (130 current news pages with Fundus'
whole expected body, scored with the shingle metric of scrapinghub's
article-extraction-benchmark: ``bench.shingles``; trafilatura with defaults and with
``include_comments=False`` beside trawl, per language, and the metadata per field:
``bench.news_dev``). Every extractor gets the page's raw bytes and URL; trawl is scored on the
text it stores (an article's text, or for a page it discards the text kept with the discard).
Extractors run page by page in turn, so a change of machine load weighs on all alike. A page
that raises scores as empty output and is named; it never stops the run.

The line model of ``transforms.lines`` is fitted (``--fit``), so its score on a set it was
fitted on is in-sample. Every run therefore also measures it held out (``bench.line_model``):
news-dev grouped by publisher, extraction-dev by site, K folds, fitted without the held-out
fold. That is the figure that counts.

    .venv/bin/python bench/extraction.py                 # both sets, both measurements
    .venv/bin/python bench/extraction.py --only news-dev --fundus DIR
    .venv/bin/python bench/extraction.py --cv 5          # held out only
    .venv/bin/python bench/extraction.py --fit [--fit-on news-dev,extraction-dev]

The sets are looked for in ``../shared/benchmarks`` beside the repo (beside the main checkout
from a git worktree); ``--benchmarks DIR`` or $TRAWL_BENCHMARKS say elsewhere.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import line_model, news_dev
from bench.metadata_fields import fundus_dir
from bench.sets import Pages, benchmarks_root, load_extraction_dev, load_news_dev
from bench.snippets import Score
from transforms.extract import extract_article

SETS = ("extraction-dev", "news-dev")


def trawl_text(html: bytes, url: str | None) -> str:
    """The text trawl stores for the page: the article's, or the one kept with a discard."""
    return extract_article(html, url or "").text


def plain_text(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html, url=url) or ""


def timed(extractor: Callable[[bytes, str | None], str], html: bytes, url: str | None) -> tuple[str, float, bool]:
    started = time.perf_counter()
    try:
        output, raised = extractor(html, url), False
    except Exception:  # a crash scores as an empty output, as upstream
        output, raised = "", True
    return output, time.perf_counter() - started, raised


def no_comments_text(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html, url=url, include_comments=False) or ""


def run_snippets(pages: Pages) -> None:
    """extraction-dev: the three extractors page by page in turn (rotating which goes first)."""
    extractors = {
        "trafilatura.extract": plain_text,
        "trafilatura no comments": no_comments_text,
        "trawl.extract_article": trawl_text,
    }
    scores = {name: Score() for name in extractors}
    raised = dict.fromkeys(extractors, 0)
    names = list(extractors)
    for i, (case, html) in enumerate(pages):
        url = str(case["url"]) if case.get("url") else None
        for name in names[i % 3 :] + names[: i % 3]:
            output, seconds, failed = timed(extractors[name], html, url)
            raised[name] += failed
            score = scores[name]
            score.seconds += seconds
            score.pages += 1
            score.add(output, list(case["with"]), list(case["without"]))  # type: ignore[call-overload]
    figures = {name: score.figures() for name, score in scores.items()}
    print(f"extraction-dev: {len(pages)} pages (snippet metric)")
    print(f"{'':26}{'precision':>10}{'recall':>10}{'f1':>10}{'accuracy':>10}{'raised':>8}{'pages/s':>10}")
    for name, found in figures.items():
        row = "".join(f"{found[k]:>10.4f}" for k in ("precision", "recall", "f1", "accuracy"))
        print(f"{name:26}{row}{raised[name]:>8}{found['pages_per_s']:>10.1f}")
    trawl = figures["trawl.extract_article"]
    for name in names[:2]:
        other = figures[name]
        print(
            f"trawl - {name}: f1 {trawl['f1'] - other['f1']:+.4f}, recall {trawl['recall'] - other['recall']:+.4f}, "
            f"throughput ratio {trawl['pages_per_s'] / other['pages_per_s']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=None, help="folder holding the sets")
    parser.add_argument("--only", choices=SETS, help="one set only")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--folds", type=int, default=5, metavar="K", help="folds of the held-out measurement")
    parser.add_argument("--cv", type=int, metavar="K", help="the held-out measurement only, over K folds")
    parser.add_argument("--no-held-out", action="store_true", help="skip the held-out measurement")
    parser.add_argument("--fit", action="store_true", help="fit the line model, print its weights")
    parser.add_argument(
        "--fit-on",
        default=",".join(line_model.FITTED_ON),
        help=f"sets the line model is fitted on (comma-separated; default: {','.join(line_model.FITTED_ON)})",
    )
    parser.add_argument("--fundus", type=Path, default=None, help="Fundus' parser test_data folder (authors, dates)")
    parser.add_argument("--worst", type=int, default=5, help="list the N news-dev pages worst for trawl")
    args = parser.parse_args()
    fit_on = tuple(s.strip() for s in args.fit_on.split(",") if s.strip())
    if unknown := [s for s in fit_on if s not in SETS]:
        parser.error(f"--fit-on: unknown set(s) {', '.join(unknown)} (known: {', '.join(SETS)})")
    root = benchmarks_root(args.benchmarks)
    fundus = fundus_dir(args.fundus)
    wanted = [args.only] if args.only else list(SETS)
    loaders = {"extraction-dev": load_extraction_dev, "news-dev": load_news_dev}
    # the sets the model is fitted on are needed for fitting even when only another is scored
    needed = sorted(set(wanted) | (set(fit_on) if (args.fit or args.cv or not args.no_held_out) else set()))
    pages = {name: loaders[name](root, args.limit) for name in needed}

    if not (args.fit or args.cv):
        # warm every extractor once so none pays the import/model loading inside the timing
        case, html = next(iter(pages.values()))[0]
        url = str(case.get("url") or "")
        for warm in (*news_dev.EXTRACTORS.values(), trawl_text, plain_text, no_comments_text):
            warm(html, url)
        if "extraction-dev" in wanted:
            run_snippets(pages["extraction-dev"])
            print()
        if "news-dev" in wanted:
            result = news_dev.run(pages["news-dev"])
            news_dev.print_run(result, len(pages["news-dev"]))
            print()
            news_dev.metadata(pages["news-dev"], fundus)
            print()
            news_dev.print_worst(result, args.worst)
            print()
    if args.fit or args.cv or not args.no_held_out:
        cands = line_model.candidates([p for name in needed for p in pages[name]])
        if args.fit:
            line_model.print_fit(cands, fit_on)
        if args.cv or not args.fit:
            for name in wanted:
                line_model.cross_validate(cands, name, fit_on, args.cv or args.folds)
                print()


if __name__ == "__main__":
    main()
