"""The revisit policy and per-URL state transitions (pure), and the frontier as the loader keeps it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.frontier import (
    BLOCKED,
    DISALLOWED,
    FAILING,
    GONE,
    LIVE,
    NEW,
    NOT_ARTICLE,
    Answer,
    Observation,
    PageResult,
    PageState,
    Revisit,
    observe,
)
from warehouse.db import connect
from warehouse.frontier import STATE_FIELDS, Crawl, fold_crawl, update_frontier
from warehouse.rows import table_schema

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


# the loader's split: URLs merely listed again move in SQL (relist_frontier.sql), the rest through
# `observe`; whichever path a URL takes, its row must be what `observe` gives
STATES = st.sampled_from([NEW, LIVE, GONE, BLOCKED, FAILING, NOT_ARTICLE, DISALLOWED])
TIMES = st.none() | st.integers(-400, 400).map(lambda h: T0 + timedelta(hours=h))


@st.composite
def previous_states(draw: st.DrawFn, url: str) -> PageState:
    return PageState(
        source="s",
        url=url,
        state=draw(STATES),
        first_seen_at=T0 - timedelta(days=draw(st.integers(0, 30))),
        last_seen_at=draw(TIMES),
        listed=draw(st.booleans()),
        lastmod=draw(TIMES),
        lastmod_via=draw(st.sampled_from([None, "sitemap", "rest", "feed"])),
        last_fetched_at=draw(TIMES),
        content_hash=draw(st.sampled_from([None, "h1"])),
        published_at=draw(TIMES),
        unchanged=draw(st.integers(0, 3)),
        failures=draw(st.integers(0, 3)),
        next_due_at=draw(TIMES),
    )


@st.composite
def nights(draw: st.DrawFn) -> list[tuple[PageState | None, Observation]]:
    at = T0 + timedelta(hours=draw(st.integers(0, 48)))
    found = []
    for i in range(draw(st.integers(1, 6))):
        url = f"https://example.org/{i}"
        prev = draw(st.none() | previous_states(url))
        status = draw(st.sampled_from([None, None, None, 200, 304, 404, 503]))
        answer = Answer(fetched_at=at, status=status) if status else Answer()
        obs = Observation(
            url=url,
            at=at,
            discovered=draw(st.booleans()),
            listed=draw(st.sampled_from([None, True, False])),
            lastmod=draw(TIMES),
            lastmod_via=draw(st.sampled_from([None, "sitemap", "rest"])),
            answer=answer,
            result=PageResult("h2" if status == 200 else None),
        )
        found.append((prev, obs))
    return found


@pytest.fixture(scope="module")
def frontier_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(tmp_path_factory.mktemp("frontier") / "trawl.duckdb")
    yield con
    con.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(night=nights())
def test_the_loader_folds_a_night_into_the_frontier_as_observe_does(
    frontier_db: duckdb.DuckDBPyConnection, night: list[tuple[PageState | None, Observation]]
) -> None:
    con = frontier_db
    con.execute("delete from frontier")
    schema = table_schema(con, "frontier")
    previous = [{name: getattr(p, name) for name in STATE_FIELDS} for p, _ in night if p is not None]
    if previous:
        con.register("batch", pa.Table.from_pylist(previous, schema=schema))
        con.execute("insert into frontier by name select * from batch")
        con.unregister("batch")
    update_frontier(con, "s", {o.url: o for _, o in night}, POLICY)
    cursor = con.execute(f"select {', '.join(STATE_FIELDS)} from frontier order by url")
    got = [PageState(*row) for row in cursor.fetchall()]
    assert got == [observe(p, o, POLICY, "s") for p, o in sorted(night, key=lambda n: n[1].url)]


@st.composite
def crawls(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """A crawl's last fetch rows and candidates over a few URLs (some only listed, some only
    fetched, some answered, redirected or failed)."""
    fetches: list[dict[str, object]] = []
    candidates: list[dict[str, object]] = []
    for i in range(draw(st.integers(1, 12))):
        url = f"https://example.org/{i}"
        if draw(st.booleans()):
            candidates.append(
                {
                    "url": url,
                    "listed": draw(st.booleans()),
                    "discovered": draw(st.booleans()),
                    "decision": draw(st.sampled_from(["requested", "not_due", "skipped"])),
                    "lastmod": draw(st.sampled_from([None, "2026-10-30T10:00:00+00:00"])),
                    "lastmod_via": "sitemap",
                }
            )
        if draw(st.booleans()):
            status = draw(st.sampled_from([None, 200, 304, 404, 503]))
            final = f"{url}/moved" if draw(st.booleans()) else url
            fetches.append({"url": url, "final_url": final, "role": "article", "status": status, "fetched_at": T0})
    return fetches, candidates


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(crawl=crawls(), complete=st.booleans(), slice_urls=st.integers(1, 4))
def test_folding_a_crawl_in_url_slices_gives_the_rows_of_folding_it_whole(
    frontier_db: duckdb.DuckDBPyConnection,
    crawl: tuple[list[dict[str, object]], list[dict[str, object]]],
    complete: bool,
    slice_urls: int,
) -> None:
    con = frontier_db
    fetches, candidates = crawl
    results = {str(r["final_url"]): PageResult("h3", str(r["final_url"])) for r in fetches if r["status"] == 200}
    tables = []
    for size in (10**6, slice_urls):
        con.execute("delete from frontier")
        con.execute(  # a URL the crawl no longer lists, past `new`: unlisted by a complete inventory
            "insert into frontier (source, url, state, first_seen_at, last_seen_at, listed) "
            "values ('s', 'https://example.org/old', 'live', ?, ?, true)",
            [T0 - timedelta(days=3), T0 - timedelta(days=3)],
        )
        counts = fold_crawl(con, Crawl("s", fetches, candidates, complete), results, POLICY, T0, slice_urls=size)
        rows = con.execute(f"select {', '.join(STATE_FIELDS)} from frontier order by url").fetchall()
        tables.append((counts, rows))
    assert tables[0] == tables[1]
    assert len(tables[0][1]) == len({str(r["url"]) for r in [*fetches, *candidates]} | {"https://example.org/old"})
