"""The warehouse for analysts, on the demo sites: search, export, views, near-duplicates,
SQL while a load writes, quality checks on a broken source.

One module-scoped pair of real nightly runs: night 1 on healthy demo sites (its warehouse is
copied for the read-only tests), then a run on the same URLs where movimento_demo lost its
article bodies.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.dataset as pads
import pytest
from typer.testing import CliRunner

from demo.sites import DemoArticle, DemoSite, build_sites
from flows.cli import app
from flows.demo import DEMO_SOURCES, demo_sites
from flows.nightly import nightly
from transforms.minhash import DEFAULT_THRESHOLD
from transforms.records import Article
from transforms.urls import canonicalize
from warehouse.db import connect
from warehouse.load import SourceBatch, load_batch
from warehouse.neardup import index_near_duplicates
from warehouse.snapshot import publish, snapshot_path

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@dataclass
class Runs:
    night1: Path  # a copy of the warehouse after the healthy run (with its snapshot)
    broken: Path  # the warehouse after the run with movimento_demo broken
    broken_flow_run_id: str
    sites: dict[str, DemoSite]
    urls: dict[str, str]
    tmp: Path


@pytest.fixture(scope="module")
def runs(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    base = tmp_path_factory.mktemp("analyst")
    db, data = base / "trawl.duckdb", base / "data"
    with demo_sites() as server:
        urls = dict(server.urls)
        nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(data))
    night1 = base / "night1.duckdb"
    shutil.copyfile(db, night1)
    publish(night1)
    ports = {key: int(url.rsplit(":", 1)[1].strip("/")) for key, url in urls.items()}
    with demo_sites(broken=frozenset({"movimento_demo"}), ports=ports) as server:
        assert server.urls == urls, "the broken run must see the same URLs"
        # a full recrawl: the frontier would not refetch yesterday's unchanged pages tonight
        nightly(sources_file=str(DEMO_SOURCES), db=str(db), data_dir=str(data), full=True)
    con = duckdb.connect(str(db), read_only=True)
    (flow_run_id,) = con.execute("select flow_run_id from runs order by run_id desc limit 1").fetchone()  # type: ignore[misc]
    con.close()
    yield Runs(night1, db, flow_run_id, build_sites(), urls, base)


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def search_json(db: Path, *args: str) -> list[dict[str, Any]]:
    out = cli("search", *args, "--db", str(db), "--format", "jsonl")
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def url_of(runs: Runs, site: str, article: DemoArticle) -> str:
    return canonicalize(runs.urls[site].rstrip("/") + article.path)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


def articles_with(runs: Runs, site: str, pattern: str) -> set[str]:
    """URLs of the demo articles whose title or body has a word matching ``pattern`` (folded)."""
    found = set()
    for a in runs.sites[site].articles:
        words = re.findall(r"\w+", fold(" ".join((a.title, *a.paragraphs))))
        if any(re.fullmatch(pattern, w) for w in words):
            found.add(url_of(runs, site, a))
    return found


# ------------------------------------------------------------------------------- search


def test_russian_surname_is_found_in_every_case(runs: Runs) -> None:
    expected = articles_with(runs, "kprf_demo", r"удальцов(а|у|ым|е)?")
    assert expected, "the demo sites mention Удальцов"
    for form in ("Удальцов", "Удальцова", "Удальцову", "Удальцовым", "Удальцове"):
        hits = search_json(runs.night1, form)
        assert {h["url"] for h in hits} == expected, form
        assert all("**Удальцов" in h["snippet"] for h in hits), hits


def test_portuguese_query_with_and_without_accents(runs: Runs) -> None:
    expected = articles_with(runs, "movimento_demo", r"educacao|educacoes")
    assert len(expected) >= 2
    with_accents = search_json(runs.night1, "educação")
    without = search_json(runs.night1, "educacao")
    assert [h["doc_id"] for h in with_accents] == [h["doc_id"] for h in without]
    assert {h["url"] for h in with_accents} == expected
    scores = [h["score"] for h in with_accents]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    for h in with_accents:  # the snippet marks the match, unless only the title has the word
        assert re.search(r"\*\*educaç\w*\*\*", h["snippet"], re.IGNORECASE) or "educaç" in h["title"].lower(), h


def test_every_word_must_match_and_filters_apply(runs: Runs) -> None:
    both = search_json(runs.night1, "Сергей Удальцов")
    assert both and all("Удальцов" in h["snippet"] or "Сергей" in h["snippet"] for h in both)
    assert search_json(runs.night1, "Удальцов educação") == []
    assert search_json(runs.night1, "educação", "--source", "kprf_demo") == []
    assert search_json(runs.night1, "educação", "--lang", "ru") == []
    hits = search_json(runs.night1, "educação")
    dates = sorted(h["published_at"][:10] for h in hits)
    since = search_json(runs.night1, "educação", "--since", dates[-1])
    assert {h["published_at"][:10] for h in since} == {dates[-1]}
    until = search_json(runs.night1, "educação", "--until", dates[0])
    assert {h["published_at"][:10] for h in until} == {dates[0]}


def test_search_table_output_shows_source_date_title_url_and_snippet(runs: Runs) -> None:
    out = cli("search", "Удальцову", "--db", str(runs.night1))
    article = next(a for a in runs.sites["kprf_demo"].articles if "Удальцов" in " ".join(a.paragraphs))
    assert "kprf_demo" in out and f"{article.published.astimezone(UTC):%Y-%m-%d}" in out
    assert article.title[:30] in out and "Удальцов" in out and "127.0.0.1" in out


def test_search_is_one_sql_macro_scored_like_fts_bm25(runs: Runs) -> None:
    out = cli("sql", "select title, score from search('Удальцову')", "--db", str(runs.night1), "--format", "jsonl")
    assert [json.loads(line)["title"] for line in out.splitlines()] == [
        a.title for a in runs.sites["kprf_demo"].articles if "Удальцов" in " ".join(a.paragraphs)
    ]
    copy = runs.tmp / "bm25.duckdb"  # DuckDB's own fts index over the same terms, as the reference
    shutil.copyfile(runs.night1, copy)
    con = connect(copy)
    try:
        ours = dict(con.execute("select doc_id, score from search('educação')").fetchall())
        con.execute(
            "pragma create_fts_index('search_documents', 'doc_id', 'title', 'body', stemmer = 'none', "
            "stopwords = 'none', ignore = '\\s+', strip_accents = 0, lower = 0, overwrite = 1)"
        )
        theirs = dict(
            con.execute(
                "select doc_id, round(fts_main_search_documents.match_bm25(doc_id, 'pt_educaca'), 4) as s "
                "from search_documents where s is not null and doc_id in (select doc_id from articles)"
            ).fetchall()
        )
    finally:
        con.close()
    assert ours and ours == theirs


# ------------------------------------------------------------------------------- export


def test_parquet_export_reads_back_with_duckdb_and_pyarrow(runs: Runs) -> None:
    out = runs.tmp / "export"
    printed = cli("export", "--format", "parquet", "--db", str(runs.night1), "--out", str(out))
    con = duckdb.connect()
    (articles,) = duckdb.connect(str(runs.night1), read_only=True).execute("select count(*) from articles").fetchone()  # type: ignore[misc]
    assert f"wrote {articles} article(s)" in printed
    files = sorted((out / "articles").glob("source=*/month=*/*.parquet"))
    assert {f.parent.parent.name for f in files} == {"source=kprf_demo", "source=movimento_demo"}
    glob = str(out / "articles" / "**" / "*.parquet")
    assert con.execute("select count(*) from read_parquet(?, hive_partitioning = true)", [glob]).fetchone() == (
        articles,
    )
    table = pads.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == articles
    assert {"doc_id", "title", "text", "urls", "source", "month"} <= set(table.column_names)
    one = files[0]  # each file on its own is a complete Parquet file, partition columns included
    assert con.execute("select count(distinct source) from read_parquet(?)", [str(one)]).fetchone() == (1,)


def test_csv_and_jsonl_exports_and_filters(runs: Runs) -> None:
    out = runs.tmp / "export-text"
    cli("export", "--format", "csv", "--db", str(runs.night1), "--out", str(out))
    cli("export", "--format", "jsonl", "--db", str(runs.night1), "--out", str(out), "--source", "kprf_demo")
    live = duckdb.connect(str(runs.night1), read_only=True)
    (articles,) = live.execute("select count(*) from articles").fetchone()  # type: ignore[misc]
    (kprf,) = live.execute("select count(*) from articles where list_contains(sources, 'kprf_demo')").fetchone()  # type: ignore[misc]
    live.close()
    con = duckdb.connect()
    assert con.execute("select count(*) from read_csv(?)", [str(out / "articles.csv")]).fetchone() == (articles,)
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == kprf and all("kprf_demo" in json.loads(line)["sources"] for line in lines)


# ------------------------------------------------------------------------------- views


def readme_view_queries() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Views", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.DOTALL)


def test_every_readme_view_example_runs(runs: Runs) -> None:
    queries = readme_view_queries()
    views = ("articles", "versions", "daily_counts", "source_health", "duplicate_clusters", "boilerplate")
    for view in views:
        assert any(view in q for q in queries), f"README has no example for {view}"
    con = connect(runs.broken, read_only=True)
    try:
        for q in queries:
            for statement in filter(str.strip, q.split(";")):
                con.execute(statement).fetchall()
    finally:
        con.close()


def test_daily_counts_and_versions_agree_with_pages(runs: Runs) -> None:
    con = connect(runs.night1, read_only=True)
    try:
        (pages,) = con.execute(  # static pages are no articles: they are left out (issue #11)
            "select count(distinct (v.source, v.doc_id)) from page_versions as v join documents as d using (doc_id) "
            "where v.valid_to is null and d.kind = 'article'"
        ).fetchone()  # type: ignore[misc]
        assert con.execute("select sum(articles) from daily_counts").fetchone() == (pages,)
        per_source = dict(con.execute("select source, sum(articles) from daily_counts group by 1").fetchall())
        assert per_source == {k: len(s.articles) for k, s in runs.sites.items()}
        assert (
            con.execute("select count(*) from versions").fetchone()
            == con.execute("select count(*) from page_versions").fetchone()
        )
    finally:
        con.close()


def test_source_health_after_the_healthy_and_the_broken_run(runs: Runs) -> None:
    con = connect(runs.night1, read_only=True)
    healthy = {
        r[0]: r for r in con.execute("select source, fetched, failed, blocked, warnings from source_health").fetchall()
    }
    con.close()
    for key, site in runs.sites.items():
        assert healthy[key][1:] == (len(site.articles) + len(site.pages), 0, 0, [])
    con = connect(runs.broken, read_only=True)
    rows = con.execute(
        "select source, last_status, empty_or_discarded_share, days_since_new_article, warnings from source_health"
    ).fetchall()
    con.close()
    broken = {r[0]: r for r in rows}
    assert broken["movimento_demo"][2] > 0.5 and "empty_or_discarded_share" in broken["movimento_demo"][4]
    assert broken["kprf_demo"][4] == [] and broken["kprf_demo"][3] < 1


# ------------------------------------------------------------------------------- near-duplicates


def republished(runs: Runs, url: str, title: str, text: str) -> Article:
    return Article(url=url, title=title, text=text, markdown=text, language="ru", published_at=datetime.now(UTC))


def test_near_duplicates_are_matched_incrementally_and_clustered(runs: Runs) -> None:
    db = runs.tmp / "neardup.duckdb"
    shutil.copyfile(runs.night1, db)
    seed = next(a for a in runs.sites["kprf_demo"].articles if a.key == "kprf-smolensk-2023")
    body = "\n".join(seed.paragraphs)
    changed = body.replace("20 мая в Смоленске", "в субботу в Смоленске", 1)  # a changed phrase ...
    assert changed != body
    article = republished(runs, "https://mirror.example/smolensk/", "Левые силы встретились в Смоленске", changed)
    other = republished(runs, "https://mirror.example/other/", "Другое", "Совсем другой текст о погоде. " * 20)
    con = connect(db)
    try:
        (signed_before,) = con.execute("select count(*) from minhash_signatures").fetchone()  # type: ignore[misc]
        load_batch(con, SourceBatch("mirror-run", "mirror_demo", [], [article, other]))
        report = index_near_duplicates(con, run_id="mirror-run")
        assert report.documents == 2 and report.pairs == 1  # only the new documents were signed
        assert con.execute("select count(*) from minhash_signatures").fetchone() == (signed_before + 2,)
        rows = con.execute(
            "select kind, documents, sources, urls, titles, min_jaccard from duplicate_clusters order by kind"
        ).fetchall()
        pair = con.execute("select jaccard, title_a, title_b from near_duplicates").fetchall()
    finally:
        con.close()
    kinds = {r[0]: r for r in rows}
    assert set(kinds) == {"exact", "near"}
    exact = kinds["exact"]  # the TDO text republished on both demo sites
    assert exact[1:3] == (1, ["kprf_demo", "movimento_demo"]) and len(exact[3]) == 2
    near = kinds["near"]
    assert near[1:3] == (2, ["kprf_demo", "mirror_demo"])
    assert set(near[3]) == {url_of(runs, "kprf_demo", seed), article.url}
    assert set(near[4]) == {seed.title, article.title}
    assert DEFAULT_THRESHOLD <= near[5] < 1
    assert len(pair) == 1 and pair[0][0] == near[5]


# ------------------------------------------------------------------------------- concurrency


def trawl(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]


def test_sql_works_while_a_load_holds_the_warehouse(runs: Runs) -> None:
    db = runs.tmp / "concurrent.duckdb"
    shutil.copyfile(runs.night1, db)
    publish(db)
    count = "select count(*) as n from articles"
    env = {**os.environ, "COLUMNS": "120"}
    new = republished(
        runs, "https://late.example/news/", "Поздняя новость", "Новость, пришедшая во время чтения. " * 12
    )
    writer = connect(db)  # the load: this process now holds the warehouse for writing
    try:
        load_batch(writer, SourceBatch("late-run", "late_demo", [], [new]))
        probe = subprocess.run(
            [sys.executable, "-c", f"import duckdb; duckdb.connect({str(db)!r}, read_only=True)"],
            capture_output=True,
            text=True,
        )
        assert probe.returncode != 0 and "lock" in probe.stderr  # plain DuckDB readers are locked out
        during = subprocess.run(
            trawl("sql", count, "--db", str(db), "--format", "jsonl"), capture_output=True, text=True, env=env
        )
        waiting = subprocess.Popen(
            trawl("sql", count, "--db", str(db), "--format", "jsonl", "--live", "--wait", "120"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        time.sleep(2)
        assert waiting.poll() is None, "a --live reader waits while the load holds the lock"
    finally:
        writer.close()
    publish(db)
    live_out, live_err = waiting.communicate(timeout=120)
    after = subprocess.run(
        trawl("sql", count, "--db", str(db), "--format", "jsonl"), capture_output=True, text=True, env=env, check=True
    )
    assert during.returncode == 0, during.stderr
    before_n = json.loads(during.stdout)["n"]
    assert "snapshot" in during.stderr
    assert waiting.returncode == 0, live_err
    assert json.loads(live_out)["n"] == json.loads(after.stdout)["n"] == before_n + 1
    assert snapshot_path(db).exists()


# ------------------------------------------------------------------------------- quality


def test_quality_checks_flag_the_broken_source_in_the_artifact(runs: Runs) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    con = connect(runs.broken, read_only=True)
    try:
        first, last = [r[0] for r in con.execute("select run_id from runs order by run_id").fetchall()]
        warned = con.execute(
            "select distinct source from quality_checks where run_id = ? and status = 'warning'", [last]
        ).fetchall()
        assert con.execute(
            "select count(*) from quality_checks where run_id = ? and status = 'warning'", [first]
        ).fetchone() == (0,)
        assert con.execute(
            "select count(distinct check_name) from quality_checks where run_id = ?", [first]
        ).fetchone() == (7,)
    finally:
        con.close()
    assert warned == [("movimento_demo",)]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[runs.broken_flow_run_id]))
        )
    by_key = {a.key: a for a in artifacts}
    report = str(by_key["trawl-run-report"].data)
    assert "with quality warnings" in report
    warnings = report.split("## Quality warnings", 1)[1].split("##", 1)[0]
    assert "**movimento_demo**" in warnings and "empty_or_discarded_share" in warnings
    assert "kprf_demo" not in warnings
    table = by_key["trawl-quality"]
    assert "movimento_demo" in str(table.description)
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert any(r["source"] == "movimento_demo" and r["status"] == "warning" for r in rows)
