"""The crawl frontier's per-URL state and the revisit policy: pure transitions, no I/O.

One ``PageState`` per article URL of a source. Each run ``observe`` folds what the crawl
learned about the URL (listed by discovery, fetched with some answer, or not requested)
into a new state, and sets when the page is next due:

- a live page published (or first seen) less than ``window`` ago is revisited: first after
  ``first``, then after an interval that grows by ``factor`` each time the page is found
  unchanged, up to ``longest``; a change starts over at ``first``;
- older live pages are never due: only a discovery signal (a newer sitemap ``lastmod`` or
  REST ``modified``) or their disappearing from the sitemaps makes the crawl look again;
- 404/410 marks a page gone (never deleted); 403/401 blocked; 429/5xx and network errors
  failing: those two back off exponentially (``retry_first`` doubling, up to ``retry_longest``);
- a URL found but not fetched (over the run's page budget) is due at the next run;
- a static page stored as a document (kind ``page``, ``transforms.kind``) is a live page like
  any article: with no publication date its window starts when it was first seen; a page
  too short to be stored (a ``not_article`` discard) is ``not_article`` and never due: only a
  discovery signal brings it back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

LIVE, NEW, GONE, BLOCKED, FAILING, NOT_ARTICLE, DISALLOWED = (
    "live",
    "new",
    "gone",
    "blocked",
    "failing",
    "not_article",
    "disallowed",
)
GONE_STATUSES = frozenset({404, 410})
BLOCKED_STATUSES = frozenset({401, 403})
# errors that say the request was never really made: they change nothing about the page
NEUTRAL_ERRORS = ("NotFetched", "DuplicateRequest", "HostPaused")


@dataclass(frozen=True, slots=True)
class Revisit:
    """How often pages are looked at again (per source)."""

    window: timedelta = timedelta(days=14)
    first: timedelta = timedelta(hours=20)
    factor: float = 2.0
    longest: timedelta = timedelta(days=7)
    retry_first: timedelta = timedelta(hours=1)
    retry_longest: timedelta = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class PageState:
    """One frontier row: what trawl knows about one article URL of a source, its fields grouped
    by the part of an ``Observation`` that sets them."""

    source: str
    url: str
    state: str
    # discovery: when it was first and last listed, and the newest lastmod any channel gave
    first_seen_at: datetime
    last_seen_at: datetime | None = None
    listed: bool = False
    lastmod: datetime | None = None
    lastmod_via: str | None = None
    # the last answer (``Answer``) and the validators of the last good one
    last_fetched_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    # the last article the page held (``PageResult``)
    content_hash: str | None = None
    page_url: str | None = None
    published_at: datetime | None = None
    last_changed_at: datetime | None = None
    # the revisit schedule
    failures: int = 0
    unchanged: int = 0
    next_due_at: datetime | None = None
    gone_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """How the URL's last request of the run ended: a status, or an error when none came."""

    fetched_at: datetime | None = None
    status: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class PageResult:
    """What extraction and cleaning made of one fetched article page."""

    content_hash: str | None = None  # the stored document's hash, when the page held an article
    page_url: str | None = None
    published_at: datetime | None = None
    not_article: bool = False


@dataclass(frozen=True, slots=True)
class Observation:
    """What one run learned about one URL: whether discovery listed it (and its lastmod), the
    answer when a request ended, and what the page held."""

    url: str
    at: datetime
    discovered: bool = False
    listed: bool | None = None  # None: the run's sitemap inventory was incomplete, keep what was known
    lastmod: datetime | None = None
    lastmod_via: str | None = None
    answer: Answer = Answer()
    result: PageResult = PageResult()

    @property
    def requested(self) -> bool:
        error = self.answer.error
        return self.answer.status is not None or (error is not None and not error.startswith(NEUTRAL_ERRORS))


def revisit_due(state: PageState, policy: Revisit, now: datetime) -> datetime | None:
    """When a live page is due again, or None when it is out of the revisit window."""
    born = state.published_at or state.first_seen_at
    end = born + policy.window
    fetched = state.last_fetched_at or now
    if fetched >= end:
        return None
    interval = policy.first * (policy.factor ** min(state.unchanged, 30))
    due = fetched + min(interval, policy.longest)
    return due if due <= end else end


def retry_due(failures: int, policy: Revisit, now: datetime) -> datetime:
    """Exponential backoff after consecutive failures, capped."""
    delay: timedelta = policy.retry_first * (2 ** min(max(failures - 1, 0), 30))
    return now + min(delay, policy.retry_longest)


def _seen(prev: PageState | None, obs: Observation, source: str) -> PageState:
    state = prev or PageState(source=source, url=obs.url, state=NEW, first_seen_at=obs.at)
    if obs.discovered:
        state = replace(state, last_seen_at=obs.at)
    if obs.listed is not None:
        state = replace(state, listed=obs.listed)
    if obs.lastmod is not None and (state.lastmod is None or obs.lastmod > state.lastmod):
        state = replace(state, lastmod=obs.lastmod, lastmod_via=obs.lastmod_via)
    return state


def _answered(state: PageState, obs: Observation, policy: Revisit) -> PageState:
    answer, result = obs.answer, obs.result
    status = answer.status
    fetched = answer.fetched_at or obs.at
    base = replace(state, last_fetched_at=fetched, last_status=status, last_error=answer.error)
    if status == 304:
        base = replace(base, state=LIVE, failures=0, unchanged=state.unchanged + 1, gone_at=None)
        return replace(base, next_due_at=revisit_due(base, policy, obs.at))
    if status is not None and 200 <= status < 300:
        base = replace(base, etag=answer.etag, last_modified=answer.last_modified)
        if result.content_hash is None:
            kind = NOT_ARTICLE if result.not_article else LIVE
            base = replace(base, state=kind, failures=0, gone_at=None)
            return replace(base, next_due_at=None if kind == NOT_ARTICLE else revisit_due(base, policy, obs.at))
        changed = result.content_hash != state.content_hash
        base = replace(
            base,
            state=LIVE,
            failures=0,
            gone_at=None,
            content_hash=result.content_hash,
            page_url=result.page_url or state.page_url,
            published_at=result.published_at or state.published_at,
            unchanged=0 if changed else state.unchanged + 1,
            last_changed_at=obs.at if changed else state.last_changed_at,
        )
        return replace(base, next_due_at=revisit_due(base, policy, obs.at))
    if status in GONE_STATUSES:
        return replace(base, state=GONE, gone_at=state.gone_at or obs.at, failures=0, next_due_at=None)
    if answer.error and "robots.txt" in answer.error:
        return replace(base, state=DISALLOWED, next_due_at=None)
    failures = state.failures + 1
    kind = BLOCKED if status in BLOCKED_STATUSES else FAILING
    # a failing page keeps its last good content and validators
    return replace(base, state=kind, failures=failures, next_due_at=retry_due(failures, policy, obs.at))


def observe(prev: PageState | None, obs: Observation, policy: Revisit, source: str) -> PageState:
    """The URL's new state after one run's observation."""
    state = _seen(prev, obs, source)
    if obs.requested:
        return _answered(state, obs, policy)
    if prev is None or state.state == NEW:
        return replace(state, state=NEW, next_due_at=obs.at)  # found, not fetched yet: due next run
    return state
