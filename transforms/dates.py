"""Choose a page's published and modified dates from every candidate signal, with sanity rules.

Signals rank best first: the WordPress REST API record, JSON-LD, ``article:*_time`` meta,
HTML markup (``time.published``) and other meta, htmldate's heuristics, the sitemap's
``lastmod``, the feed's dates. The best candidate that passes the rules wins:

- no date after the fetch time (plus a small tolerance for clock skew): a future date is
  rejected and reported;
- modified is not before published (same tolerance): such a modified date is rejected and
  reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

TOLERANCE = timedelta(minutes=15)
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

Candidate = tuple[str, str, datetime]  # (field, signal, value)


@dataclass(frozen=True, slots=True)
class Settled:
    """The chosen dates (UTC), the signal each came from, and the rejected candidates."""

    published_at: datetime | None
    published_signal: str | None
    modified_at: datetime | None
    modified_signal: str | None
    issues: tuple[str, ...]


def rank(signal: str) -> int:
    """How trustworthy a date signal is (0 best); unknown signals rank last."""
    return next((r for prefix, r in RANKS if signal.startswith(prefix)), len(RANKS))


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ordered(candidates: list[Candidate], name: str) -> list[tuple[str, datetime]]:
    found = [(signal, _utc(value)) for field, signal, value in candidates if field == name]
    return sorted(found, key=lambda item: rank(item[0]))  # stable: page order within one rank


def settle(candidates: list[Candidate], fetched_at: datetime) -> Settled:
    """Pick published and modified dates from ranked candidates; say what was rejected."""
    limit = _utc(fetched_at) + TOLERANCE
    issues: dict[str, None] = {}
    published: tuple[str, datetime] | None = None
    for signal, value in _ordered(candidates, PUBLISHED):
        if value > limit:
            issues[
                f"{PUBLISHED} {value.isoformat()} from {signal}: in the future (fetched {fetched_at.isoformat()})"
            ] = None
            continue
        published = (signal, value)
        break
    modified: tuple[str, datetime] | None = None
    for signal, value in _ordered(candidates, MODIFIED):
        if value > limit:
            issues[
                f"{MODIFIED} {value.isoformat()} from {signal}: in the future (fetched {fetched_at.isoformat()})"
            ] = None
            continue
        if published is not None and value < published[1] - TOLERANCE:
            issues[f"{MODIFIED} {value.isoformat()} from {signal}: before publication ({published[1].isoformat()})"] = (
                None
            )
            continue
        modified = (signal, value)
        break
    return Settled(
        published_at=published[1] if published else None,
        published_signal=published[0] if published else None,
        modified_at=modified[1] if modified else None,
        modified_signal=modified[0] if modified else None,
        issues=tuple(issues),
    )
