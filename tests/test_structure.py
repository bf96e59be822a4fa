"""Site boilerplate learned from the pages' structure (transforms/structure.py, warehouse/structure.py)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
from lxml import html as lxml_html

from transforms.boilerplate import Boilerplate, strip
from transforms.extract import extract_article
from transforms.records import Article
from transforms.structure import (
    count_blocks,
    learn_blocks,
    page_blocks,
    structural_lines,
    text_hash,
)
from warehouse.db import connect
from warehouse.load import SourceBatch, load_batch

PODCAST = "Our podcast: every week, half an hour on the news of the world."
TAGLINE = "The magazine of the socialist left"
QUOTED = "The strike ends after forty days, with every demand of the workers met in full."


def page(n: int, words: int, quoted_aside: bool = False) -> str:
    """A post whose theme puts a block area inside <main> after the article."""
    body = " ".join(f"word{n}x{i}" for i in range(words))
    aside = f"<aside><p>{QUOTED}</p></aside>" if quoted_aside else ""
    own = f"<p>{QUOTED}</p>" if n == 0 else ""
    return f"""<html><head><title>Post {n}</title></head><body>
<header><nav><ul><li><a href="/">Home</a></li></ul></nav></header>
<main><article><h1>Post {n}</h1><p>{body}.</p>{own}</article>
<div class="after-post"><h4>Podcast</h4><p>{PODCAST}</p><p>{TAGLINE}</p></div></main>
{aside}<footer><p>© The magazine</p></footer></body></html>"""


def keys(html: str) -> tuple[str, ...]:
    return page_blocks(lxml_html.fromstring(html))


def test_blocks_are_text_and_coarse_path() -> None:
    one, two = keys(page(1, 30)), keys(page(2, 30))
    shared = set(one) & set(two)
    assert {k[:12] for k in shared} >= {text_hash(PODCAST), text_hash(TAGLINE), text_hash("Podcast")}
    assert text_hash(f"  {PODCAST.upper()} ") == text_hash(PODCAST)  # spacing and case folded
    assert keys(page(1, 30)) == one  # deterministic
    moved = (
        page(1, 30)
        .replace('<div class="after-post">', '<aside class="after-post">')
        .replace("</div></main>", "</aside></main>")
    )
    assert set(keys(moved)) != set(one)  # the same texts under another landmark are other blocks


def _learned(pages: list[tuple[tuple[str, ...], str]], n: int | None = None) -> frozenset[str]:
    counts = count_blocks(pages)
    return learn_blocks({k: (c.pages, c.body_pages) for k, c in counts.items()}, n or len(pages))


def test_learning_needs_30_percent_and_4_pages_and_no_order() -> None:
    pages = [(keys(page(i, 30)), f"word{i}x0") for i in range(10)]
    learned = _learned(pages)
    assert text_hash(PODCAST) in {k[:12] for k in learned}
    shuffled = pages[:]
    random.Random(3).shuffle(shuffled)
    assert _learned(shuffled) == learned
    assert not _learned(pages[:3])  # three pages are too few
    assert not _learned(pages[:3], 40) and not _learned(pages, 40)  # 10 of 40 pages is under 30 %
    assert _learned(pages, 33)  # 10 of 33 is over it


def test_a_line_in_the_body_of_most_pages_where_it_is_is_never_learned() -> None:
    in_body = [(keys(page(i, 30)), f"word{i}x0\n{PODCAST}") for i in range(6)]
    in_body += [(keys(page(i, 30)), f"word{i}x0") for i in range(6, 10)]
    assert text_hash(PODCAST) not in {k[:12] for k in _learned(in_body)}  # 6 of 10 bodies
    few = [(keys(page(i, 30)), f"word{i}x0\n{PODCAST}") for i in range(3)]
    few += [(keys(page(i, 30)), f"word{i}x0") for i in range(3, 10)]
    assert text_hash(PODCAST) in {k[:12] for k in _learned(few)}  # 3 of 10: the short posts


def test_strip_is_per_page_never_empties_and_keeps_an_article_quoted_elsewhere() -> None:
    pages = [(keys(page(i, 30, quoted_aside=True)), f"word{i}x0") for i in range(10)]
    learned = _learned(pages)
    model = Boilerplate("s", 10, {}, learned)
    text = f"word1x0 short post.\n{PODCAST}\n{TAGLINE}"
    markdown = f"word1x0 short post.\n\n*{PODCAST}*\n\n[{TAGLINE}](http://x/)"
    cleaned, cleaned_md, removed = strip(text, markdown, model, keys(page(1, 30, quoted_aside=True)))
    assert (cleaned, cleaned_md, removed) == ("word1x0 short post.", "word1x0 short post.", 2)
    assert strip(f"{PODCAST}\n{TAGLINE}", "", model, keys(page(1, 30)))[2] == 0  # never to nothing
    # the article quoted in every page's aside keeps the quote: its own page has it in the article too
    own = keys(page(0, 30, quoted_aside=True))
    assert text_hash(QUOTED) in {k[:12] for k in learned}
    assert text_hash(QUOTED) not in structural_lines(learned, own)
    assert strip(f"Intro.\n{QUOTED}", "", model, own)[0] == f"Intro.\n{QUOTED}"
    assert strip(f"Intro.\n{PODCAST}", "", model, ())[2] == 0  # a page without blocks: nothing by structure
    assert model.version != Boilerplate("s", 10, {}).version == Boilerplate("s", 99, {}, frozenset()).version


def test_extraction_carries_the_blocks_and_fails_soft(monkeypatch: Any) -> None:
    article = extract_article(page(1, 60), "http://s.example/1/")
    assert isinstance(article, Article) and article.blocks == keys(page(1, 60))
    import transforms.extract as extract

    def broken(tree: Any) -> tuple[str, ...]:
        raise RuntimeError("boom")

    monkeypatch.setattr(extract, "page_blocks", broken)
    article = extract_article(page(1, 60), "http://s.example/1/")
    assert isinstance(article, Article) and article.blocks == ()
    assert article.provenance["blocks_error"] == "RuntimeError: boom"


def _articles(first: int, last: int) -> list[Article]:
    out = []
    for i in range(first, last):
        short = i % 7 == 0  # 3 short posts of 20, too few for the line counts: the extractor took the block area in
        text = f"word{i}x0 " + ("short." if short else "a long post.\nIts second paragraph " + str(i))
        if short:
            text += f"\n{PODCAST}\n{TAGLINE}"
        out.append(
            Article(url=f"http://s.example/{i}/", title=f"Post {i}", text=text, markdown=text, blocks=keys(page(i, 9)))
        )
    return out


def _fetches(items: list[Article]) -> list[dict[str, object]]:
    return [{"url": a.url, "role": "article", "status": 200, "fetched_at": "2026-11-01T02:00:00+00:00"} for a in items]


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def test_load_learns_incrementally_strips_every_document_and_recleans(tmp_path: Path) -> None:
    # night 1: 3 pages (too few to learn); night 2: 17 more; the short post of night 1 is re-cleaned
    nightly = connect(tmp_path / "nightly.duckdb")
    first = load_batch(nightly, SourceBatch("run1", "s", _fetches(_articles(0, 3)), list(_articles(0, 3))))
    assert first.boilerplate_removed == 0
    assert _rows(nightly, "select count(*) from articles where text like '%podcast%'") == [(1,)]
    second = load_batch(nightly, SourceBatch("run2", "s", _fetches(_articles(3, 20)), list(_articles(3, 20))))
    assert second.boilerplate_removed == 2 * 2 and second.recleaned == 1
    assert _rows(nightly, "select count(*) from boilerplate_lines") == [(0,)]  # the line counts learn nothing
    assert _rows(nightly, "select count(*) from articles") == [(20,)]
    assert _rows(
        nightly, f"select count(*) from articles where text like '%{PODCAST[:12]}%' or text like '%{TAGLINE}%'"
    ) == [(0,)]
    assert _rows(nightly, "select count(*) from articles where text like 'word0x0 short.'") == [(1,)]
    lines = {r[0] for r in _rows(nightly, "select line from boilerplate_structure where source = 's'")}
    assert {PODCAST, TAGLINE} <= lines
    # the same pages loaded at once: the same counts and the same list (and cleaning version)
    once = connect(tmp_path / "once.duckdb")
    load_batch(once, SourceBatch("run1", "s", _fetches(_articles(0, 20)), list(_articles(0, 20))))
    sql = "select block_key, pages, body_pages, line from {} order by 1"
    for table in ("block_counts", "boilerplate_blocks"):
        assert _rows(nightly, sql.format(table)) == _rows(once, sql.format(table))
    version = "select distinct cleaning_version from page_cleaning"
    assert _rows(nightly, version) == _rows(once, version)
    # a reload changes nothing
    again = load_batch(once, SourceBatch("run2", "s", _fetches(_articles(0, 20)), list(_articles(0, 20))))
    assert (again.new_documents, again.new_versions, again.recleaned) == (0, 0, 0)
    assert _rows(once, "select count(*) from block_pages") == [(20,)]


def test_old_records_without_blocks_still_load(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    items = [replace(a, blocks=()) for a in _articles(0, 10)]
    report = load_batch(con, SourceBatch("run1", "s", _fetches(items), list(items)))
    assert report.new_documents == 10 and _rows(con, "select count(*) from boilerplate_blocks") == [(0,)]
