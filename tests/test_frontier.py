"""The revisit policy and per-URL state transitions (pure), and the frontier as the loader keeps it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transforms.frontier import BLOCKED, GONE, LIVE, NEW, Answer, Observation, PageResult, Revisit, observe

POLICY = Revisit(window=timedelta(days=14), first=timedelta(hours=20), factor=2, longest=timedelta(days=3))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def fetched(at: datetime, status: int, content: str | None = "h1", published_at: datetime | None = None) -> Observation:
    answer = Answer(fetched_at=at, status=status)
    return Observation(
        url="u", at=at, discovered=True, answer=answer, result=PageResult(content, published_at=published_at)
    )


def test_recent_pages_are_revisited_with_a_growing_interval_then_left_alone() -> None:
    state = observe(None, fetched(T0, 200, published_at=T0 - timedelta(hours=3)), POLICY, "s")
    assert state.state == LIVE and state.next_due_at == T0 + timedelta(hours=20)
    intervals = []
    at = T0
    while state.next_due_at is not None:
        at = state.next_due_at
        state = observe(state, fetched(at, 304, content=None), POLICY, "s")
        intervals.append(state.next_due_at - at if state.next_due_at else None)
    grown = [i for i in intervals if i is not None]
    assert grown[:2] == [timedelta(hours=40), timedelta(days=3)] and max(grown) <= timedelta(days=3)
    assert at <= T0 + timedelta(days=14)  # nothing after the window: old unchanged pages are not refetched


def test_a_change_starts_the_interval_over() -> None:
    state = observe(None, fetched(T0, 200, published_at=T0), POLICY, "s")
    state = observe(state, fetched(T0 + timedelta(days=1), 304, content=None), POLICY, "s")
    assert state.unchanged == 1
    state = observe(state, fetched(T0 + timedelta(days=2), 200, content="h2"), POLICY, "s")
    assert state.unchanged == 0 and state.last_changed_at == T0 + timedelta(days=2)
    assert state.next_due_at == T0 + timedelta(days=2, hours=20)


def test_old_pages_are_never_due() -> None:
    state = observe(None, fetched(T0, 200, published_at=T0 - timedelta(days=400)), POLICY, "s")
    assert state.state == LIVE and state.next_due_at is None


def test_gone_blocked_and_failing() -> None:
    live = observe(None, fetched(T0, 200, published_at=T0), POLICY, "s")
    gone = observe(live, fetched(T0 + timedelta(days=1), 410, content=None), POLICY, "s")
    assert gone.state == GONE and gone.gone_at == T0 + timedelta(days=1) and gone.content_hash == "h1"
    assert gone.next_due_at is None
    blocked = observe(live, fetched(T0, 403, content=None), POLICY, "s")
    again = observe(blocked, fetched(T0 + timedelta(hours=1), 403, content=None), POLICY, "s")
    assert blocked.state == again.state == BLOCKED and again.failures == 2
    assert again.next_due_at == T0 + timedelta(hours=3)  # 1 h, then 2 h: exponential backoff
    assert again.etag == live.etag and again.content_hash == "h1"  # the last good content is kept


def test_found_but_not_fetched_is_due_next_run() -> None:
    state = observe(None, Observation(url="u", at=T0, discovered=True, listed=True), POLICY, "s")
    assert state.state == NEW and state.next_due_at == T0 and state.listed
    neutral = Observation(url="u", at=T0, answer=Answer(error="NotFetched: crawl closed (blocked)"))
    assert observe(state, neutral, POLICY, "s").state == NEW
