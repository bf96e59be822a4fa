"""The hostile site through the real nightly flow: every fault named, every good article landed,
nothing out of scope asked for, waits bounded, no process over 1 GB."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults.site import FAULTS, RUSSIAN_MARK
from faults.world import Night, fault_night, fault_url

# the recorded outcome of each fault, as a pattern over Night.outcome(url)
EXPECTED = {
    "http-500": r"^HTTP 500",
    "http-500-retry-after": r"^HTTP 500",
    "http-502": r"^HTTP 502",
    "http-502-retry-after": r"^HTTP 502",
    "http-503": r"^HTTP 503",
    "http-503-retry-after": r"^HTTP 503",
    "http-429-short": r"^article$",
    "http-429-day": r"^HTTP 429",
    "reset-mid-body": r"^error: \w*(DataLoss|ConnectionLost|ConnectionDone|ResponseFailed)",
    "slow-drip": r"^error: \w*Timeout",
    "no-answer": r"^error: \w*Timeout",
    "truncated-gzip": r"^error: TruncatedBody: gzip body .* ends before its end",
    "gzip-bomb": r"^error: IgnoreRequest: .* because its body \(\d+ B compressed",
    "huge-page": r"^error: .*(DOWNLOAD_MAXSIZE|max size)",
    "wrong-charset": r"^article$",
    "cp1251-undeclared": r"^article$",
    # ended by Scrapy's hop limit, or earlier by the crawl's own rule: a URL is requested once
    "redirect-loop": r"^error: .*(max redirections|DuplicateRequest: redirected to an URL already requested)",
    "redirect-offsite": r"^error: OutOfScope: port \d+ is not the source's",
    "redirect-file": r"^error: OutOfScope: redirect to file:///etc/passwd refused",
    "redirect-metadata": r"^error: (OutOfScope: host '169\.254\.169\.254'|NotFetched)",
    "redirect-private": r"^error: (OutOfScope|NotFetched)",
    "pdf": r"^discard ",
    "image": r"^discard ",
    "json": r"^discard ",
    "malformed-html": r"^(article|discard )",
    "truncated-html": r"^(article|discard )",
    "deep-nesting": r"^(article|discard )",
    "many-links": r"^(article|discard )",
    "xml-bomb-sitemap": r"^HTTP 200",
    "xxe-sitemap": r"^HTTP 200",
    "malformed-feed": r"^HTTP 200",
    "robots-disallowed": r"^error: .*robots\.txt",
    "calendar-trap": r"^HTTP 200",
    "soft-404": r"^discard ",
    "meta-refresh-loop": r"^error: \w+",
    "absurd-dates": r"^article$",
}


@pytest.fixture(scope="module")
def night(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    with fault_night(tmp_path_factory.mktemp("faults")) as ran:
        yield ran


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) == {f.name for f in FAULTS}


def test_the_run_completes_without_a_crash(night: Night) -> None:
    assert night.crash is None, night.crash
    assert set(night.statuses()) == {"faults", "trap", "busy"}, night.state
    assert night.seconds < 300  # waits bounded: a day-long Retry-After did not stall the night


def test_every_fault_is_recorded_with_its_reason(night: Night) -> None:
    outcomes = {f.name: night.outcome(fault_url(night.servers, f.name)) for f in FAULTS}
    wrong = {name: got for name, got in outcomes.items() if not re.search(EXPECTED[name], got)}
    assert not wrong, wrong


def test_every_good_article_lands(night: Night) -> None:
    assert night.lost() == []


def test_wrong_charsets_and_absurd_dates_read_right(night: Night) -> None:
    texts = dict(night.query("select unnest(urls), text from articles"))
    for name in ("wrong-charset", "cp1251-undeclared"):
        assert RUSSIAN_MARK in texts[fault_url(night.servers, name)], name
    (published,) = night.query(
        "select published_at from articles where list_contains(urls, ?)", [fault_url(night.servers, "absurd-dates")]
    )[0]
    assert published is None or published.year > 1990


def test_nothing_out_of_scope_was_requested(night: Night) -> None:
    s = night.servers
    assert s.offsite_hits.total() == 0 and s.private_hits.total() == 0
    assert s.site_hits.count("/news/private-") == 0  # robots.txt obeyed
    assert not any("root:" in p or "passwd" in p for p in s.site_hits.paths)  # no entity was expanded into a URL


def test_retries_and_traps_are_bounded(night: Night) -> None:
    s = night.servers
    for path in ("/news/err-500/", "/news/err-503-ra/", "/news/silent/", "/news/drip/"):
        assert s.site_hits.count(path) <= 2, path  # one try and one retry (retries = 1)
    assert s.busy_hits.count("/news/busy-day/") == 1  # a day-long Retry-After: not asked again tonight
    assert s.site_hits.count("/news/loop-") <= 12 and s.site_hits.count("/news/refresh-") <= 12
    assert s.trap_hits.count("/page/") <= 10  # max_archive_depth 3
    assert s.site_hits.count("/news/link-") <= 5000  # the 50k-link page is not an inventory


def test_no_process_over_1_gb(night: Night) -> None:
    peaks = night.rss.peaks
    assert {"main", "scrapy"} <= set(peaks), peaks
    assert max(peaks.values()) <= 1024, peaks
    assert night.rss.children_bound <= 1024


def test_the_gzip_bomb_is_built_in_a_streaming_way() -> None:
    from faults.site import gzip_bomb

    assert len(gzip_bomb()) < 4 << 20


def test_report_names_the_faults(night: Night, tmp_path: Path) -> None:
    (failed,) = night.query("select failed from run_sources where source = 'faults'")[0]
    assert failed >= 10  # the article URLs that failed are counted, not hidden
