"""`reextract` rebuilds documents from the WARC archive after a cleaner change, without touching the sites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

import warehouse.load
from flows.demo import DEMO_SOURCES, demo_sites, write_sources
from flows.nightly import nightly
from flows.reextract import reextract
from transforms.boilerplate import CLEANER_VERSION, Boilerplate


def old_cleaner(source: str, counts: Any, documents: int, *args: Any) -> Boilerplate:
    """The cleaner before site-boilerplate learning: it removes nothing."""
    return Boilerplate(source, documents, {})


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_reextract_rebuilds_changed_documents_from_the_archive_only(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, data_dir = tmp_path / "w.duckdb", tmp_path / "data"
    with demo_sites() as server:
        with monkeypatch.context() as old:  # the warehouse as an older cleaner left it
            old.setattr(warehouse.load, "learn", old_cleaner)
            nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(data_dir))
        kprf = server.sites["kprf_demo"]
        cta = kprf.boilerplate[0]
        polluted = rows(db, "select count(*) from articles where source = 'kprf_demo' and contains(text, ?)", [cta])
        assert polluted == [(len(kprf.articles),)]  # the Telegram call-to-action is in every KPRF post
        requests_before = server.requests.count()
        sources_file = write_sources(server.urls, tmp_path)  # the same sources, URLs written in

        state = reextract(
            sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(data_dir), return_state=True
        )  # the current cleaner

        assert server.requests.count() == requests_before  # not one request to the sites
    assert state.is_completed(), state.message
    summaries = {s["source"]: s for s in state.result()}
    assert summaries["kprf_demo"]["changed"] == len(kprf.articles)
    assert summaries["movimento_demo"]["changed"] == 0
    assert summaries["kprf_demo"]["fields"]["text"] == len(kprf.articles)
    assert state.message == f"{len(kprf.articles)} document(s) changed in 2 source(s)"
    # the documents are clean now, and the article republished on both sites is one document again
    assert rows(db, "select count(*) from articles where contains(text, ?)", [cta]) == [(0,)]
    sites = server.sites
    (total,) = rows(db, "select count(*) from articles")[0]
    assert total == len(sites["kprf_demo"].articles) + len(sites["movimento_demo"].articles) - 1
    # the changes are recorded page by page; the old documents stay queryable
    changes = rows(db, "select url, old_doc_id, new_doc_id, changed_fields from document_changes")
    assert len(changes) == len(kprf.articles)
    assert all(old and new and old != new and {"text", "markdown"} <= set(fields) for _, old, new, fields in changes)
    old_ids = [old for _, old, _, _ in changes]
    assert rows(db, "select count(*) from documents where list_contains(?, doc_id)", [old_ids]) == [(len(old_ids),)]
    assert rows(db, "select source, cleaner_version, changed from rebuilds order by source") == [
        ("kprf_demo", CLEANER_VERSION, len(kprf.articles)),
        ("movimento_demo", CLEANER_VERSION, 0),
    ]
    # a second rebuild with the same code changes nothing
    again = reextract(sources_file=str(sources_file), db=str(db), data_dir=str(data_dir), source="kprf_demo")
    assert again == [
        {"source": "kprf_demo", "pages": len(kprf.articles) + 2, "changed": 0, "new_pages": 0, "fields": {}}
    ]


def test_reextract_takes_its_sources_from_the_sources_file(tmp_path: Path) -> None:
    """Crawled sources still in the file are rebuilt; a crawled one removed from the file is named in the error."""
    from flows.reextract import configured_sources
    from flows.sources import SourcesError
    from warehouse.db import connect, migrate

    db = tmp_path / "w.duckdb"
    con = connect(db)
    migrate(con)
    for key in ("kept", "gone"):
        con.execute("insert into sources values (?, ?, ?, null, '{}', now())", [key, key, f"https://{key}.example/"])
    con.close()
    sources_file = tmp_path / "sources.toml"
    sources_file.write_text(
        '[sources.kept]\nurl = "https://kept.example/"\n\n[sources.never]\nurl = "https://never.example/"\n'
    )

    assert [s.key for s in configured_sources(sources_file, db, None)] == ["kept"]  # never crawled: no archive
    assert [s.key for s in configured_sources(sources_file, db, "kept")] == ["kept"]
    with pytest.raises(SourcesError, match=r"source 'gone' was crawled into .* but is no longer in the sources file"):
        configured_sources(sources_file, db, "gone")
    with pytest.raises(SourcesError, match=r"no source named unknown"):
        configured_sources(sources_file, db, "unknown")
