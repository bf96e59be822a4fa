"""End to end: the demo sites on loopback, real Scrapy subprocesses, a real Prefect flow run, a real DuckDB file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from demo.sites import DemoSite, build_sites
from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly
from transforms.extract import MIN_TEXT_CHARS
from transforms.urls import canonicalize

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Night:
    db: Path
    data_dir: Path
    sites: dict[str, DemoSite]
    first: list[dict[str, Any]]
    second: list[dict[str, Any]]
    counts_after_first: dict[str, int]
    server: Any


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from {t}").fetchone()[0]  # type: ignore[index]
            for t in ("documents", "page_versions", "articles", "extractions")
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def night(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Night]:
    base = tmp_path_factory.mktemp("e2e")
    db, data_dir = base / "trawl.duckdb", base / "data"
    with demo_sites() as server:
        first = nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(data_dir))
        counts = table_counts(db)
        second = nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(data_dir))
        yield Night(db, data_dir, build_sites(), first, second, counts, server)


def page_url(night: Night, site: str, path: str) -> str:
    """The URL the warehouse stores for a demo page: its canonical form."""
    return canonicalize(night.server.urls[site].rstrip("/") + path)


def long_pages(site: DemoSite) -> list[Any]:
    """The site's static pages long enough to be stored (extraction's own bar: under
    MIN_TEXT_CHARS of text a page is discarded as not_article)."""
    return [p for p in site.pages if len("\n".join(p.paragraphs)) >= MIN_TEXT_CHARS]


def query(night: Night, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(night.db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_every_source_ran_ok(night: Night) -> None:
    assert [(r["source"], r["status"]) for r in night.first] == [("kprf_demo", "ok"), ("movimento_demo", "ok")]


def test_exact_article_counts(night: Night) -> None:
    kprf, movimento = night.sites["kprf_demo"].articles, night.sites["movimento_demo"].articles
    republished = {a.republished_key for a in kprf if a.republished_key} & {
        a.republished_key for a in movimento if a.republished_key
    }
    assert len(republished) == 1
    pages = dict(query(night, "select source, count(*) from page_versions where valid_to is null group by 1"))
    assert pages == {key: len(site.articles) + len(long_pages(site)) for key, site in night.sites.items()}
    (total,) = query(night, "select count(*) from articles")[0]
    assert total == len(kprf) + len(movimento) - 1  # the posts; the republished one is one document
    assert total >= 60


def test_static_pages_are_pages_not_articles(night: Night) -> None:
    """Issue #11: the demo's article-length static pages are in `pages`, never in `articles`, with
    the signal that made them pages in their provenance; the short ones are still discarded."""
    for key, site in night.sites.items():
        long = long_pages(site)
        assert long, f"{key} has no static page of article length"
        short = [p for p in site.pages if p not in long]
        rows = query(night, "select url, provenance->>'kind', published_at, title from pages where source = ?", [key])
        assert {url for url, *_ in rows} == {page_url(night, key, p.path) for p in long}
        # REST type (kprf_demo) or the page sitemap (movimento_demo): discovery's structural signal
        expected_signal = "rest-api:type" if site.rest_api else "sitemap:type"
        assert {signal for _, signal, _, _ in rows} == {expected_signal}
        assert {title for *_, title in rows} == {p.title for p in long}
        in_articles = query(night, "select unnest(urls) from articles where source = ?", [key])
        assert not {u for (u,) in in_articles} & {page_url(night, key, p.path) for p in site.pages}
        discarded = query(night, "select url, reason from discards where source = ?", [key])
        assert {(canonicalize(u), r) for u, r in discarded} == {
            (page_url(night, key, p.path), "not_article") for p in short
        }
    kinds = dict(query(night, "select kind, count(*) from documents group by 1"))
    posts = sum(len(site.articles) for site in night.sites.values())
    assert kinds == {"article": posts - 1, "page": sum(len(long_pages(s)) for s in night.sites.values())}
    (articles,) = query(night, "select count(*) from articles")[0]
    (current,) = query(night, "select count(*) from current_documents")[0]
    (pages,) = query(night, "select count(*) from pages")[0]
    assert articles == posts - 1 and current == articles + pages


def test_republished_article_is_stored_once_with_both_urls(night: Night) -> None:
    rows = query(night, "select sources, urls from articles where len(sources) > 1")
    assert len(rows) == 1
    sources, urls = rows[0]
    assert sources == ["kprf_demo", "movimento_demo"]
    expected = {
        page_url(night, key, a.path) for key, site in night.sites.items() for a in site.articles if a.republished_key
    }
    assert set(urls) == expected


def test_no_site_boilerplate_in_any_article(night: Night) -> None:
    texts = query(night, "select source, url, text, markdown from articles")
    for key, site in night.sites.items():
        assert site.boilerplate, f"{key} declares no boilerplate to check"
        for line in site.boilerplate:
            leaked = [url for _, url, text, md in texts if line in text or line in (md or "")]
            assert not leaked, f"{key} boilerplate {line!r} left in {leaked[:3]}"


def test_every_article_body_is_present(night: Night) -> None:
    by_url = {url: text for url, text in query(night, "select unnest(urls), text from articles")}
    missing = []
    for key, site in night.sites.items():
        for article in site.articles:
            text = by_url.get(page_url(night, key, article.path))
            assert text is not None, f"{article.path} of {key} not loaded"
            missing += [(article.path, p[:40]) for p in article.paragraphs if " ".join(p.split()) not in text]
    total = sum(len(a.paragraphs) for s in night.sites.values() for a in s.articles)
    assert len(missing) / total <= 0.02, missing[:5]


def test_languages_are_detected_on_the_text(night: Night) -> None:
    by_url = {url: lang for url, lang in query(night, "select unnest(urls), language from articles")}
    wrong = []
    for key, site in night.sites.items():
        found = {a.path: by_url.get(page_url(night, key, a.path)) for a in site.articles}
        wrong += [(a.path, a.language, found[a.path]) for a in site.articles if found[a.path] != a.language]
    assert not wrong
    english = [a for a in night.sites["movimento_demo"].articles if a.language == "en"]
    assert english, "the Portuguese demo site has English articles"


def test_metadata_matches_the_ground_truth(night: Night) -> None:
    """Title, authors and publication date of each document, as its first page gives them."""
    rows = query(night, "select url, title, authors, published_at from articles")
    by_url = {url: (title, authors, published) for url, title, authors, published in rows}
    checked = 0
    for key, site in night.sites.items():
        for a in site.articles:
            if page_url(night, key, a.path) not in by_url:
                continue  # the second copy of the republished article: its document is the first copy's
            checked += 1
            title, authors, published = by_url[page_url(night, key, a.path)]
            assert (title, authors, published) == (a.title, list(a.authors), a.published), a.path
    assert checked == len(rows)


def test_second_run_adds_nothing(night: Night) -> None:
    assert table_counts(night.db) == night.counts_after_first
    assert sum(r["new_documents"] for r in night.second) == 0
    assert sum(r["new_versions"] for r in night.second) == 0


def test_second_run_fetches_almost_nothing(night: Night) -> None:
    """Unchanged sites: at most 10% of the first run's article pages come with a full body again."""
    first = sum(r["fetched"] for r in night.first)
    assert first >= 60
    assert sum(r["fetched"] for r in night.second) <= 0.1 * first
    reports = {r["source"]: r for r in night.second}
    assert all(r["fetched"] == 0 and r["failed"] == 0 for r in reports.values()), reports
    # movimento_demo's sitemaps listed the known pages again, left alone: old and unchanged
    assert reports["movimento_demo"]["not_due"] >= 30, reports
    # kprf_demo's REST API listed only what changed since its cursor (nothing new), its sitemaps
    # were left out (read completely the night before)
    assert 1 <= reports["kprf_demo"]["not_due"] <= 3, reports


def test_every_response_is_archived(night: Night) -> None:
    rows = query(night, "select count(*), count(warc_file) from fetches where status is not null")
    answered, archived = rows[0]
    assert answered > 0 and answered == archived
    for key in night.sites:
        assert list((night.data_dir / "raw" / key).glob("*/crawl*.warc.gz"))


def test_trawl_sql_prints_a_table(night: Night) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "sql",
            "select source, count(*) from articles group by 1 order by 1",
            "--db",
            str(night.db),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "120"},
    ).stdout
    assert "kprf_demo" in out and "movimento_demo" in out and "┃" in out


def test_images_carry_the_largest_candidate_alt_and_caption(night: Night) -> None:
    import json

    rows = query(night, "select unnest(urls), images, markdown, text from articles")
    by_url = {url: (json.loads(images), md, text) for url, images, md, text in rows}
    checked = 0
    for key, site in night.sites.items():
        base = night.server.urls[key].rstrip("/")
        for a in site.articles:
            images, markdown, text = by_url[page_url(night, key, a.path)]
            expected = [{"url": base + i.src, "alt": i.alt, "caption": i.caption} for i in a.images]
            if a.republished_key:
                continue  # its document is the first copy's
            assert images == expected, a.path
            for image in a.images:
                assert base + image.src in markdown
                assert not image.caption or image.caption not in text, f"caption in the text of {a.path}"
            checked += len(expected)
    assert checked >= 10


def test_metadata_fields_and_their_provenance(night: Night) -> None:
    import json

    rows = query(night, "select url, categories, tags, modified_at, canonical_url, site_name, provenance from articles")
    by_url = {row[0]: row[1:] for row in rows}
    for key, site in night.sites.items():
        for a in site.articles:
            if page_url(night, key, a.path) not in by_url:
                continue
            categories, tags, modified, canonical, site_name, provenance = by_url[page_url(night, key, a.path)]
            assert (categories, tags) == (list(a.categories), list(a.tags)), a.path
            assert modified == (a.modified or a.published), a.path
            assert canonical == page_url(night, key, a.path)
            assert site_name == site.name
            signals = json.loads(provenance)
            for field in ("title", "authors", "published_at", "language", "categories", "tags", "canonical_url"):
                assert signals.get(field), (a.path, field)


def test_every_current_page_is_cleaned_with_its_sources_latest_boilerplate(night: Night) -> None:
    rows = query(
        night,
        """select p.source, count(*) filter (where p.cleaning_version is distinct from r.cleaning_version)
        from page_cleaning as p
        inner join run_sources as r on r.source = p.source
        where r.run_id = (select max(run_id) from run_sources)
        group by 1 order by 1""",
    )
    assert rows == [("kprf_demo", 0), ("movimento_demo", 0)]
    discards = query(night, "select count(*), count(text) from discards")
    assert discards[0][0] > 0 and discards[0][0] == discards[0][1]
