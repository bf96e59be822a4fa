"""Data-quality checks of one source's run: counts in, verdicts (ok / warning / skipped) out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from transforms.normalize import line_key

OK, WARNING, SKIPPED = "ok", "warning", "skipped"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a check warns; every field can be set per source (``[sources.<key>.quality]``)."""

    max_empty_share: float = 0.2  # share of article pages discarded or with fewer than min_words words
    min_words: int = 25
    max_missing_metadata_share: float = 0.2  # share of extracted articles without a title or a date
    max_future_dates: int = 0  # publication dates in the future (dropped at extraction)
    max_duplicate_share: float = 0.5  # share of stored pages whose content was already known ...
    duplicate_spike_factor: float = 3.0  # ... and this many times the source's usual share
    max_days_without_new: float = 14  # days since the source's last new article
    max_boilerplate_only: int = 0  # documents made of nothing but the source's boilerplate
    min_pages: int = 3  # fewer pages than this in a run: share checks are skipped
    max_fetch_failure_share: float = 0.2  # article fetches with no usable answer (errors, timeouts, 5xx)


@dataclass(frozen=True, slots=True)
class SourceStats:
    """What one run did for one source, as the checks need it."""

    source: str
    extracted: int = 0  # article pages extracted in this run
    discarded: int = 0  # article pages discarded in this run (pages that say they are no article excluded)
    empty: int = 0  # extracted with fewer than min_words words
    missing_metadata: int = 0  # extracted without a title or without a publication date
    future_dates: int = 0
    new_documents: int = 0
    duplicates: int = 0
    duplicate_baseline: float | None = None  # mean duplicate share of the source's earlier runs
    days_since_new: float | None = None
    boilerplate_only: int = 0
    article_fetches: int = 0  # article pages requested in this run
    failed_fetches: int = 0  # of which no usable answer: connection error, timeout, 5xx after retries


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict for one source."""

    source: str
    check: str
    value: float | None
    threshold: float
    status: str
    detail: str


def boilerplate_only(text: str, boilerplate: Iterable[str]) -> bool:
    """True when every line of the text is a learned boilerplate line (given as line keys)."""
    keys = set(boilerplate)
    lines = [line_key(line) for line in text.split("\n") if line.strip()]
    return bool(lines) and all(line in keys for line in lines)


def _share(
    stats: SourceStats, name: str, part: int, whole: int, limit: float, t: Thresholds, what: str, detail: str = ""
) -> Check:
    if whole < t.min_pages:
        return Check(stats.source, name, None, limit, SKIPPED, f"{whole} {what} in this run (< {t.min_pages})")
    share = part / whole
    status = WARNING if share > limit else OK
    return Check(stats.source, name, round(share, 4), limit, status, detail or f"{part} of {whole} {what}")


def evaluate(stats: SourceStats, t: Thresholds) -> list[Check]:
    """Every check for one source's run."""
    pages = stats.extracted + stats.discarded
    checks = [
        _share(
            stats,
            "fetch_failure_share",
            stats.failed_fetches,
            stats.article_fetches,
            t.max_fetch_failure_share,
            t,
            "article fetches",
            f"{stats.failed_fetches} of {stats.article_fetches} article fetches failed (errors, timeouts, 5xx)",
        ),
        _share(
            stats,
            "empty_or_discarded_share",
            stats.discarded + stats.empty,
            pages,
            t.max_empty_share,
            t,
            "article pages",
            f"{stats.discarded} discarded, {stats.empty} under {t.min_words} words, of {pages} article pages",
        ),
        _share(
            stats,
            "missing_title_or_date_share",
            stats.missing_metadata,
            stats.extracted,
            t.max_missing_metadata_share,
            t,
            "extracted articles",
        ),
        Check(
            stats.source,
            "future_dates",
            stats.future_dates,
            t.max_future_dates,
            WARNING if stats.future_dates > t.max_future_dates else OK,
            f"{stats.future_dates} publication or modification dates in the future",
        ),
    ]
    stored = stats.new_documents + stats.duplicates
    duplicate = _share(stats, "duplicate_share", stats.duplicates, stored, t.max_duplicate_share, t, "stored pages")
    if duplicate.status == WARNING and stats.duplicate_baseline is not None:
        usual = stats.duplicate_baseline * t.duplicate_spike_factor
        spike = duplicate.value is not None and duplicate.value > usual
        duplicate = Check(
            stats.source,
            duplicate.check,
            duplicate.value,
            duplicate.threshold,
            WARNING if spike else OK,
            f"{duplicate.detail}; usual share {stats.duplicate_baseline:.2f}",
        )
    checks.append(duplicate)
    if stats.days_since_new is None:
        checks.append(
            Check(stats.source, "days_without_new_article", None, t.max_days_without_new, SKIPPED, "no article yet")
        )
    else:
        days = round(stats.days_since_new, 2)
        checks.append(
            Check(
                stats.source,
                "days_without_new_article",
                days,
                t.max_days_without_new,
                WARNING if days > t.max_days_without_new else OK,
                f"last new article {days} days ago",
            )
        )
    checks.append(
        Check(
            stats.source,
            "boilerplate_only_documents",
            stats.boilerplate_only,
            t.max_boilerplate_only,
            WARNING if stats.boilerplate_only > t.max_boilerplate_only else OK,
            f"{stats.boilerplate_only} new documents made only of the source's boilerplate",
        )
    )
    return checks
