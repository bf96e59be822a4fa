"""Full-text search on a small real warehouse: per-language stemming, accents, refresh, every word required."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from warehouse.db import connect
from warehouse.search import index_exists, refresh_search, search, sort_postings

DOCS = {
    "ru1": ("ru", "Встреча в Смоленске", "Координатор Сергей Удальцов выступил на встрече коалиции."),
    "ru2": ("ru", "Письмо", "Активисты направили письмо Удальцову и Зюганову."),
    "pt1": ("pt", "Greve", "Professores em greve pela educação pública e pelas escolas."),
    "en1": ("en", "Strike", "Teachers are striking for public education."),
    "xx1": ("sw", "Habari", "Walimu wanagoma leo."),
}


def add(con: duckdb.DuckDBPyConnection, docs: dict[str, tuple[str, str, str]]) -> None:
    rows = [
        {"doc_id": k, "language": lang, "title": title, "text": text, "url": f"https://example.org/{k}/"}
        for k, (lang, title, text) in docs.items()
    ]
    con.register("batch", pa.Table.from_pylist(rows))
    con.execute(
        "insert into documents (doc_id, content_hash, normalizer_version, title, language, text, first_source,"
        " first_url, first_seen_at, first_run_id) select doc_id, doc_id, '1', title, language, text, 'test', url,"
        " now(), 'r' from batch"
    )
    con.execute(
        "insert into page_versions by name select 'test' as source, url, 1 as version, doc_id, now() as valid_from, 'r' as run_id, url as fetched_url from batch",
    )
    con.unregister("batch")


@pytest.fixture()
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect(tmp_path / "w.duckdb")
    add(connection, DOCS)
    refresh_search(connection)
    yield connection
    connection.close()


def ids(con: duckdb.DuckDBPyConnection, q: str, **filters: str) -> set[str]:
    return {h.doc_id for h in search(con, q, **filters)}  # type: ignore[arg-type]


def test_every_configured_stemmer_exists(con: duckdb.DuckDBPyConnection) -> None:
    for language, stemmer in con.execute("select language, stemmer from search_languages").fetchall():
        assert con.execute("select stem('testing', ?)", [stemmer]).fetchone(), language


def test_russian_cases_meet_and_portuguese_accents_are_optional(con: duckdb.DuckDBPyConnection) -> None:
    for form in ("Удальцов", "Удальцова", "Удальцову", "удальцовым", "УДАЛЬЦОВЕ"):
        assert ids(con, form) == {"ru1", "ru2"}, form
    assert ids(con, "Зюганов") == {"ru2"}
    assert ids(con, "educação") == ids(con, "EDUCACAO") == {"pt1"}
    assert ids(con, "escola") == {"pt1"}
    assert ids(con, "education") == ids(con, "educational") == {"en1"}
    assert ids(con, "walimu") == {"xx1"}  # a language without a stemmer: exact words


def test_every_word_must_match_in_the_documents_language(con: duckdb.DuckDBPyConnection) -> None:
    assert ids(con, "Удальцов коалиция") == {"ru1"}
    assert ids(con, "greve teachers") == set()
    assert ids(con, "striking") == {"en1"}  # the English stem; "public" would also find "pública"
    assert ids(con, "Удальцов", language="ru") == {"ru1", "ru2"}
    assert ids(con, "Удальцов", language="pt") == set()


def test_refresh_indexes_only_new_documents(con: duckdb.DuckDBPyConnection) -> None:
    assert index_exists(con)
    assert refresh_search(con) == 0
    add(con, {"pt2": ("pt", "Educação", "Mais um texto sobre educação.")})
    assert refresh_search(con) == 1
    hits = search(con, "educacao")
    assert {h.doc_id for h in hits} == {"pt1", "pt2"}
    assert hits[0].doc_id == "pt2"  # title and text: ranked first
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


MORE = {
    f"x{i}": (
        "pt" if i % 2 else "ru",
        f"Título {i} Заголовок",
        f"Educação pública {i}. Встреча коалиции номер {i}. " * (i % 4 + 1),
    )
    for i in range(9)
}


def scores(con: duckdb.DuckDBPyConnection, q: str) -> list[tuple[str, float]]:
    return [(h.doc_id, h.score) for h in search(con, q, limit=100)]


def test_a_refresh_indexes_in_bounded_chunks_and_equals_one_whole_refresh(tmp_path: Path) -> None:
    whole, chunked = connect(tmp_path / "whole.duckdb"), connect(tmp_path / "chunked.duckdb")
    try:
        for con in (whole, chunked):
            add(con, {**DOCS, **MORE})
        assert refresh_search(whole) == len(DOCS) + len(MORE)
        assert refresh_search(chunked, chunk=2) == len(DOCS) + len(MORE)  # seven transactions
        for q in ("educação", "Встреча коалиции", "Удальцову", "título 3"):
            assert scores(chunked, q) == scores(whole, q), q
        tables = ("search_docs", "search_dict", "search_postings")
        count = "select count(*), count(distinct {}) from {}"
        for table, key in zip(tables, ("docid", "termid", "termid || '-' || docid"), strict=True):
            assert (
                chunked.execute(count.format(key, table)).fetchone()
                == whole.execute(count.format(key, table)).fetchone()
            )
    finally:
        whole.close()
        chunked.close()


def test_a_refresh_only_adds_the_new_documents_rows(con: duckdb.DuckDBPyConnection) -> None:
    before = {t: con.execute(f"select * from {t} order by all").fetchall() for t in ("search_docs", "search_postings")}
    add(con, {"pt9": ("pt", "Educação", "Greve geral de professores.")})
    assert refresh_search(con) == 1
    after = {t: con.execute(f"select * from {t} order by all").fetchall() for t in ("search_docs", "search_postings")}
    assert set(before["search_docs"]) < set(after["search_docs"]) and len(after["search_docs"]) == len(DOCS) + 1
    assert set(before["search_postings"]) < set(after["search_postings"])  # the old rows as they were
    new = {row for row in after["search_postings"] if row not in before["search_postings"]}
    (docid,) = con.execute("select docid from search_docs where doc_id = 'pt9'").fetchone()  # type: ignore[misc]
    assert {row[1] for row in new} == {docid}
    assert ids(con, "greve") == {"pt1", "pt9"}


def test_an_older_warehouses_fts_index_is_replaced(tmp_path: Path) -> None:
    con = connect(tmp_path / "old.duckdb")
    try:
        add(con, DOCS)
        con.execute("insert into search_documents select doc_id, language, title, text, now() from documents")
        con.execute(
            "pragma create_fts_index('search_documents', 'doc_id', 'title', 'body', stemmer = 'none', "
            "stopwords = 'none', ignore = '\\s+', strip_accents = 0, lower = 0, overwrite = 1)"
        )
        con.execute("delete from search_documents")  # terms computed anew below
        refresh_search(con)
        schemas = "select count(*) from information_schema.schemata where schema_name like 'fts_main_%'"
        assert con.execute(schemas).fetchone() == (0,)
        assert ids(con, "Удальцову") == {"ru1", "ru2"}
    finally:
        con.close()


def _in_term_order(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether search_postings is stored in (termid, docid) order (rowid is the storage order)."""
    rows = con.execute("select termid, docid from search_postings order by rowid").fetchall()
    return rows == sorted(rows)


def test_the_postings_are_rewritten_in_term_order_when_the_appended_part_grows(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        add(con, DOCS)
        refresh_search(con)  # the first refresh: everything appended, so everything rewritten
        assert _in_term_order(con)
        assert con.execute("select docid from search_sorted").fetchall() == [(len(DOCS),)]
        before = scores(con, "educação")
        add(con, {"pt9": ("pt", "Educação", "Mais educação.")})  # a few postings: left appended
        assert refresh_search(con) == 1
        assert con.execute("select docid from search_sorted").fetchall() == [(len(DOCS),)]
        assert not _in_term_order(con)  # the new document's terms sort between the old ones
        appended = scores(con, "educação")
        assert {d for d, _ in before} < {d for d, _ in appended}
        add(con, MORE)  # more postings than an eighth of the table
        assert refresh_search(con) == len(MORE)
        assert _in_term_order(con)
        assert con.execute("select docid from search_sorted").fetchall() == [(len(DOCS) + 1 + len(MORE),)]
        rows = con.execute("select count(*), count(distinct termid || '-' || docid) from search_postings").fetchone()
        assert rows is not None and rows[0] == rows[1]
        not_null = "select count(*) from duckdb_constraints() where table_name = 'search_postings' and constraint_type = 'NOT NULL'"
        assert con.execute(not_null).fetchone() == (3,)  # the rewritten table keeps its columns' rules
    finally:
        con.close()


def test_rewriting_the_postings_changes_no_search_result(tmp_path: Path) -> None:
    appended, rewritten = connect(tmp_path / "a.duckdb"), connect(tmp_path / "r.duckdb")
    try:
        for con in (appended, rewritten):
            add(con, {**DOCS, **MORE})
            refresh_search(con, chunk=3)
        for con in (appended, rewritten):  # the postings in no order, as if appended by many refreshes
            con.execute("create temp table shuffled as select * from search_postings order by hash(docid, termid)")
            con.execute("delete from search_postings; insert into search_postings select * from shuffled")
            con.execute("delete from search_sorted")
        assert not _in_term_order(appended)
        assert not _in_term_order(rewritten)
        assert sort_postings(rewritten) and _in_term_order(rewritten)
        assert not sort_postings(rewritten)  # nothing appended since
        for q in ("educação", "Встреча коалиции", "Удальцову", "título 3", "greve"):
            assert scores(rewritten, q) == scores(appended, q), q
    finally:
        appended.close()
        rewritten.close()


def test_the_ranked_hits_are_the_search_macros_current_articles(con: duckdb.DuckDBPyConnection) -> None:
    """The CLI's ranked query tests each hit for a current URL and the article kind itself; the
    `search` macro joins `articles`: both must find the same documents in the same order."""
    add(con, {"pt7": ("pt", "Educação", "Educação pública."), "pt8": ("pt", "Educação", "Educação e greve.")})
    add(con, {"pt6": ("pt", "Sobre", "Educação: quem somos.")})
    con.execute("update documents set kind = 'page' where doc_id = 'pt6'")  # a static page
    con.execute("update page_versions set valid_to = now() where doc_id = 'pt7'")  # no longer at any URL
    con.execute("update page_versions set source = 'other' where doc_id = 'pt8'")
    refresh_search(con)
    for q, source in (("educação", None), ("educação", "test"), ("educação", "other"), ("greve", None)):
        where = "" if source is None else f" where list_contains(sources, '{source}')"
        macro = [r[0] for r in con.execute(f"select doc_id from search('{q}'){where}").fetchall()]
        assert [h.doc_id for h in search(con, q, source=source, limit=100)] == macro, (q, source)
    assert "pt6" not in ids(con, "educação") and "pt7" not in ids(con, "educação")
    assert ids(con, "educação", source="other") == {"pt8"}
