"""The loader in bounded steps: the same warehouse whatever the step size, and a load killed
between two steps is completed by loading the batch again, with the report of one whole load.

The kill is a real SIGKILL of a loader process at the fault point ``load:after-step-<i>``
(``warehouse/faultpoint.py``); the records are read from a real ``extracted.jsonl`` a chunk at a
time (``flows.extract.ExtractedFile``), on a real DuckDB file.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

import warehouse.load
from flows.extract import ExtractedFile
from transforms.records import Article, Discard
from transforms.serialize import to_dict
from warehouse.db import connect
from warehouse.faultpoint import PAUSE_AT, PAUSE_MARKER
from warehouse.load import LoadReport, SourceBatch, Step, load_batch

ROOT = Path(__file__).resolve().parents[1]
CTA = "Follow our channel to get every statement of the committee first."
COUNTERS = ("extracted", "discarded", "new_documents", "duplicates", "new_versions", "boilerplate_removed")
COUNTERS += ("dates_rejected", "discard_reasons", "fetched", "failed", "status")
LOADER = """
import json, sys
from pathlib import Path
from flows.extract import ExtractedFile
from warehouse.db import connect
from warehouse.load import SourceBatch, load_batch
fetches = json.loads(Path(sys.argv[2]).read_text())
load_batch(connect(sys.argv[1]), SourceBatch("run1", "site", fetches, ExtractedFile(Path(sys.argv[3]))), chunk=4)
"""


def records() -> list[Article | Discard]:
    """22 posts with the site's call to action, a discard, a rejected date, and (in the last
    chunk) a second URL of the first post's text: a duplicate across steps."""
    posts: list[Article | Discard] = [
        Article(
            url=f"http://site.example/{i:02d}/",
            title=f"Statement {i}",
            text=f"The committee met on day {i} of the campaign.\nIt decided {i * 7} things about district {i}.\n{CTA}",
            markdown=f"The committee met on day {i} of the campaign.\n\nIt decided {i * 7} things.\n\n{CTA}",
            date_issues=("published_at 0001-01-01 (json-ld): before the floor",) if i == 5 else (),
        )
        for i in range(22)
    ]
    posts.insert(9, Discard("http://site.example/gallery/", "too_short", "31 characters", "A gallery."))
    first = posts[0]
    assert isinstance(first, Article)
    posts.append(Article(url="http://site.example/copy/", title="Copy", text=first.text, markdown=first.markdown))
    return posts


def write_batch(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    extracted, fetches = folder / "extracted.jsonl", folder / "fetches.json"
    rows = records()
    extracted.write_text("".join(json.dumps(to_dict(r), ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    stamp = datetime(2026, 11, 1, 2, tzinfo=UTC).isoformat()
    fetched = [{"url": r.url, "role": "article", "status": 200, "fetched_at": stamp} for r in rows]
    fetches.write_text(json.dumps(fetched), encoding="utf-8")
    return extracted, fetches


def load(db: Path, folder: Path, chunk: int) -> LoadReport:
    extracted, fetches = write_batch(folder)
    con = connect(db)
    try:
        batch = SourceBatch("run1", "site", json.loads(fetches.read_text()), ExtractedFile(extracted))
        return load_batch(con, batch, chunk=chunk)
    finally:
        con.close()


def state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table the load writes, without its clocks."""
    queries = {
        "documents": "select doc_id, text, markdown from documents",
        "versions": "select url, version, doc_id, raw_hash, cleaning_version, valid_to is null from page_versions",
        "frontier": "select url, state, content_hash, page_url from frontier",
        "extractions": "select url, raw_hash from extractions",
        "line_counts": "select line, doc_count from line_counts",
        "boilerplate": "select line from boilerplate_lines",
        "drops": "select stage, reason, url, detail from drops",
        "fetches": "select url, status from fetches",
        "progress": "select step from load_progress",
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: sorted(con.execute(sql).fetchall()) for name, sql in queries.items()}
    finally:
        con.close()


def report_row(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = ", ".join(COUNTERS)
        row = con.execute(f"select {names} from run_sources where run_id = 'run1' and source = 'site'").fetchone()
    finally:
        con.close()
    assert row is not None
    return dict(zip(COUNTERS, row, strict=True))


def test_small_steps_load_the_same_warehouse_as_one_step(tmp_path: Path) -> None:
    whole = load(tmp_path / "whole.duckdb", tmp_path / "a", chunk=1000)
    steps = load(tmp_path / "steps.duckdb", tmp_path / "b", chunk=4)
    assert (whole.new_documents, whole.duplicates, whole.discarded, whole.extracted) == (22, 1, 1, 23)
    assert whole.dates_rejected == 1 and whole.discard_reasons == {"too_short": 1}
    assert whole.boilerplate_removed == 23  # the call to action, learned over every step's lines
    assert {name: getattr(steps, name) for name in COUNTERS} == {name: getattr(whole, name) for name in COUNTERS}
    assert state(tmp_path / "steps.duckdb") == state(tmp_path / "whole.duckdb")
    assert state(tmp_path / "whole.duckdb")["progress"] == []


def test_a_load_killed_between_steps_is_completed_by_the_next_load(tmp_path: Path) -> None:
    expected_db = tmp_path / "whole.duckdb"
    load(expected_db, tmp_path / "a", chunk=1000)
    db, marker = tmp_path / "killed.duckdb", tmp_path / "paused"
    extracted, fetches = write_batch(tmp_path / "b")
    env = {k: v for k, v in os.environ.items()} | {PAUSE_AT: "load:after-step-2", PAUSE_MARKER: str(marker)}
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db), str(fetches), str(extracted)], env=env, cwd=ROOT, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and loader.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists(), f"the loader never reached its pause point (exit {loader.poll()})"
    os.killpg(loader.pid, signal.SIGKILL)
    loader.wait(timeout=30)

    half = state(db)
    assert len(half["progress"]) == 3  # steps 0, 1 and 2 committed, each with its record
    assert 0 < len({row[2] for row in half["versions"]}) < 22 and half["fetches"] == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from run_sources").fetchone() == (0,)  # no report of a half load
    con.close()

    again = load(db, tmp_path / "b", chunk=4)  # the next run loads the same crawl again
    assert state(db) == state(expected_db)
    assert report_row(db) == report_row(expected_db)
    assert (again.new_documents, again.duplicates, again.discarded) == (22, 1, 1)


def test_a_step_that_needs_more_memory_than_its_limit_runs_again_under_a_bigger_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected_db = tmp_path / "whole.duckdb"
    load(expected_db, tmp_path / "a", chunk=1000)
    extracted, fetches = write_batch(tmp_path / "b")
    ran: list[str] = []  # the count and load steps as they were run, tries included
    count, load_chunk = warehouse.load._count, warehouse.load._load_chunk

    def counting(*args: Any) -> None:
        ran.append("count")
        count(*args)

    def loading(*args: Any) -> Step:
        ran.append("load")
        return load_chunk(*args)

    monkeypatch.setattr(warehouse.load, "_count", counting)
    monkeypatch.setattr(warehouse.load, "_load_chunk", loading)
    db = tmp_path / "tight.duckdb"
    con = connect(db)
    try:
        batch = SourceBatch("run1", "site", json.loads(fetches.read_text()), ExtractedFile(extracted))
        with caplog.at_level(logging.WARNING, logger="warehouse.db"):
            report = load_batch(con, batch, chunk=4, memory="16MB")
    finally:
        con.close()
    again = [r.getMessage() for r in caplog.records if "running it again" in r.getMessage()]
    assert again and "needed more than 16MB for " in again[0]  # the limit was hit
    assert " step " in again[0] and again[0].endswith("running it again with 64MB")  # not at once without one
    # only the step that hit the limit ran twice; the raised limit held for the steps after it
    assert sum("more than 16MB" in m for m in again) == 1
    tries = Counter(m.split(" for ")[1].split()[0] for m in again)
    assert Counter(ran) == Counter(count=6 + tries["count"], load=6 + tries["load"])
    assert (report.new_documents, report.duplicates, report.discarded) == (22, 1, 1)
    assert state(db) == state(expected_db) and report_row(db) == report_row(expected_db)
