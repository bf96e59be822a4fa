"""Fail-soft stages: a fault in one date, one field or one step costs that, with a reason, never the text
or the rest of a sitemap. Real crawls on loopback for discovery, real pages for extraction; where a library
fault cannot be provoked by markup, the library call is made to raise (fault injection) and the rest must hold."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import transforms.extract as extract_module
import transforms.metadata as metadata_module
import transforms.page_dates as page_dates_module
from flows.extract import extract_crawl, read_extracted
from spiders.folder import CrawlFolder
from transforms.extract import extract_article
from transforms.records import Article, Hints

REPO = Path(__file__).resolve().parents[1]
FETCHED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ZERO_WITH_OFFSET = "0001-01-01T00:00:00+01:00"
SLUGS = ("first", "second", "third", "fourth", "fifth")


def article_html(slug: str, extra_head: str = "", extra_body: str = "") -> str:
    body = " ".join(f"Paragraph sentence {i} of the {slug} article, long enough to be kept." for i in range(25))
    return f"""<!doctype html><html lang="en"><head><title>The {slug} article</title>
    <meta property="og:type" content="article">{extra_head}</head>
    <body><header><a href="/">Home</a></header><article><h1>The {slug} article</h1>
    <p class="date">Published 2024-06-03</p><p>{body}</p>{extra_body}</article></body></html>"""


class YearOneSitemap:
    """A site whose sitemap lists five articles; the second has a year-1 lastmod with an offset."""

    def answer(self, path: str, base: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode()
        if path == "/sitemap.xml":
            entries = "".join(
                f"<url><loc>{base}/2024/06/{slug}/</loc>"
                f"<lastmod>{ZERO_WITH_OFFSET if i == 1 else f'2024-06-0{i + 1}T10:00:00+02:00'}</lastmod></url>"
                for i, slug in enumerate(SLUGS)
            )
            body = (
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
            )
            return 200, {"Content-Type": "application/xml"}, body.encode()
        for slug in SLUGS:
            if path == f"/2024/06/{slug}/":
                return 200, {"Content-Type": "text/html; charset=utf-8"}, article_html(slug).encode()
        if path == "/":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><p>Home</p></body></html>"
        return 404, {"Content-Type": "text/html"}, b"<html><body>Not found</body></html>"


def crawl(tmp: Path, home: str, **job: Any) -> Path:
    out_dir = tmp / "out"
    spec = {
        "source": "yearone",
        "run_id": "run-1",
        "out_dir": str(out_dir),
        "home_url": home,
        "polite": False,
        "timeout": 5,
        "rest_api": False,
        "archive_pages": False,
        "allow_private_addresses": True,  # the test site is on loopback
        **job,
    }
    job_path = tmp / "job.json"
    job_path.write_text(json.dumps(spec), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "spiders.crawl", str(job_path)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out_dir


def test_a_year_one_lastmod_with_an_offset_loses_only_that_lastmod(serve: Any, tmp_path: Path) -> None:
    home = serve(YearOneSitemap())
    out_dir = crawl(tmp_path, home)
    rows = [r for r in CrawlFolder(out_dir).manifest_rows() if r["role"] == "article"]
    fetched = {r["url"] for r in rows if r["status"] == 200}
    assert fetched == {f"{home}2024/06/{slug}/" for slug in SLUGS}, "every article of the sitemap is fetched"
    records = read_extracted(extract_crawl(out_dir, workers=1, date_floor=date(1990, 1, 1)))
    articles = {r.url: r for r in records if isinstance(r, Article)}
    assert set(articles) == fetched
    second = articles[f"{home}2024/06/second/"]
    assert second.published_at == datetime(2024, 6, 3, tzinfo=UTC)  # htmldate, from the page
    assert any("sitemap:lastmod: a placeholder (year 1)" in issue for issue in second.date_issues)
    third = articles[f"{home}2024/06/third/"]
    assert third.modified_at == datetime(2024, 6, 3, 8, tzinfo=UTC) and third.date_issues == ()


# -- one field's fault costs that field -----------------------------------------------------------------


def test_malformed_image_and_link_urls_lose_only_themselves() -> None:
    extra = (
        '<figure><img src="http://[broken/a.jpg" alt="bad"></figure>'
        '<figure><img src="/img/good.jpg" alt="good"><figcaption>A good image</figcaption></figure>'
    )
    links = (
        '<p>Before the rest of the story, see <a href="http://[broken/">this page</a> and <a href="/2024/06/other/">'
        "that other long story</a>, both written by the same reporter for the same desk last week.</p>"
    )
    html = article_html("first").replace("<p>Paragraph", links + extra + "<p>Paragraph")
    result = extract_article(html, "https://news.example.com/2024/06/first/")
    assert isinstance(result, Article)
    assert "Paragraph sentence 24 of the first article" in result.text
    assert [image.url for image in result.images] == ["https://news.example.com/img/good.jpg"]
    assert result.links == ("https://news.example.com/2024/06/other/",)


def test_json_ld_fields_of_the_wrong_shape_lose_only_those_fields() -> None:
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "The first article",
            "author": [{"@id": ["not", "a", "string"]}, {"name": "Ana Silva"}],
            "datePublished": {"@value": "2024-06-01"},
            "articleSection": [["nested"], "City"],
            "keywords": 42,
        }
    )
    html = article_html("first", extra_head=f'<script type="application/ld+json">{ld}</script>')
    result = extract_article(html, "https://news.example.com/2024/06/first/", hints=Hints(fetched_at=FETCHED))
    assert isinstance(result, Article)
    assert result.authors == ("Ana Silva",)
    assert result.published_at == datetime(2024, 6, 3, tzinfo=UTC)  # not from JSON-LD: htmldate
    assert "Paragraph sentence 24" in result.text


def test_deeply_nested_json_ld_is_skipped_not_fatal() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    html = article_html("first", extra_head=f'<script type="application/ld+json">{deep}</script>')
    result = extract_article(html, "https://news.example.com/2024/06/first/")
    assert isinstance(result, Article) and "Paragraph sentence 24" in result.text


def _raise(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("injected fault")


@pytest.mark.parametrize(
    ("module", "name", "field", "lost"),
    [
        (extract_module, "detect_language", "language", lambda a: a.language is None),
        (extract_module, "index_images", "images", lambda a: True),  # it only names the captions
        (extract_module, "_body_images", "images", lambda a: a.images == ()),
        (extract_module, "body_links", "links", lambda a: a.links == ()),
        (extract_module, "find_lead", "lead", lambda a: True),
        (extract_module, "map_body", "body_map", lambda a: a.links == ()),
        (extract_module, "boilerplate_lines", "line_model", lambda a: True),
        (extract_module, "_markdown", "markdown", lambda a: a.markdown == a.text),
        (page_dates_module, "_htmldate_candidates", "published_at", lambda a: a.published_at is None),
        (page_dates_module, "settle", "dates", lambda a: a.published_at is None and a.modified_at is None),
        (metadata_module, "_microdata_authors", "authors", lambda a: a.authors == ("Rui Costa",)),
        (metadata_module, "_from_jsonld", "json-ld", lambda a: a.title == "The first article"),
        (metadata_module, "_meta", "meta", lambda a: True),
        (metadata_module, "_page_language", "page_language", lambda a: a.page_language is None),
    ],
)
def test_a_fault_in_one_step_costs_that_field_with_a_reason_never_the_text(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, field: str, lost: Any
) -> None:
    extra = (
        '<p>By <span itemprop="author">Ana Silva</span>, who wrote the first report on this matter for the'
        ' paper, with <a href="/2024/06/other/">the other story</a> of the same week.</p>'
        '<figure><img src="/img/a.jpg" alt="a"></figure>'
    )
    html = article_html("first", '<meta name="author" content="Rui Costa">').replace(
        "<p>Paragraph", extra + "<p>Paragraph"
    )
    clean = extract_article(html, "https://news.example.com/2024/06/first/", hints=Hints(fetched_at=FETCHED))
    assert isinstance(clean, Article) and not any(key.endswith("_error") for key in clean.provenance)
    assert clean.images and clean.links and clean.authors == ("Ana Silva",) and clean.published_at
    monkeypatch.setattr(module, name, _raise)
    faulty = extract_article(html, "https://news.example.com/2024/06/first/", hints=Hints(fetched_at=FETCHED))
    assert isinstance(faulty, Article)
    assert "Paragraph sentence 24 of the first article" in faulty.text
    assert faulty.provenance[f"{field}_error"].endswith("RuntimeError: injected fault")
    assert lost(faulty)
    if field in ("published_at", "modified_at"):
        assert any("not read" in issue and "injected fault" in issue for issue in faulty.date_issues)


def test_when_cleaning_leaves_under_half_trafilaturas_text_is_kept_and_the_reason_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = article_html("first")
    url = "https://news.example.com/2024/06/first/"
    normal = extract_article(html, url)
    assert isinstance(normal, Article) and "text" not in normal.provenance
    # a line model gone wrong: it judges every line boilerplate
    monkeypatch.setattr(extract_module, "boilerplate_lines", lambda features: set(features))
    kept = extract_article(html, url)
    assert isinstance(kept, Article)
    assert kept.text == normal.text
    assert kept.provenance["text"].startswith("trafilatura: the cleaned text kept 0 of its")
