"""What a run dropped, as one kind of row: (stage, reason, url), from every stage's own record.

Pure: the loader hands it the crawl's candidates and manifest rows (in a load's last step) and
the extraction's records (a chunk at a time); the rows go to the warehouse's ``drops`` table,
and every count of drops (the run report's discards and failures by reason, rejected dates) is
taken from them, so that one rule counts each. Stages: ``discover`` (an article URL left for a later run: over the page budget),
``fetch`` (an article fetch without a usable page: an HTTP error after retries, no response),
``extract`` (a page that is no article, too short, too large, timed out...), ``dates`` (a date
candidate the sanity rules rejected; the page keeps its other dates).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from transforms.fetches import failure_kind, final_rows
from transforms.records import Article, Discard

# HTTP answers that mean "the site refuses us", not "the page is missing"
BLOCKING_STATUSES = frozenset({401, 403, 429, 451})
# a candidate discovery found and the crawl left for a later run
DEFERRED = ("over_budget",)


@dataclass(frozen=True)
class Drop:
    """One thing a stage dropped, and why."""

    stage: str
    reason: str
    url: str
    detail: str = ""
    text: str | None = None


def fetch_drops(fetches: Iterable[Mapping[str, Any]]) -> list[Drop]:
    """Article URLs whose last answer was no page (the same rule as ``FetchCounts.failed``)."""
    return [
        Drop("fetch", failure_kind(row), str(row["url"]), str(row.get("error") or ""))
        for row in final_rows(fetches)
        if row.get("role") == "article" and row.get("status") not in (200, 304)
    ]


def refusals(fetches: Iterable[Mapping[str, Any]]) -> int:
    """Requests the site refused (401/403/429/451), every attempt counted; a closed WordPress REST
    API (401 on ``/wp-json/``) refuses nothing the crawl needs, so API answers are left out."""
    return sum(1 for row in fetches if row.get("status") in BLOCKING_STATUSES and row.get("role") != "api")


def discover_drops(candidates: Iterable[Mapping[str, Any]]) -> list[Drop]:
    return [
        Drop("discover", str(c["decision"]), str(c["url"]))
        for c in candidates
        if c.get("decision") in DEFERRED and c.get("url")
    ]


def extract_drops(records: Iterable[Article | Discard]) -> list[Drop]:
    drops: list[Drop] = []
    for record in records:
        if isinstance(record, Discard):
            drops.append(Drop("extract", record.reason, record.url, record.detail or "", record.text or None))
        else:
            drops += [Drop("dates", "rejected_date", record.url, issue) for issue in record.date_issues]
    return drops


def reasons(drops: Iterable[Drop], stage: str) -> dict[str, int]:
    """Drops of one stage by reason, most frequent first."""
    counts = Counter(d.reason for d in drops if d.stage == stage)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
