"""A rebuild killed between loading its pages and writing their change records leaves no change
without its record: the load and the records are one transaction, so the kill undoes both, and
the next `trawl reextract` does the whole rebuild.

The kill is a real SIGKILL of `trawl reextract`, at the named fault point ``rebuild:after-load``
(``warehouse/faultpoint.py``): the process stops there and waits to be killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

import warehouse.load
from flows.demo import DEMO_SOURCES, demo_sites, write_sources
from flows.nightly import nightly
from transforms.boilerplate import Boilerplate
from warehouse.faultpoint import PAUSE_AT, PAUSE_MARKER

TRAWL = str(Path(sys.executable).with_name("trawl"))
ROOT = Path(__file__).resolve().parents[1]


def old_cleaner(source: str, counts: Any, documents: int, *args: Any) -> Boilerplate:
    """The cleaner before site-boilerplate learning: it removes nothing (a rebuild changes every KPRF post)."""
    return Boilerplate(source, documents, {})


def state(db: Path) -> tuple[list[tuple[Any, ...]], int, int]:
    """The current page -> document of every page, the change records, the rebuild records."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        pages = con.execute(
            "select source, url, doc_id from page_versions where valid_to is null order by all"
        ).fetchall()
        (changes,) = con.execute("select count(*) from document_changes").fetchone() or (0,)
        (rebuilds,) = con.execute("select count(*) from rebuilds").fetchone() or (0,)
    finally:
        con.close()
    return pages, int(changes), int(rebuilds)


def reextract(db: Path, sources: Path, home: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # its own temporary API
    return subprocess.Popen(
        [TRAWL, "reextract", "--sources", str(sources), "--db", str(db), "--data-dir", str(db.parent / "data")],
        env=base | {"PREFECT_HOME": str(home)} | env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_rebuild_killed_after_its_load_leaves_no_change_without_its_record(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    with demo_sites() as server:
        with monkeypatch.context() as old:  # the warehouse as an older cleaner left it
            old.setattr(warehouse.load, "learn", old_cleaner)
            nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(tmp_path / "data"))
        kprf_posts = len(server.sites["kprf_demo"].articles)
        sources = write_sources(server.urls, tmp_path)  # the same sources, URLs written in
    before = state(db)
    assert before[1:] == (0, 0)

    marker = tmp_path / "paused"
    killed = reextract(db, sources, tmp_path / "home", {PAUSE_AT: "rebuild:after-load", PAUSE_MARKER: str(marker)})
    deadline = time.monotonic() + 300
    while not marker.exists() and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert marker.exists(), (killed.communicate()[0] or b"").decode(errors="replace")[-3000:]
    os.killpg(killed.pid, signal.SIGKILL)  # the rebuild and every process it started
    killed.wait(timeout=30)

    # the rebuild's load is undone with it: the pages still point at their old documents, no record half-written
    assert state(db) == before

    done = reextract(db, sources, tmp_path / "home", {})
    output = done.communicate(timeout=600)[0].decode(errors="replace")
    assert done.returncode == 0, output[-3000:]
    pages, changes, rebuilds = state(db)
    changed = {(s, u) for s, u, d in pages} == {(s, u) for s, u, d in before[0]}
    assert changed and pages != before[0]  # the same pages, now on the rebuilt documents
    moved = len(set(pages) - set(before[0]))
    assert moved == kprf_posts and changes == moved  # every changed page has its record
    assert rebuilds == 2  # one per source
