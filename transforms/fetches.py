"""What a crawl's answers say about a source: counts of article fetches and the source's health.

Pure: it reads the crawl's manifest rows (one per request; a URL asked again after a failure has
several) and says, per URL, what its last answer was; ``degraded`` (named, the run goes on) or
``failed`` when too many article fetches got no usable answer, ``unreachable`` when nothing
answered, ``blocked`` when the spider stopped on refusals, ``failed`` when the crawl crashed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R", bound=Mapping[str, Any])

# run health: the share of article fetches that got no usable answer (connection errors,
# timeouts, 5xx after the spider's retries; a 304, 404 or 410 is data, not a failure)
DEGRADED_SHARE = 0.2
DEGRADED_MIN_PAGES = 3
FAILED_SHARE = 0.8


@dataclass
class FetchCounts:
    """The article fetches of one crawl by each URL's last answer (``fetched``, ``not_modified`` or
    ``failed``), those without a usable answer by kind, and the source's status after them."""

    outcomes: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    status: str = "ok"
    error: str | None = None


def final_rows(fetches: Iterable[R]) -> list[R]:
    """One manifest row per URL: the last one, unless only an earlier one got an answer (the
    rows themselves, not copies: a 100k-URL crawl's rows are not held twice)."""
    rows: dict[str, R] = {}
    for row in fetches:
        url = row.get("url")
        if not url:
            continue
        previous = rows.get(url)
        if previous is not None and previous.get("status") is not None and row.get("status") is None:
            continue
        rows[url] = row
    return list(rows.values())


def fetch_failed(row: Mapping[str, Any]) -> bool:
    """No usable answer: no response at all, or a server error after the spider's retries."""
    status = row.get("status")
    return not status or int(status) >= 500


def failure_kind(row: Mapping[str, Any]) -> str:
    """``http <status>``, or the name of the exception that stopped the request."""
    if row.get("status"):
        return f"http {row['status']}"
    error = str(row.get("error") or "no response")
    return error.split(":")[0].strip().rsplit(".", 1)[-1][:60] or "no response"  # the exception's name


def _health(counts: FetchCounts, pages: int) -> None:
    failed = sum(counts.failures.values())
    if not pages or not failed:
        return
    share = failed / pages
    kinds = ", ".join(f"{kind} {n}" for kind, n in counts.failures.most_common())
    why = f"{failed} of {pages} article fetches failed ({share:.0%}): {kinds}"
    if failed == pages or (share >= FAILED_SHARE and pages >= DEGRADED_MIN_PAGES):
        counts.status, counts.error = "failed", why
    elif share >= DEGRADED_SHARE and pages >= DEGRADED_MIN_PAGES:
        counts.status, counts.error = "degraded", why


def count_fetches(
    fetches: list[dict[str, Any]], crawl_stats: Mapping[str, Any] | None = None, crawl_error: str | None = None
) -> FetchCounts:
    """The article fetches by last answer, and the source's status (the worst cause wins: a crashed
    crawl, then a blocked one, then no answer at all, then the share of failed fetches)."""
    counts = FetchCounts()
    for row in final_rows(fetches):
        if row.get("role") != "article":
            continue
        status = row.get("status")
        counts.outcomes["fetched" if status == 200 else "not_modified" if status == 304 else "failed"] += 1
        if fetch_failed(row):
            counts.failures[failure_kind(row)] += 1
    _health(counts, sum(counts.outcomes.values()))
    if fetches and not any(row.get("status") for row in fetches):
        counts.status = "unreachable"
        counts.error = next((str(r["error"]) for r in fetches if r.get("error")), "no response")
    stats = crawl_stats or {}
    if stats.get("finish_reason") == "blocked":
        counts.status = "blocked"
        counts.error = str(stats.get("trawl/blocked") or "the site answered 403 Forbidden")
    if crawl_error:
        counts.status, counts.error = "failed", crawl_error
    return counts
