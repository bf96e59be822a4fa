"""The nightly flow with [warehouse] catalog: the demo sites loaded into the run's file, published to a
DuckLake (SQLite catalog), and the lake's search file rebuilt; a second night lands no document twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly
from warehouse.db import connect
from warehouse.lake.catalog import lake_of
from warehouse.lake.connect import connect_lake
from warehouse.search import search


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_nightly_publishes_each_load_to_the_lake(prefect_harness: None, tmp_path: Path) -> None:
    catalog, data, index = tmp_path / "catalog.sqlite", tmp_path / "lake", tmp_path / "lake-search.duckdb"
    sources = tmp_path / "sources.toml"
    sources.write_text(
        DEMO_SOURCES.read_text(encoding="utf-8")
        + f'\n[warehouse]\ncatalog = "sqlite:{catalog}"\ndata_path = "{data}"\nsearch_index = "{index}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "staging.duckdb"
    with demo_sites():
        nightly(sources_file=str(sources), db=str(db), data_dir=str(tmp_path / "data"))
        local = duckdb.connect(str(db), read_only=True)
        try:
            articles, documents = (
                count(local, "select count(*) from articles"),
                count(local, "select count(*) from documents"),
            )
            versions = count(local, "select count(*) from page_versions")
        finally:
            local.close()
        assert articles > 60
        lake = connect_lake(lake_of(f"sqlite:{catalog}", None), read_only=True)
        try:
            assert count(lake, "select count(*) from lake.articles") == articles
            assert count(lake, "select count(*) from lake.landed.documents") == documents
            assert count(lake, "select count(*) from lake.page_versions") == versions
            assert count(lake, "select count(*) from lake.landed.lake_batches") == 2  # one per source
            republished = lake.execute("select len(sources) from lake.articles where len(sources) > 1").fetchall()
            assert republished == [(2,)]  # the article both demo sites carry: one document, both sources
        finally:
            lake.close()
        nightly(sources_file=str(sources), db=str(db), data_dir=str(tmp_path / "data"))
    lake = connect_lake(lake_of(f"sqlite:{catalog}", None), read_only=True)
    try:
        assert count(lake, "select count(*) from lake.landed.lake_batches") == 4
        assert count(lake, "select count(*) from lake.landed.documents") == documents  # nothing landed twice
        assert count(lake, "select count(*) from lake.articles") == articles
        assert count(lake, "select count(*) from lake.run_sources") == 4
    finally:
        lake.close()
    con = connect(index, read_only=True)
    try:
        assert count(con, "select count(*) from articles") == articles
        assert count(con, "select count(*) from search_docs") == documents
        word = con.execute("select title from articles where language = 'pt' order by doc_id limit 1").fetchone()
        assert word is not None
        assert search(con, str(word[0]).split()[0], language="pt")
    finally:
        con.close()


pytestmark = pytest.mark.timeout(600)
