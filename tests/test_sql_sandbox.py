"""`trawl sql` is a sandbox: it queries the warehouse and nothing else.

A real warehouse (the demo sites' articles through the real loader, the fts index, the
published snapshot); every escape an analyst's query could try is run through the real CLI,
on the snapshot and on the live file (`--live`): each is refused with exit code 2 and a
message naming `trawl export`, and the warehouse and its snapshot stay byte-identical.
Ordinary queries, views, the search macro and the output formats keep working.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from demo.sites import build_sites
from flows import quick
from flows.cli import app
from transforms.records import Article
from warehouse.db import connect
from warehouse.load import SourceBatch, load_batch
from warehouse.search import refresh_search
from warehouse.snapshot import is_current, publish, snapshot_path

runner = CliRunner()


@dataclass(frozen=True)
class Warehouse:
    db: Path
    snapshot: Path
    outside: Path  # a folder with a file no query may read, and where no query may write
    articles: int


def articles() -> dict[str, list[Article]]:
    """The demo sites' articles as extraction would have found them."""
    found: dict[str, list[Article]] = {}
    for key, site in build_sites().items():
        found[key] = [
            Article(
                url=f"https://{key}.example{a.path}",
                title=a.title,
                text="\n".join(a.paragraphs),
                markdown="\n\n".join(a.paragraphs),
                authors=a.authors,
                published_at=a.published.astimezone(UTC),
                language=a.language,
            )
            for a in site.articles
        ]
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    base = tmp_path_factory.mktemp("sandbox")
    db = base / "data" / "trawl.duckdb"
    con = connect(db)
    try:
        for source, records in articles().items():
            load_batch(con, SourceBatch("run-1", source, [], list(records)))
        refresh_search(con)
        con.execute("checkpoint")
        (count,) = con.execute("select count(*) from articles").fetchone()  # type: ignore[misc]
    finally:
        con.close()
    publish(db)
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("name,value\nsecret,42\n", encoding="utf-8")
    other = duckdb.connect(str(outside / "other.duckdb"))
    other.execute("create table t as select 'other' as x")
    other.close()
    assert is_current(db) and count > 30
    return Warehouse(db, snapshot_path(db), outside, count)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def unchanged(warehouse: Warehouse) -> Iterator[None]:
    """The warehouse, its snapshot and the other folders are byte-identical after the test."""
    before = {p: digest(p) for p in (warehouse.db, warehouse.snapshot)}
    files = {d: listing(d) for d in (warehouse.db.parent, warehouse.outside)}
    yield
    assert {p: digest(p) for p in before} == before
    assert {d: listing(d) for d in files} == files
    assert is_current(warehouse.db)


def trawl_sql(warehouse: Warehouse, query: str, *options: str) -> tuple[int, str]:
    result = runner.invoke(app, ["sql", query, "--db", str(warehouse.db), *options], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def quick_sql(capsys: pytest.CaptureFixture[str], warehouse: Warehouse, query: str, *options: str) -> tuple[int, str]:
    """The same through the ``trawl`` entry point's own reading of the command line (``flows.quick``)."""
    argv = ["sql", query, "--db", str(warehouse.db), *options]
    assert quick.parse("sql", argv[1:]), argv  # read here, not handed to typer
    saved = sys.argv
    sys.argv = ["trawl", *argv]
    try:
        quick.main()
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    finally:
        sys.argv = saved
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(params=["typer", "quick"])
def run_sql(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """``trawl sql`` through the typer app and through the entry point's quick path."""
    if request.param == "typer":
        return trawl_sql
    return partial(quick_sql, capsys)


def escapes(w: Warehouse) -> list[str]:
    """Every way out a query could try: files, extensions, other databases, settings, writes."""
    out, db, snap = w.outside, w.db, w.snapshot
    return [
        # read local files
        "select * from read_csv('/etc/passwd')",
        f"select * from read_csv('{out}/secret.csv')",
        "select * from read_text('/etc/passwd')",
        "select * from read_blob('/etc/hostname')",
        "select * from glob('/root/*')",
        f"select * from glob('{out}/*')",
        f"select * from sniff_csv('{out}/secret.csv')",
        f"select * from '{out}/secret.csv'",
        f"select * from read_parquet('{out}/*.parquet')",
        f"import database '{out}'",
        # write files, the warehouse and its snapshot first
        f"copy (select 'gone' as x) to '{db}' (format csv)",
        f"copy (select 'gone' as x) to '{snap}' (format csv)",
        f"copy articles to '{out}/articles.csv'",
        f"copy (select 1) to '{out}/x.parquet' (format parquet)",
        f"export database '{out}/dump'",
        f"select 1; copy (select 2) to '{out}/second.csv'",
        # extensions
        "install httpfs",
        "load httpfs",
        "load fts",
        "force install fts",
        # other databases
        f"attach '{out}/other.duckdb' as other",
        f"attach '{out}/new.duckdb' as new",
        "attach ':memory:' as scratch",
        "detach trawl",
        # settings
        "set enable_external_access = true",
        "set lock_configuration = false",
        "set threads = 1",
        "reset threads",
        "pragma threads = 1",
        "set memory_limit = '1GB'",
        "create secret (type s3, key_id 'k', secret 's')",
        # writes
        "insert into sources (source) values ('x')",
        "delete from documents",
        "update documents set title = 'x'",
        "drop table documents",
        "create table copied as select * from documents",
        "create view v as select 1",
        "alter table documents add column x int",
        "vacuum documents",
    ]


@pytest.mark.parametrize("live", [False, True], ids=["snapshot", "live"])
def test_every_escape_is_refused_and_nothing_changes(
    warehouse: Warehouse, unchanged: None, live: bool, run_sql: Callable[..., tuple[int, str]]
) -> None:
    options = ["--live"] if live else []
    for query in escapes(warehouse):
        code, output = run_sql(warehouse, query, *options)
        assert code == 2, (query, output)
        assert "error: refused" in output, (query, output)
        assert "trawl export" in output, (query, output)
        assert "secret,42" not in output and "root:" not in output, (query, output)
    assert not (warehouse.outside / "articles.csv").exists()


def test_ordinary_queries_views_search_and_formats_still_work(
    warehouse: Warehouse, unchanged: None, run_sql: Callable[..., tuple[int, str]]
) -> None:
    code, output = run_sql(warehouse, "select count(*) as n from articles", "--format", "json")
    assert code == 0, output
    assert json.loads(output) == [{"n": warehouse.articles}]
    code, output = run_sql(warehouse, "select count(*) as n from articles", "--format", "jsonl")
    assert code == 0, output
    assert [json.loads(line) for line in output.splitlines()] == [{"n": warehouse.articles}]
    code, output = run_sql(
        warehouse, "select source, count(*) as n from articles group by 1 order by 1", "--format", "csv"
    )
    assert code == 0, output
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [r["source"] for r in rows] == ["kprf_demo", "movimento_demo"]
    assert sum(int(r["n"]) for r in rows) >= warehouse.articles
    for query in (
        "select source, language, count(*) from articles group by all order by all",
        "select * from daily_counts limit 3",
        "select * from versions limit 3",
        "select * from source_health",
        "describe articles",
        "show tables",
        "summarize select word_count from articles",
        "pivot (select source, language from articles) on language",
        "explain select * from articles",
        "with a as (select 1 as x) select * from a",
    ):
        code, output = run_sql(warehouse, query)
        assert code == 0, (query, output)
    code, output = run_sql(warehouse, "select title, url from search('educação') limit 5", "--format", "jsonl")
    assert code == 0, output
    hits = [json.loads(line) for line in output.splitlines()]
    assert hits and all("movimento_demo" in h["url"] for h in hits)
    code, output = run_sql(warehouse, "select count(*) as n from articles", "--live", "--format", "csv")
    assert code == 0 and output.splitlines() == ["n", str(warehouse.articles)], output


def test_trawl_search_and_history_run_locked_down(warehouse: Warehouse, unchanged: None) -> None:
    result = runner.invoke(app, ["search", "educação", "--db", str(warehouse.db), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["source"] for line in result.output.splitlines()][:1] == ["movimento_demo"]
    code, output = trawl_sql(warehouse, "select url from articles limit 1", "--format", "csv")
    assert code == 0, output
    url = output.splitlines()[1]
    result = runner.invoke(app, ["history", url, "--db", str(warehouse.db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output


def test_a_syntax_error_is_an_error_not_a_refusal(warehouse: Warehouse, unchanged: None) -> None:
    code, output = trawl_sql(warehouse, "selec 1")
    assert code == 2 and "error:" in output and "refused" not in output
    assert "Traceback" not in output


def test_export_still_writes_files(warehouse: Warehouse, tmp_path: Path, unchanged: None) -> None:
    env = {"COLUMNS": "200", "TRAWL_DATA_DIR": str(tmp_path)}
    result = runner.invoke(
        app, ["export", "--format", "csv", "--out", str(tmp_path / "x"), "--db", str(warehouse.db)], env=env
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x" / "articles.csv").stat().st_size > 1000
