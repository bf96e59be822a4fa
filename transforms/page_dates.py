"""A page's published and modified dates: every candidate settled by the date rules
(``transforms.dates``), htmldate's heuristics only when nothing plausible was found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import htmldate
from lxml import html as lxml_html

from transforms.dates import DISCOVERY_RANK, FLOOR, Candidate, Settled, parse_datetime, rank, settle, shift
from transforms.metadata import Found
from transforms.records import Hints
from transforms.soft import soft


def _htmldate(
    tree: lxml_html.HtmlElement, url: str, original: bool, floor: datetime, fetched: datetime
) -> datetime | None:
    guess = htmldate.find_date(
        tree,
        url=url,
        original_date=original,
        extensive_search=False,
        outputformat="%Y-%m-%dT%H:%M:%S",
        # htmldate's own bounds are naive; a date-only guess of the fetch day is fine
        min_date=floor.replace(tzinfo=None),
        max_date=shift(fetched, timedelta(days=1)).replace(tzinfo=None),
    )
    return parse_datetime(guess)


def _htmldate_candidates(tree: lxml_html.HtmlElement, url: str, floor: datetime, fetched: datetime) -> list[Candidate]:
    """htmldate's heuristics: the original date as published, the latest as modified when later."""
    published = _htmldate(tree, url, True, floor, fetched)
    if published is None:
        return []
    found: list[Candidate] = [("published_at", "htmldate", published)]
    modified = _htmldate(tree, url, False, floor, fetched)
    if modified is not None and modified > published:
        found.append(("modified_at", "htmldate", modified))
    return found


def _needs_htmldate(dates: Settled) -> bool:
    """Fall back to htmldate's heuristics only when no plausible publication date was found and
    the page itself gave no plausible modification date either (discovery dates do not count)."""
    if dates.published_at is not None:
        return False
    return dates.modified_signal is None or rank(dates.modified_signal) >= DISCOVERY_RANK


def page_dates(tree: lxml_html.HtmlElement, url: str, found: Found, hints: Hints, faults: dict[str, str]) -> Settled:
    """Settle the page's dates from every candidate; htmldate fills in when none is plausible."""
    fetched = hints.fetched_at or datetime.now(UTC)
    floor = hints.date_floor or FLOOR
    candidates = [*hints.dates, *found.dates]
    dates = settle(candidates, fetched, floor)
    if _needs_htmldate(dates):
        guesses: list[Candidate] = soft(
            faults, "published_at", lambda: _htmldate_candidates(tree, url, floor, fetched), []
        )
        if guesses:
            dates = settle(candidates + guesses, fetched, floor)
    return dates
