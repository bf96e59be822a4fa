"""Metadata accuracy per field on news-dev: title, authors, published day, against Fundus' values.

news-dev's ``ground-truth.json`` holds the title only; Fundus' authors and publishing date are
in its test data (``tests/resources/parser/test_data/<lang>/<Publisher>.json``, keyed by parser
version), read when ``--fundus DIR`` (or $TRAWL_FUNDUS_TEST_DATA) points at that folder at the
commit named in news-dev's SOURCE.txt.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path

ENV = "TRAWL_FUNDUS_TEST_DATA"
# a title this similar (difflib ratio, after folding) counts in the lenient column
NEAR = 0.9


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | date | None = None


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def fundus_dir(given: Path | None) -> Path | None:
    folder = given or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
    if folder is not None and not folder.is_dir():
        raise SystemExit(f"Fundus test data not found: {folder} is not a folder")
    return folder


def truth(case: dict[str, object], fundus: Path | None) -> Meta:
    """The page's expected metadata: the title from ground-truth.json, authors and date from Fundus."""
    title = str(case["title"]) if case.get("title") else None
    if fundus is None:
        return Meta(title)
    language_dir = Path(str(case["fundus_file"])).parent
    path = fundus / language_dir / f"{case['publisher']}.json"
    try:
        expected = json.loads(path.read_text())[str(case["fundus_version"])]
    except (OSError, KeyError, ValueError) as error:
        raise SystemExit(f"Fundus truth for {case['id']} ({case['url']}) unreadable at {path}: {error!r}") from None
    raw = expected.get("publishing_date")
    return Meta(title, tuple(expected.get("authors") or ()), datetime.fromisoformat(raw) if raw else None)


def _day(value: datetime | date, reference: datetime | date) -> date:
    """The calendar day of ``value`` where the truth stands: an instant is moved to the truth's UTC
    offset first (the same moment is the same day); a bare day is taken as written."""
    if isinstance(value, datetime):
        if isinstance(reference, datetime) and reference.tzinfo and value.tzinfo:
            value = value.astimezone(reference.tzinfo)
        return value.date()
    return value


@dataclass
class FieldTally:
    """Pages with an expected value, and how many each extractor got right (per variant)."""

    expected: int = 0
    right: dict[str, int] = field(default_factory=dict)
    missing: int = 0

    def count(self, variant: str, ok: bool) -> None:
        self.right[variant] = self.right.get(variant, 0) + ok


def compare(expected: Meta, predicted: Meta, tallies: dict[str, FieldTally]) -> None:
    """Add one page's comparison to the per-field tallies (a field without expected value is skipped)."""
    if expected.title:
        t = tallies.setdefault("title", FieldTally())
        t.expected += 1
        got = fold(predicted.title or "")
        t.missing += not got
        t.count("equal", got == fold(expected.title))
        t.count(f"ratio>={NEAR}", SequenceMatcher(None, got, fold(expected.title)).ratio() >= NEAR)
    if expected.authors:
        t = tallies.setdefault("authors", FieldTally())
        t.expected += 1
        want, got_set = {fold(a) for a in expected.authors}, {fold(a) for a in predicted.authors if a.strip()}
        t.missing += not got_set
        t.count("same set", got_set == want)
        t.count("overlap", bool(got_set & want))
    if expected.published is not None:
        t = tallies.setdefault("published day", FieldTally())
        t.expected += 1
        t.missing += predicted.published is None
        ok = predicted.published is not None and _day(predicted.published, expected.published) == _day(
            expected.published, expected.published
        )
        t.count("same day", ok)


def print_table(by_extractor: dict[str, dict[str, FieldTally]], fundus: Path | None) -> None:
    print("metadata accuracy on news-dev (share of pages with an expected value; missing = no value given)")
    names = list(by_extractor)
    header = "".join(f"{n:>24}" for n in names)
    print(f"{'field':16}{'variant':14}{'pages':>6}{header}")
    fields = {f: None for tallies in by_extractor.values() for f in tallies}
    for name in fields:
        any_tally = next(t[name] for t in by_extractor.values() if name in t)
        for variant in any_tally.right:
            cells = ""
            for extractor in names:
                t = by_extractor[extractor].get(name)
                right = t.right.get(variant, 0) if t else 0
                cell = f"{right / max(1, any_tally.expected):.3f} ({right})"
                cells += f"{cell:>24}"
            print(f"{name:16}{variant:14}{any_tally.expected:>6}{cells}")
        missing = "".join(f"{by_extractor[e][name].missing if name in by_extractor[e] else 0:>24}" for e in names)
        print(f"{name:16}{'missing':14}{'':>6}{missing}")
    if fundus is None:
        print(
            "authors, published day: not in ground-truth.json; pass --fundus DIR "
            f"(Fundus' tests/resources/parser/test_data at the commit in SOURCE.txt) or set {ENV}"
        )
