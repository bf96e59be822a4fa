"""Date parsing and choice: one parser that never raises, signals ranked best first, placeholders, dates before
the floor or in the future and modifications before publication rejected (and reported)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from spiders.discovery import parse_datetime as discovery_parse
from transforms.dates import TOLERANCE, Candidate, parse_datetime, settle, shift, to_utc
from transforms.extract import extract_article
from transforms.records import Article, Hints

FETCHED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MSK = timezone(timedelta(hours=3))


def test_best_signal_wins_and_times_are_utc() -> None:
    chosen = settle(
        [
            ("published_at", "feed:pubDate", datetime(2026, 10, 1, 9, 0, tzinfo=UTC)),
            ("published_at", "json-ld:datePublished", datetime(2026, 10, 1, 12, 0, tzinfo=MSK)),
            ("published_at", "rest-api:published", datetime(2026, 10, 1, 9, 0, 5, tzinfo=UTC)),
            ("modified_at", "sitemap:lastmod", datetime(2026, 10, 3, tzinfo=UTC)),
        ],
        FETCHED,
    )
    assert (chosen.published_at, chosen.published_signal) == (
        datetime(2026, 10, 1, 9, 0, 5, tzinfo=UTC),
        "rest-api:published",
    )
    assert chosen.published_at is not None and chosen.published_at.tzinfo == UTC
    assert (chosen.modified_signal, chosen.issues) == ("sitemap:lastmod", ())


def test_a_future_date_is_rejected_and_reported() -> None:
    chosen = settle(
        [
            ("published_at", "json-ld:datePublished", FETCHED + timedelta(days=400)),
            ("published_at", "htmldate", datetime(2026, 9, 1, tzinfo=UTC)),
            ("modified_at", "meta:article:modified_time", FETCHED + timedelta(minutes=10)),  # clock skew: tolerated
        ],
        FETCHED,
    )
    assert (chosen.published_at, chosen.published_signal) == (datetime(2026, 9, 1, tzinfo=UTC), "htmldate")
    assert chosen.modified_at == FETCHED + timedelta(minutes=10)
    assert len(chosen.issues) == 1 and "in the future" in chosen.issues[0] and "json-ld" in chosen.issues[0]


def test_modified_before_published_is_rejected() -> None:
    chosen = settle(
        [
            ("published_at", "json-ld:datePublished", datetime(2026, 9, 10, tzinfo=UTC)),
            ("modified_at", "json-ld:dateModified", datetime(2026, 9, 1, tzinfo=UTC)),
            ("modified_at", "sitemap:lastmod", datetime(2026, 9, 12, tzinfo=UTC)),
        ],
        FETCHED,
    )
    assert (chosen.modified_at, chosen.modified_signal) == (datetime(2026, 9, 12, tzinfo=UTC), "sitemap:lastmod")
    assert any("before publication" in issue for issue in chosen.issues)


def test_extraction_applies_the_rules_against_the_fetch_time() -> None:
    body = " ".join(f"Sentence number {i} of a long enough article body." for i in range(40))
    html = f"""<html><head><meta property="og:type" content="article">
    <meta property="article:published_time" content="2031-01-01T00:00:00+00:00"></head>
    <body><article><h1>A title</h1><p>{body}</p></article></body></html>"""
    hints = Hints(fetched_at=FETCHED, dates=(("published_at", "feed:pubDate", datetime(2026, 10, 30, tzinfo=UTC)),))
    article = extract_article(html, "https://example.org/a/", hints=hints)
    assert not isinstance(article, str) and hasattr(article, "published_at")
    assert article.published_at == datetime(2026, 10, 30, tzinfo=UTC)  # type: ignore[union-attr]
    assert article.provenance["published_at"] == "feed:pubDate"  # type: ignore[union-attr]
    assert article.date_issues and "2031" in article.date_issues[0]  # type: ignore[union-attr]


# -- the edges: placeholders, the floor, values UTC cannot hold ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0001-01-01T00:00:00+01:00", datetime.min.replace(tzinfo=UTC)),  # UTC cannot hold it: clamped
        ("9999-12-31T23:59:59-01:00", datetime.max.replace(tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T12:00:00+03:00", datetime(2024, 5, 1, 9, tzinfo=UTC)),
        ("Wed, 01 May 2024 12:00:00 +0300", datetime(2024, 5, 1, 9, tzinfo=UTC)),
        ("0000-00-00 00:00:00", None),
        ("not a date", None),
        ("", None),
    ],
)
def test_parse_datetime_never_raises_and_is_utc(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected
    assert discovery_parse(text) == expected  # discovery reads sitemaps and feeds with the same parser


def test_parse_datetime_takes_only_text() -> None:
    assert parse_datetime(["2024-05-01", "2020-01-01"]) == datetime(2024, 5, 1, tzinfo=UTC)  # JSON-LD lists
    for value in (None, 2024, {"@value": "2024-05-01"}, [], 1.5):
        assert parse_datetime(value) is None


def test_to_utc_clamps_instead_of_overflowing() -> None:
    assert to_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))) == datetime.min.replace(tzinfo=UTC)
    assert to_utc(datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-14)))) == datetime.max.replace(tzinfo=UTC)
    assert to_utc(datetime(2024, 1, 1)) == datetime(2024, 1, 1, tzinfo=UTC)


def test_placeholders_and_dates_before_the_floor_are_rejected_and_the_next_one_wins() -> None:
    chosen = settle(
        [
            ("published_at", "json-ld:datePublished", datetime(1, 1, 1, tzinfo=UTC)),
            ("published_at", "meta:article:published_time", datetime(1970, 1, 1, tzinfo=UTC)),  # a Unix epoch zero
            ("published_at", "htmldate", datetime(2026, 9, 1, tzinfo=UTC)),
            ("modified_at", "json-ld:dateModified", datetime.max.replace(tzinfo=UTC)),
            ("modified_at", "sitemap:lastmod", datetime(2026, 9, 2, tzinfo=UTC)),
        ],
        FETCHED,
    )
    assert (chosen.published_at, chosen.published_signal) == (datetime(2026, 9, 1, tzinfo=UTC), "htmldate")
    assert (chosen.modified_at, chosen.modified_signal) == (datetime(2026, 9, 2, tzinfo=UTC), "sitemap:lastmod")
    assert chosen.future == ()  # a year-9999 placeholder is not a future date for the quality checks
    reasons = "\n".join(chosen.issues)
    assert "json-ld:datePublished: a placeholder (year 1)" in reasons
    assert "meta:article:published_time: before the floor 1990-01-01" in reasons
    assert "json-ld:dateModified: a placeholder (year 9999)" in reasons
    assert len(chosen.issues) == 3


def test_a_source_may_lower_its_floor_but_year_one_stays_a_placeholder() -> None:
    candidates: list[Candidate] = [
        ("published_at", "json-ld:datePublished", datetime(1, 1, 1, tzinfo=UTC)),
        ("published_at", "meta:date", datetime(1985, 3, 4, tzinfo=UTC)),
    ]
    assert settle(candidates, FETCHED).published_at is None
    lowered = settle(candidates, FETCHED, floor=datetime(1900, 1, 1, tzinfo=UTC))
    assert (lowered.published_at, lowered.published_signal) == (datetime(1985, 3, 4, tzinfo=UTC), "meta:date")
    assert lowered.issues == (
        "published_at 0001-01-01T00:00:00+00:00 from json-ld:datePublished: a placeholder (year 1)",
    )


def test_date_arithmetic_at_the_edges_cannot_overflow() -> None:
    # the earliest publication a floor allows, a modification just before it, a fetch at the end of time
    floor = datetime.min.replace(tzinfo=UTC) + timedelta(days=400)
    chosen = settle(
        [
            ("published_at", "json-ld:datePublished", floor + timedelta(minutes=1)),
            ("modified_at", "json-ld:dateModified", floor),
        ],
        datetime.max.replace(tzinfo=UTC),
        floor=floor,
    )
    assert chosen.published_at == floor + timedelta(minutes=1) and chosen.modified_at == floor
    assert shift(datetime.min.replace(tzinfo=UTC), -TOLERANCE) == datetime.min.replace(tzinfo=UTC)
    assert shift(datetime.max.replace(tzinfo=UTC), TOLERANCE) == datetime.max.replace(tzinfo=UTC)


def zero_time_page(date_line: str = "<p class='date'>Published 2024-06-03</p>") -> str:
    """A page whose JSON-LD dates are a serializer's empty date (the zero time), as 2.8 % of a
    public benchmark's pages are; the page itself shows its real date."""
    body = " ".join(f"Sentence number {i} of a long enough article about the council." for i in range(30))
    ld = (
        '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "The council meets",'
        ' "datePublished": "0001-01-01T00:00:00Z", "dateModified": "0001-01-01T00:00:00+01:00"}'
    )
    return f"""<html><head><script type="application/ld+json">{ld}</script></head>
    <body><article><h1>The council meets</h1>{date_line}<p>{body}</p></article></body></html>"""


def test_zero_time_json_ld_keeps_the_text_and_takes_htmldates_date() -> None:
    article = extract_article(zero_time_page(), "https://news.example.com/council/", hints=Hints(fetched_at=FETCHED))
    assert isinstance(article, Article)
    assert "Sentence number 29 of a long enough article" in article.text
    assert article.published_at == datetime(2024, 6, 3, tzinfo=UTC)
    assert article.provenance["published_at"] == "htmldate"
    assert article.modified_at is None
    assert article.date_issues == (
        "published_at 0001-01-01T00:00:00+00:00 from json-ld:datePublished: a placeholder (year 1)",
        "modified_at 0001-01-01T00:00:00+00:00 from json-ld:dateModified: a placeholder (year 1)",
    )


def test_zero_time_json_ld_without_any_other_date_keeps_the_text_undated() -> None:
    article = extract_article(zero_time_page(""), "https://news.example.com/council/", hints=Hints(fetched_at=FETCHED))
    assert isinstance(article, Article) and "Sentence number 29" in article.text
    assert article.published_at is None and len(article.date_issues) == 2


def test_a_sitemap_lastmod_before_the_sources_floor_is_rejected_as_an_issue() -> None:
    html = zero_time_page().replace("0001-01-01T00:00:00Z", "1995-05-05T00:00:00Z")
    lastmod = ("modified_at", "sitemap:lastmod", datetime(1, 1, 1, tzinfo=UTC))
    hints = Hints(fetched_at=FETCHED, dates=(lastmod,), date_floor=datetime(2000, 1, 1, tzinfo=UTC))
    article = extract_article(html, "https://news.example.com/council/", hints=hints)
    assert isinstance(article, Article)
    assert article.published_at == datetime(2024, 6, 3, tzinfo=UTC)  # 1995 is before this source's floor
    assert any("1995-05-05" in issue and "before the floor 2000-01-01" in issue for issue in article.date_issues)
    assert any("sitemap:lastmod: a placeholder (year 1)" in issue for issue in article.date_issues)
