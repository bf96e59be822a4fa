"""The warehouse on DuckLake: real PostgreSQL and SQLite catalogs, loaders as real processes at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from lake_loader import CTA
from postgres import Cluster, cluster

from warehouse.db import connect
from warehouse.lake.catalog import Lake, lake_of
from warehouse.lake.connect import connect_lake
from warehouse.lake.index import refresh_index
from warehouse.lake.schema import ensure_schema
from warehouse.search import search

LOADER = Path(__file__).with_name("lake_loader.py")
RUN = "20261201T020000Z-abc123"


@pytest.fixture(scope="module")
def pg() -> Iterator[Cluster]:
    with cluster() as running:
        yield running


def create_lake(catalog: str, data: Path) -> Lake:
    lake = lake_of(catalog, str(data))
    con = connect_lake(lake)
    try:
        ensure_schema(con)
    finally:
        con.close()
    return lake


def loader(
    lake_args: tuple[str, Path], staging: Path, shard: str, source: str, n: int, *extra: str, **env: str
) -> subprocess.Popen[str]:
    catalog, data = lake_args
    command = [sys.executable, str(LOADER), str(staging), catalog, str(data), shard, source, RUN, str(n), *extra]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
    )


def finished(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def together(tmp_path: Path, lake_args: tuple[str, Path], jobs: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Start one loader process per job (shard, source, n), release them at once, their reports."""
    go = tmp_path / "go"
    processes = [
        loader(lake_args, tmp_path / f"{shard}.duckdb", shard, source, n, str(go)) for shard, source, n in jobs
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("go.*.ready"))) < len(jobs):
        assert time.monotonic() < deadline, "the loaders never got ready"
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes if p.poll() is not None]
        time.sleep(0.02)
    go.touch()
    return [finished(p) for p in processes]


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def check_two_shards(lake: Lake, results: list[dict[str, Any]], index: Path) -> None:
    """Shard s1 loaded source a (12 posts + the joint statement) twice, s2 source b (9 + it), at once."""
    landed = sorted(r["batch_id"] for r in results if r["landed"])
    assert landed == [f"{RUN}/a", f"{RUN}/b"]
    (rerun,) = [r for r in results if not r["landed"]]
    assert rerun["shard"] == "s1" and set(rerun["rows"].values()) == {0}
    con = connect_lake(lake, read_only=True)
    try:
        con.execute("use lake")
        assert scalar(con, "select count(*) from landed.lake_batches") == 2
        # both shards stored the joint statement as new: it landed twice, and is one document
        assert scalar(con, "select count(*) from landed.documents") == 13 + 10
        assert scalar(con, "select count(*) from documents") == 22
        assert scalar(con, "select count(*) from articles") == 22
        assert scalar(con, "select count(distinct doc_id) from articles") == 22
        assert scalar(con, "select count(*) from page_versions") == 23
        assert scalar(con, "select count(*) from landed.page_versions") == 23
        assert scalar(con, "select count(*) from fetches") == 23
        assert scalar(con, "select count(*) from landed.fetches") == 23
        assert scalar(con, "select count(*) from run_sources") == 2
        assert scalar(con, f"select count(*) from articles where text like '%{CTA[:20]}%'") == 0
        joint = con.execute(
            "select sources, len(urls), source from articles where title = 'Joint statement'"
        ).fetchall()
        first = scalar(
            con, "select batch_id from landed.documents where title = 'Joint statement' order by rowid limit 1"
        )
        assert joint == [(["a", "b"], 2, first.rsplit("/", 1)[1])]  # the copy committed first names the source
    finally:
        con.close()
    copied = refresh_index(lake, index)
    assert (copied.documents, copied.versions, copied.indexed) == (22, 23, 22)
    idx = connect(index, read_only=True)
    try:
        hits = search(idx, "joint statement budget")
        assert [
            (h.title, sorted(scalar(idx, f"select sources from articles where doc_id = '{h.doc_id}'"))) for h in hits
        ] == [("Joint statement", ["a", "b"])]
        assert sorted(h.url for h in search(idx, "paragraph number 39")) == [
            "http://a.example/post-3/",
            "http://b.example/post-3/",
        ]
    finally:
        idx.close()
    again = refresh_index(lake, index)
    assert (again.documents, again.versions, again.indexed) == (0, 23, 0)


def test_two_shards_at_once_and_a_rerun_land_once_on_postgres(pg: Cluster, tmp_path: Path) -> None:
    catalog = pg.createdb("two_shards")
    lake = create_lake(catalog, tmp_path / "data")
    results = together(tmp_path, (catalog, tmp_path / "data"), [("s1", "a", 12), ("s2", "b", 9), ("s1", "a", 12)])
    check_two_shards(lake, results, tmp_path / "search.duckdb")
    assert list((tmp_path / "data").rglob("*.parquet")), "the batches above the inlining limit are Parquet files"


def test_two_shards_at_once_and_a_rerun_land_once_on_sqlite(tmp_path: Path) -> None:
    catalog = f"sqlite:{tmp_path / 'catalog.sqlite'}"
    lake = create_lake(catalog, tmp_path / "data")
    results = together(tmp_path, (catalog, tmp_path / "data"), [("s1", "a", 12), ("s2", "b", 9), ("s1", "a", 12)])
    check_two_shards(lake, results, tmp_path / "search.duckdb")
    print("sqlite retries:", [r["retries"] for r in results])


def test_publish_killed_after_landing_lands_nothing_on_rerun(pg: Cluster, tmp_path: Path) -> None:
    catalog = pg.createdb("killed")
    lake = create_lake(catalog, tmp_path / "data")
    args = (catalog, tmp_path / "data")
    marker = tmp_path / "paused"
    staging = tmp_path / "s1.duckdb"
    first = loader(args, staging, "s1", "a", 12, TRAWL_PAUSE_AT="lake:after-land", TRAWL_PAUSE_MARKER=str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    rerun = finished(loader(args, staging, "s1", "a", 12))
    assert rerun["landed"] is False
    con = connect_lake(lake, read_only=True)
    try:
        assert scalar(con, "select count(*) from lake.landed.lake_batches") == 1
        assert scalar(con, "select count(*) from lake.landed.documents") == 13
        assert scalar(con, "select count(*) from lake.landed.page_versions") == 13
    finally:
        con.close()
    third = finished(loader(args, staging, "s1", "a", 12))
    assert third["landed"] is False and set(third["rows"].values()) == {0}  # the rerun marked the outbox sent


LOCKER = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("begin immediate")  # the write lock DuckLake's commit needs; readers still read
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
con.execute("commit")
"""


def hold_lock(catalog_file: Path, seconds: float) -> subprocess.Popen[str]:
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(catalog_file), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    return locker


def test_sqlite_lock_is_retried_and_counted(tmp_path: Path) -> None:
    file = tmp_path / "catalog.sqlite"
    lake = create_lake(f"sqlite:{file}", tmp_path / "data")
    args = (f"sqlite:{file}", tmp_path / "data")
    locker = hold_lock(file, 600.0)
    try:
        process = loader(args, tmp_path / "s1.duckdb", "s1", "a", 12)
        assert process.stderr is not None
        refusals = (line for line in process.stderr if "lake commit refused" in line)
        assert "database is locked" in next(refusals, "the loader was never refused")
    finally:
        locker.kill()  # the lock goes with its process: the next attempt commits
        locker.wait()
    result = finished(process)
    assert result["landed"] is True and result["retries"] >= 1
    con = connect_lake(lake, read_only=True)
    try:
        assert scalar(con, "select count(*) from lake.landed.lake_batches") == 1
        assert scalar(con, "select retries from lake.landed.lake_batches") == result["retries"]
        assert scalar(con, "select count(*) from lake.landed.documents") == 13
    finally:
        con.close()


def test_retries_are_bounded_and_a_refused_batch_lands_on_rerun(tmp_path: Path) -> None:
    file = tmp_path / "catalog.sqlite"
    lake = create_lake(f"sqlite:{file}", tmp_path / "data")
    args = (f"sqlite:{file}", tmp_path / "data")
    staging = tmp_path / "s1.duckdb"
    locker = hold_lock(file, 600.0)
    try:
        refused = loader(args, staging, "s1", "a", 12)
        _, err = refused.communicate(timeout=120)
    finally:
        locker.kill()
        locker.wait()
    assert refused.returncode != 0 and "the lake refused the transaction 8 times" in err
    rerun = finished(loader(args, staging, "s1", "a", 12))
    assert rerun["landed"] is True and rerun["rows"]["documents"] == 13
    con = connect_lake(lake, read_only=True)
    try:
        assert scalar(con, "select count(*) from lake.landed.lake_batches") == 1
        assert scalar(con, "select count(*) from lake.landed.documents") == 13
    finally:
        con.close()


TRAWL = Path(sys.executable).with_name("trawl")


def trawl(sources: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRAWL_SOURCES": str(sources), "COLUMNS": "200"}
    env.pop("TRAWL_DB", None)
    return subprocess.run([str(TRAWL), *argv], capture_output=True, text=True, timeout=180, check=False, env=env)


def test_trawl_sql_search_and_settle_on_the_lake(pg: Cluster, tmp_path: Path) -> None:
    catalog = pg.createdb("cli")
    sources = tmp_path / "sources.toml"
    index = tmp_path / "search.duckdb"
    sources.write_text(
        '[sources.a]\nurl = "https://a.example/"\n\n'
        f'[warehouse]\ncatalog = "{catalog}"\ndata_path = "{tmp_path / "data"}"\nsearch_index = "{index}"\n',
        encoding="utf-8",
    )
    init = trawl(sources, "lake", "init")
    assert init.returncode == 0, init.stderr
    args = (catalog, tmp_path / "data")
    finished(loader(args, tmp_path / "s1.duckdb", "s1", "a", 12))
    finished(loader(args, tmp_path / "s2.duckdb", "s2", "b", 9))

    counted = trawl(
        sources, "sql", "select count(*) as n, count(distinct doc_id) as d from articles", "--format", "csv"
    )
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.splitlines() == ["n,d", "22,22"]
    refused = trawl(sources, "sql", "select * from read_csv('/etc/passwd')")
    assert refused.returncode == 2 and "refused" in refused.stderr
    unindexed = trawl(sources, "search", "joint budget")
    assert unindexed.returncode == 2 and "`trawl lake index` builds it" in unindexed.stderr
    indexed = trawl(sources, "lake", "index")
    assert indexed.returncode == 0 and "22 new document(s), 23 page version(s), 22 indexed" in indexed.stdout, indexed
    found = trawl(sources, "search", "joint budget", "--format", "csv")
    assert found.returncode == 0 and found.stdout.count("Joint statement") == 1, found

    status = trawl(sources, "lake", "status")
    assert status.returncode == 0 and "s1" in status.stdout and "s2" in status.stdout, status
    settled = trawl(sources, "lake", "settle")
    assert settled.returncode == 0, settled.stderr
    assert "documents 1," in settled.stdout  # the joint statement's second copy
    lake = lake_of(catalog, None)
    con = connect_lake(lake, read_only=True)
    try:
        assert scalar(con, "select count(*) from lake.landed.documents") == 22
        assert scalar(con, "select count(*) from lake.articles") == 22
        assert scalar(con, "select sources from lake.articles where title = 'Joint statement'") == ["a", "b"]
    finally:
        con.close()
