"""Widget lines inside <main>: learned from the pages' HTML, stripped from short posts too.

The movimento demo theme puts a block area inside ``<main>`` right after the post (a podcast
teaser, the latest edition's cover caption, the tagline). trafilatura takes those lines into the
text of the site's short posts only, too few for the line counts over extracted texts to learn
them; the blocks repeated across the pages' HTML (``transforms.structure``) are. A real crawl of
the demo site on loopback, a real flow run, a real DuckDB file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from demo.sites import MOV_MAIN_WIDGETS, DemoSite, build_sites
from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly

SOURCE = "movimento_demo"


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, DemoSite]]:
    base = tmp_path_factory.mktemp("structure")
    db = base / "trawl.duckdb"
    with demo_sites():
        nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(base / "data"), only=[SOURCE])
    yield db, build_sites()[SOURCE]


def test_the_demo_site_has_short_posts() -> None:
    site = build_sites()[SOURCE]
    short = [a for a in site.articles if 10 <= sum(len(p.split()) for p in a.paragraphs) <= 40]
    assert len(short) >= 3


def test_no_widget_line_in_any_stored_text(loaded: tuple[Path, DemoSite]) -> None:
    db, _ = loaded
    texts = _rows(db, "select url, text, markdown from articles")
    leaked = [(url, line) for url, text, md in texts for line in MOV_MAIN_WIDGETS if line in text or line in md]
    assert leaked == [], f"{len(leaked)} widget line(s) in stored texts: {leaked[:5]}"


def test_every_post_is_one_article(loaded: tuple[Path, DemoSite]) -> None:
    db, site = loaded
    assert _rows(db, "select count(*) from articles") == [(len(site.articles),)]


def test_short_posts_keep_their_own_text(loaded: tuple[Path, DemoSite]) -> None:
    db, site = loaded
    texts = [text for (text,) in _rows(db, "select text from articles")]
    short = [a for a in site.articles if sum(len(p.split()) for p in a.paragraphs) <= 40]
    for post in short:
        assert any(" ".join(post.paragraphs[0].split()) in text for text in texts), post.key
