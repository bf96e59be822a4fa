"""A run killed with SIGKILL (mid-crawl, mid-load) is completed by the next run: same warehouse, nothing refetched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from demo.server import DemoServer
from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly
from spiders.folder import CrawlFolder

ROOT = Path(__file__).resolve().parents[1]
# the warehouse's content, without run ids and load times
CONTENT = {
    "documents": "select * exclude (first_seen_at, first_run_id) from documents",
    "page_versions": "select source, url, version, doc_id, valid_to is null, fetched_url from page_versions",
    "extractions": "select source, url, raw_hash from extractions",
    "discards": "select source, url, reason, detail from discards",
    "line_counts": "select source, line_hash, line, doc_count from line_counts",
    "boilerplate_lines": "select source, line_hash, doc_count, documents from boilerplate_lines",
    "frontier": "select source, url, state, page_url, listed, lastmod, lastmod_via, published_at, last_status,"
    " etag, last_modified, content_hash, failures, unchanged from frontier",
    "rest_terms": "select source, kind, id, name from rest_terms",
    "article_fetches": "select source, url, status from fetches where role = 'article'",
    "run_sources": "select source, status, discovered, fetched, not_modified, failed, extracted, discarded,"
    " new_documents, duplicates, new_versions, boilerplate_removed, gone from run_sources",
}


def content(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: sorted(repr(row) for row in con.execute(sql).fetchall()) for name, sql in CONTENT.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with demo_sites() as running:  # one server: the same URLs in every warehouse of this module
        yield running


@pytest.fixture(scope="module")
def reference(prefect_harness: None, server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("uninterrupted")
    nightly(sources_file=str(DEMO_SOURCES), db=str(base / "w.duckdb"), data_dir=str(base))
    return content(base / "w.duckdb")


def start_child(code: str, tmp: Path) -> subprocess.Popen[str]:
    """A Python process (with its crawl subprocesses and its own temporary Prefect API) in its own
    process group. (tests/test_kill_anywhere.py kills the real CLI with one shared PREFECT_HOME.)"""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {
        "PREFECT_HOME": str(tmp / "prefect-home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PYTHONUNBUFFERED": "1",
    }
    script = tmp / "child.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the whole process group: the flow and its Scrapy subprocesses, as a crash or a reboot would."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def archived_articles(data_dir: Path) -> set[str]:
    return {
        row["url"]
        for manifest in data_dir.glob("raw/*/*/manifest.jsonl")
        for row in CrawlFolder(manifest.parent).manifest_rows()
        if row["role"] == "article" and row["status"] == 200
    }


def test_killed_mid_crawl_the_next_run_completes_it(
    reference: dict[str, Any], server: DemoServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    slow = tmp_path / "slow.toml"  # a polite crawl, so that the kill lands in the middle of it
    slow.write_text(DEMO_SOURCES.read_text().replace("polite = false,", "download_delay = 0.2,"))
    server.requests.reset()
    proc = start_child(
        f"""
        from flows.nightly import nightly
        if __name__ == "__main__":
            nightly(sources_file={str(slow)!r}, db={str(db)!r}, data_dir={str(tmp_path)!r})
        """,
        tmp_path,
    )
    deadline = time.monotonic() + 300
    while server.requests.count(site="kprf_demo", path_prefix="/20", status=200) < 8:
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.05)
    kill(proc)
    before = archived_articles(tmp_path)
    assert 0 < len(before) < 60, "killed in the middle of the crawl"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select status from runs").fetchall() == [("running",)]
    assert con.execute("select count(*) from documents").fetchone() == (0,)
    con.close()

    server.requests.reset()
    reports = nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(tmp_path))
    assert [r["status"] for r in reports] == ["ok", "ok"]
    assert content(db) == reference
    requested = {r.path for r in server.requests.snapshot() if r.path.startswith("/20") and r.method == "GET"}
    refetched = requested & {urlsplit(u).path for u in before}
    assert not refetched, "pages archived before the kill were fetched again"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select status from runs").fetchall() == [("completed",)]  # the killed run, completed
    con.close()


def test_killed_mid_load_the_next_run_completes_it(
    reference: dict[str, Any], server: DemoServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    # the child stops inside the load transaction (fetches, extractions, line counts written, documents not yet)
    proc = start_child(
        f"""
        import time
        import warehouse.load
        from flows.demo import DEMO_SOURCES
        from flows.nightly import nightly

        def stuck(*args, **kwargs):
            print("INSIDE-LOAD", flush=True)
            time.sleep(600)

        warehouse.load._load_documents = stuck
        if __name__ == "__main__":
            nightly(sources_file=str(DEMO_SOURCES), db={str(db)!r}, data_dir={str(tmp_path)!r})
        """,
        tmp_path,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "INSIDE-LOAD" in line:
            break
    else:
        pytest.fail(f"the child ended without loading (exit {proc.wait()})")
    kill(proc)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from fetches").fetchone() == (0,)  # rolled back: nothing half-loaded
    con.close()
    archived = archived_articles(tmp_path)

    server.requests.reset()
    reports = nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(tmp_path))
    assert [r["status"] for r in reports] == ["ok", "ok"]
    assert content(db) == reference
    requested = [r.path for r in server.requests.snapshot() if r.path.startswith("/20") and r.method == "GET"]
    offered = sum(len(site.articles) + len(site.pages) for site in server.sites.values())  # posts and static pages
    assert len(archived) >= 30 and len(requested) <= offered - len(archived)
