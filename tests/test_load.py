"""The loader on a real DuckDB file: idempotent, deduplicating, versioning, migrations recorded."""

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from transforms.records import Article, Discard
from warehouse.db import applied, connect, migrate, migrations
from warehouse.load import SourceBatch, load_batch

CTA = "Subscribe to our Telegram bot to get the news first!"


def articles(site: str, n: int, extra: str = "") -> list[Article]:
    return [
        Article(
            url=f"http://{site}/post-{i}/",
            title=f"Post {i}",
            text=f"Paragraph one of post {i} on {site}.\nParagraph two, number {i * 13}.{extra}\n{CTA}",
            markdown=f"Paragraph one of post {i} on {site}.\n\nParagraph two, number {i * 13}.{extra}\n\n*{CTA}*",
        )
        for i in range(n)
    ]


def fetch_rows(items: list[Article]) -> list[dict[str, object]]:
    return [{"url": a.url, "role": "article", "status": 200, "fetched_at": "2026-11-01T02:00:00+00:00"} for a in items]


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_migrations_are_recorded_and_not_reapplied(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    con = connect(db)
    assert applied(con) == {m.version for m in migrations()}
    assert count(con, "select count(*) from schema_migrations") == len(migrations())


def test_load_strips_boilerplate_dedups_and_is_idempotent(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    items = articles("a.example", 12)
    copy = Article(url="http://a.example/copy/", title="Post 0", text=items[0].text, markdown=items[0].markdown)
    batch = SourceBatch("run1", "a", fetch_rows(items), [*items, copy, Discard("http://a.example/x/", "too_short")])
    report = load_batch(con, batch)
    assert (report.new_documents, report.duplicates, report.discarded) == (12, 1, 1)
    assert report.boilerplate_removed == 13
    assert count(con, "select count(*) from articles") == 12
    assert count(con, f"select count(*) from articles where text like '%{CTA[:20]}%'") == 0
    assert count(con, f"select count(*) from articles where markdown like '%{CTA[:20]}%'") == 0
    assert count(con, "select max(len(urls)) from articles") == 2
    assert count(con, "select count(*) from boilerplate where source = 'a'") == 1

    tables = ("documents", "page_versions", "fetches", "extractions", "discards", "line_counts", "boilerplate_lines")
    before = {t: count(con, f"select count(*) from {t}") for t in tables}
    line_total = count(con, "select sum(doc_count) from line_counts")
    again = load_batch(con, batch)
    assert again.new_documents == 0 and again.new_versions == 0
    assert {t: count(con, f"select count(*) from {t}") for t in tables} == before
    assert count(con, "select sum(doc_count) from line_counts") == line_total
    assert before["documents"] == 12 and before["page_versions"] == 13


def test_same_text_on_two_sources_is_one_document_with_both_urls(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    shared = "A joint statement of the left forces.\nSigned by many organizations."
    a_items = [
        *articles("a.example", 8),
        Article(url="http://a.example/joint/", title="J", text=f"{shared}\n{CTA}", markdown=shared),
    ]
    b_items = [Article(url="http://b.example/joint/", title="J", text=shared, markdown=shared)]
    load_batch(con, SourceBatch("run1", "a", fetch_rows(a_items), list(a_items)))
    report = load_batch(con, SourceBatch("run1", "b", fetch_rows(b_items), list(b_items)))
    assert report.new_documents == 0 and report.duplicates == 1
    row = con.execute("select urls, sources from articles where title = 'J'").fetchone()
    assert row == (["http://a.example/joint/", "http://b.example/joint/"], ["a", "b"])


def test_changed_content_makes_a_new_version_and_keeps_the_old(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    items = articles("a.example", 6)
    load_batch(con, SourceBatch("run1", "a", fetch_rows(items), list(items)))
    edited = articles("a.example", 1, extra="\nA new paragraph added later.")
    report = load_batch(con, SourceBatch("run2", "a", fetch_rows(edited), list(edited)))
    # an edited page is a new version (its new text a new row of documents), not a new document
    assert report.new_versions == 1 and report.new_documents == 0
    assert count(con, "select count(*) from documents") == 7
    rows = con.execute(
        "select version, valid_to is null from page_versions where url = 'http://a.example/post-0/' order by version"
    ).fetchall()
    assert rows == [(1, False), (2, True)]
    assert count(con, "select count(*) from articles") == 6
    diff, added, removed = con.execute(
        "select diff, added, removed from version_history where url = 'http://a.example/post-0/' and version = 2"
    ).fetchone() or ("", 0, 0)
    assert (added, removed) == (1, 0)
    assert "+A new paragraph added later." in diff.splitlines()


def test_the_frontier_migration_takes_over_earlier_fetches(tmp_path: Path) -> None:
    """A warehouse loaded before the frontier existed keeps its conditional requests."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    migrate(con, before=2)
    rows = [
        ("r1", "a", "http://a/1/", "article", 200, '"e1"', "2026-10-01 02:00:00+00"),
        ("r2", "a", "http://a/1/", "article", 304, None, "2026-10-02 02:00:00+00"),
        ("r2", "a", "http://a/2/", "article", 410, None, "2026-10-02 02:00:00+00"),
        ("r2", "a", "http://a/feed/", "feed", 200, None, "2026-10-02 02:00:00+00"),
    ]
    for run_id, source, url, role, status, etag, at in rows:
        con.execute(
            "insert into fetches (run_id, source, url, role, status, etag, fetched_at) values (?, ?, ?, ?, ?, ?, ?)",
            [run_id, source, url, role, status, etag, at],
        )
    con.close()
    con = connect(db)
    got = con.execute("select url, state, last_status, etag from frontier order by url").fetchall()
    assert got == [("http://a/1/", "live", 304, '"e1"'), ("http://a/2/", "gone", 410, None)]


def test_a_loaded_report_reads_back_for_a_resumed_run(tmp_path: Path) -> None:
    from warehouse.read import loaded_reports

    con = connect(tmp_path / "w.duckdb")
    items = articles("a.example", 5)
    report = load_batch(
        con, SourceBatch("run1", "a", fetch_rows(items), [*items, Discard("http://a.example/x/", "too_short")])
    )
    (again,) = loaded_reports(con, "run1")
    assert (again.source, again.new_documents, again.discard_reasons) == ("a", 5, {"too_short": 1})
    assert {k: v for k, v in again.row().items() if k not in ("started_at", "finished_at")} == {
        k: v for k, v in report.row().items() if k not in ("started_at", "finished_at")
    }


def test_earlier_documents_are_recleaned_when_the_boilerplate_list_changes(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    early = articles("a.example", 3)  # too few documents to learn anything from
    first = load_batch(con, SourceBatch("run1", "a", fetch_rows(early), list(early)))
    assert first.boilerplate_removed == 0 and first.recleaned == 0
    assert count(con, f"select count(*) from articles where text like '%{CTA[:20]}%'") == 3

    later = [*articles("b.example", 6), Article(url="http://a.example/only-cta/", title="X", text=CTA, markdown=CTA)]
    second = load_batch(con, SourceBatch("run2", "a", fetch_rows(later), list(later)))
    assert second.recleaned == 3 and second.new_versions == 0
    assert second.cleaning_version and second.cleaning_version != first.cleaning_version
    assert count(con, f"select count(*) from articles where text like '%{CTA[:20]}%'") == 1  # never emptied
    assert count(con, f"select count(*) from articles where text = '{CTA}'") == 1
    assert count(con, "select count(*) from page_versions") == 10
    stale = "select count(*) from page_cleaning where cleaning_version <> ?"
    row = con.execute(stale, [second.cleaning_version]).fetchone()
    assert row == (0,)
    assert count(con, "select recleaned from run_sources where run_id = 'run2'") == 3

    again = load_batch(con, SourceBatch("run2", "a", fetch_rows(later), list(later)))
    assert again.recleaned == 0 and again.new_versions == 0 and again.new_documents == 0
    refetched = load_batch(con, SourceBatch("run3", "a", fetch_rows(early), list(early)))
    assert refetched.new_versions == 0 and refetched.recleaned == 0 and refetched.new_documents == 0


def test_discards_keep_their_text_and_documents_their_links(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    items = [
        Article(url="http://a.example/p/", title="P", text="Body.", markdown="Body.", links=("http://b.example/x",)),
        Discard("http://a.example/about/", "not_article", "a page", text="About us."),
    ]
    load_batch(con, SourceBatch("run1", "a", fetch_rows(items[:1]), items))
    assert con.execute("select text from discards").fetchall() == [("About us.",)]
    assert con.execute("select link, external from article_links").fetchall() == [("http://b.example/x", True)]


def test_migration_0002_applies_to_a_warehouse_with_data(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(db))
    migrate(raw, before=2)
    raw.execute("insert into discards values ('r', 's', 'http://x/', 'too_short', '')")
    raw.execute("insert into page_versions values ('s', 'http://x/', 1, 'd', now(), null, 'r', 'http://x/')")
    raw.close()
    con = connect(db)
    assert 2 in applied(con)
    assert con.execute("select raw_hash, cleaning_version from page_versions").fetchall() == [(None, None)]
    assert con.execute("select text from discards").fetchall() == [(None,)]


def _check_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute("select url, words, missing_metadata, future_dates from extractions order by url").fetchall()


def test_the_quality_columns_stored_at_load_equal_what_the_records_say(tmp_path: Path) -> None:
    """The loader's words, missing-metadata and future-date columns are what the migration that
    added them computes from the JSON records (so old and new rows agree), case by case."""
    dated = datetime(2026, 11, 1, tzinfo=UTC)
    text = "Ein Absatz über die Stadt, 2026: fünfzehn Wörter und Zahlen 3,5 % hier.\nNoch einer."
    cases = [
        Article(url="http://q.example/dated/", title="T", text=text, markdown=text, published_at=dated),
        Article(url="http://q.example/no-date/", title="T", text=text + " 1", markdown=text),
        Article(url="http://q.example/no-title/", title="", text=text + " 2", markdown=text, published_at=dated),
        Article(url="http://q.example/page/", title="About", text=text + " 3", markdown=text, doc_kind="page"),
        Article(
            url="http://q.example/future/",
            title="T",
            text="Кратко.",
            markdown="Кратко.",
            published_at=dated,
            provenance={"future_modified_at": "2031-01-01T00:00:00+00:00"},
        ),
    ]
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, SourceBatch("run1", "q", fetch_rows(cases), list(cases)))
    stored = _check_columns(con)
    assert [row[1:] for row in stored] == [
        (15, False, False),  # dated ("3,5" is two)
        (1, False, True),  # future: one word, Cyrillic
        (16, True, False),  # no-date
        (16, True, False),  # no-title
        (16, False, False),  # page: no date by nature
    ]
    update = next(m.sql for m in migrations() if m.version == 11)
    con.execute(update[update.index("update extractions") :])  # the backfill, over the same rows
    assert _check_columns(con) == stored


def test_migration_0011_fills_the_quality_columns_of_older_extractions(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(db))
    migrate(raw, before=11)
    record = '{"text": "one two three", "title": "", "doc_kind": "article", "provenance": {}}'
    raw.execute("insert into extractions values ('s', 'http://x/', 'h', 'r', now(), ?)", [record])
    raw.close()
    con = connect(db)
    assert 11 in applied(con)
    assert _check_columns(con) == [("http://x/", 3, True, False)]


def test_the_manifest_fields_the_loader_leaves_out_are_no_fetches_columns(tmp_path: Path) -> None:
    from flows.pipeline import NOT_LOADED
    from warehouse.rows import table_schema

    con = connect(tmp_path / "w.duckdb")
    try:
        columns = set(table_schema(con, "fetches").names)
    finally:
        con.close()
    assert columns and not NOT_LOADED & columns
