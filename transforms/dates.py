"""Parse dates safely and choose a page's published and modified dates from every candidate signal.

``parse_datetime`` is the one parser of dates found on pages and in discovery (sitemaps,
feeds, the REST API): it never raises, and turns every value into an aware UTC datetime;
a value that UTC cannot hold (``0001-01-01T00:00:00+01:00``) is clamped to the earliest
or latest one, so the plausibility rules below reject it with a reason instead of a crash.

Signals rank best first: the WordPress REST API record, JSON-LD, ``article:*_time`` meta,
HTML markup (``time.published``) and other meta, htmldate's heuristics, the sitemap's
``lastmod``, the feed's dates. The best candidate that passes the rules wins:

- a placeholder (year 1 or 9999, what serializers write for an empty date) is rejected;
- no date before the floor (1990-01-01 unless the source sets its own ``date_floor``);
- no date after the fetch time (plus a small tolerance for clock skew);
- modified is not before published (same tolerance).

Every rejected candidate is reported (``Settled.issues``, stored as ``date_issues``); the
next candidate, or htmldate when none is left, fills in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

TOLERANCE = timedelta(minutes=15)
# dates before this are not publication dates of web articles, unless a source says otherwise
FLOOR = datetime(1990, 1, 1, tzinfo=UTC)
PUBLISHED, MODIFIED = "published_at", "modified_at"
# signal prefix -> rank (lower is better); the first matching prefix counts
RANKS: tuple[tuple[str, int], ...] = (
    ("rest-api", 0),
    ("json-ld", 1),
    ("meta:article:", 2),
    ("html:", 3),
    ("meta:", 3),
    ("htmldate", 4),
    ("sitemap", 5),
    ("feed", 6),
)
# signals from discovery rather than from the page itself
DISCOVERY_RANK = 5

Candidate = tuple[str, str, datetime]  # (field, signal, value)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC (naive means UTC); clamped when UTC cannot hold it (year 1
    with a positive offset, year 9999 with a negative one)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return _EARLIEST if value.year == MINYEAR else _LATEST


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 / W3C (date-only allowed) or RFC 822 date as an aware UTC datetime; None
    when it is none of these. Never raises: pages and sitemaps write anything in a date."""
    if isinstance(value, list | tuple):  # JSON-LD may give several; the first counts
        return parse_datetime(value[0]) if value else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except (ValueError, OverflowError):
        pass
    try:
        return to_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def from_isoformat(text: str) -> datetime:
    """A datetime as ``datetime.isoformat`` wrote it (our own records), its offset kept."""
    return datetime.fromisoformat(text)


def shift(value: datetime, delta: timedelta) -> datetime:
    """``value + delta``, clamped to the representable range instead of overflowing."""
    try:
        return value + delta
    except OverflowError:
        return _LATEST if delta > timedelta(0) else _EARLIEST


@dataclass(frozen=True, slots=True)
class Settled:
    """The chosen dates (UTC), the signal each came from, the rejected candidates, and the
    earliest rejected future date per field (kept visible to the quality checks)."""

    published_at: datetime | None
    published_signal: str | None
    modified_at: datetime | None
    modified_signal: str | None
    issues: tuple[str, ...]
    future: tuple[tuple[str, datetime], ...] = ()


def rank(signal: str) -> int:
    """How trustworthy a date signal is (0 best); unknown signals rank last."""
    return next((r for prefix, r in RANKS if signal.startswith(prefix)), len(RANKS))


def _ordered(candidates: list[Candidate], name: str) -> list[tuple[str, datetime]]:
    found = [(signal, to_utc(value)) for field, signal, value in candidates if field == name]
    return sorted(found, key=lambda item: rank(item[0]))  # stable: page order within one rank


def implausible(value: datetime, floor: datetime, limit: datetime) -> str | None:
    """Why a (UTC) date cannot be a publication or modification date, or None."""
    if value.year in (MINYEAR, MAXYEAR):
        return f"a placeholder (year {value.year})"
    if value < floor:
        return f"before the floor {floor.date().isoformat()}"
    if value > limit:
        return "in the future"
    return None


def settle(candidates: list[Candidate], fetched_at: datetime, floor: datetime | None = None) -> Settled:
    """Pick published and modified dates from ranked candidates; say what was rejected."""
    fetched = to_utc(fetched_at)
    limit = shift(fetched, TOLERANCE)
    lowest = to_utc(floor) if floor is not None else FLOOR
    issues: dict[str, None] = {}
    future: dict[str, datetime] = {}
    chosen: dict[str, tuple[str, datetime]] = {}
    for name in (PUBLISHED, MODIFIED):
        for signal, value in _ordered(candidates, name):
            problem = implausible(value, lowest, limit)
            if problem == "in the future":
                problem = f"in the future (fetched {fetched.isoformat()})"
            published = chosen.get(PUBLISHED)
            if problem is None and name == MODIFIED and published and value < shift(published[1], -TOLERANCE):
                problem = f"before publication ({published[1].isoformat()})"
            if problem is not None:
                issues[f"{name} {value.isoformat()} from {signal}: {problem}"] = None
                continue
            chosen[name] = (signal, value)
            break
        later = [value for _, value in _ordered(candidates, name) if value > limit and value.year != MAXYEAR]
        if later:
            future[name] = min(later)
    published, modified = chosen.get(PUBLISHED), chosen.get(MODIFIED)
    return Settled(
        published_at=published[1] if published else None,
        published_signal=published[0] if published else None,
        modified_at=modified[1] if modified else None,
        modified_signal=modified[0] if modified else None,
        issues=tuple(issues),
        future=tuple(sorted(future.items())),
    )
