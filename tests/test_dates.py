"""Date choice and sanity rules: signals ranked best first, future dates and modified-before-published rejected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from transforms.dates import settle
from transforms.extract import extract_article
from transforms.records import Hints

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
