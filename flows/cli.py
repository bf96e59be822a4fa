"""The ``trawl`` command line (typer): run, demo, sql, search, export, serve, sources, migrate, doctor, history."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from flows import output, settings
from flows.output import RowsFormat
from flows.sources import SourcesError, load_sources, select

# plain help (no rich markup): every default shows as written, "[default: ...]" included
app = typer.Typer(
    help="trawl: scheduled scrape-and-ingest of news sites into a DuckDB warehouse.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
# tables stay readable when printed to a pipe or a CI log (no terminal width to measure)
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file.", show_default="$TRAWL_DB, else data/trawl.duckdb"),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", help="Sources file.", show_default="$TRAWL_SOURCES, else sources.toml"),
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Archive and staging folder.", show_default="$TRAWL_DATA_DIR, else data"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.", show_default="off")]
WideOption = Annotated[
    bool,
    typer.Option(
        "--wide", help="Every column of the run table (discovery, fetch outcomes, reasons).", show_default="off"
    ),
]

T = TypeVar("T")

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]

EXAMPLE_QUERIES = (
    "select source, language, count(*) as articles from articles group by all order by all",
    "select source, title, published_at from articles order by published_at desc limit 5",
    "select title, len(urls) as copies, urls from articles where len(sources) > 1",
    "select source, title, url, provenance->>'kind' as kind_signal, word_count from pages order by source, url",
)


def print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str = "table", title: str | None = None) -> None:
    """Print rows as a table (on this CLI's console), CSV, JSON, JSON Lines or one field per line."""
    output.print_rows(console, columns, rows, fmt, title)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=output.json_default, ensure_ascii=False, indent=1) + "\n")


# the run table a terminal shows by default: (header, report column); --wide shows every column
NARROW = (
    ("source", "source"),
    ("status", "status"),
    ("new", "new_documents"),
    ("updated", "new_versions"),
    ("failed", "failed"),
    ("discarded", "discarded"),
    ("seconds", "seconds"),
)


def _seconds(report: dict[str, Any]) -> float | None:
    """Seconds from the run's start to the end of this source's load (as the run report counts them)."""
    started, finished = report.get("started_at"), report.get("finished_at")
    if isinstance(started, datetime) and isinstance(finished, datetime):
        return round((finished - started).total_seconds(), 1)
    return None


def print_reports(reports: list[dict[str, Any]], wide: bool = False) -> None:
    from flows.report import COLUMNS

    reports = [{**r, "seconds": r.get("seconds", _seconds(r))} for r in reports]
    if wide:  # the report's columns that a run's return value carries (the artifact adds the rest)
        pairs = [(c, c) for c in COLUMNS if not reports or c in reports[0]]
    else:
        pairs = [(h, c) for h, c in NARROW if not reports or c in reports[0]]
    rows = [tuple(r[c] for _, c in pairs) for r in reports]
    print_rows([h for h, _ in pairs], rows, title="Run summary")
    for r in reports:
        if r["status"] != "ok":
            reason = escape((r["error"] or "").splitlines()[0][:300]) if r["error"] else ""  # text, not markup
            err.print(f"[red]source {r['source']} {r['status']}:[/red] {reason}")


def _fail(message: str) -> None:
    """Print the message, one ``error:`` line per line of it (a problem each), and exit 2.

    The text is printed as is, never as rich markup: ``[sources.<key>]`` must not vanish.
    """
    for line in message.splitlines() or [""]:
        if line.strip():
            err.print(Text.assemble(("error: ", "red"), line), soft_wrap=True, highlight=False)
    raise typer.Exit(2)


def _usable_warehouse(db: Path | None, data_dir: Path | None) -> None:
    """Stop before a run starts when its warehouse file is there but DuckDB cannot open it."""
    from warehouse.db import WarehouseUnreadable, check_readable

    try:
        check_readable(settings.resolve_paths(db, data_dir).db)
    except WarehouseUnreadable as error:
        _fail(str(error))


# below this much free space a run cannot record its state (Prefect's database), its archive
# or its load, and used to end only as "UnfinishedRun: Run is in PENDING state"
MIN_FREE_MIB = 64


def _free_space(db: Path | None, data_dir: Path | None) -> None:
    """Stop before a run starts when the disk of its data, warehouse or Prefect home is full."""
    import shutil

    from prefect.settings import get_current_settings

    paths = settings.resolve_paths(db, data_dir)
    folders = {"data folder": paths.data_dir, "warehouse folder": paths.db.parent}
    folders["Prefect home (PREFECT_HOME)"] = Path(get_current_settings().home)
    problems = []
    for label, folder in folders.items():
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
        free = shutil.disk_usage(existing).free // 2**20
        if free < MIN_FREE_MIB:
            problems.append(f"{label} {folder}: {free} MiB free on its disk; a run needs {MIN_FREE_MIB} MiB")
    if problems:
        _fail("\n".join(problems))


@app.command()
def run(
    sources: SourcesOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only this source key (repeatable).", show_default="every source"),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Recrawl every page without conditional requests (a backfill).", show_default="off"
        ),
    ] = False,
    wide: WideOption = False,
) -> None:
    """Run the nightly job now: crawl, extract, clean, deduplicate and load (exit 1 when a source failed)."""
    path = sources or settings.default_sources_file()
    try:
        select(load_sources(path), source, path)
    except SourcesError as error:
        _fail(str(error))
    _usable_warehouse(db, data_dir)
    _free_space(db, data_dir)
    from flows.lifetime import bind_prefect_server
    from flows.nightly import nightly
    from flows.outcome import RunFailed

    bind_prefect_server()  # a killed run leaves no temporary Prefect server behind

    from flows import progress

    try:
        with progress.terminal(console):
            reports = nightly(
                sources_file=str(path),
                db=str(db) if db else None,
                data_dir=str(data_dir) if data_dir else None,
                only=source,
                full=full,
            )
    except RunFailed as failed:  # every source was loaded and reported; some failed
        print_reports(failed.reports, wide)
        raise typer.Exit(1) from None
    print_reports(cast(list[dict[str, Any]], reports), wide)  # the flow's result: its per-source reports


@app.command()
def demo(
    db: DbOption = None,
    data_dir: DataOption = None,
    wide: WideOption = False,
) -> None:
    """Serve the bundled offline demo sites on loopback and run the nightly job on them."""
    from flows.demo import run_demo
    from flows.lifetime import bind_prefect_server

    bind_prefect_server()  # a killed run leaves no temporary Prefect server behind
    from flows import progress

    paths = settings.resolve_paths(db, data_dir)
    with progress.terminal(console):
        reports = run_demo(paths)
    print_reports(reports, wide)
    con = _read_only(paths.db)
    console.print(f"\nWarehouse: [bold]{paths.db}[/bold]\n")
    for query in EXAMPLE_QUERIES:
        console.print(f'[bold]$ trawl sql "{query}"[/bold]')
        cursor = con.execute(query)
        print_rows([d[0] for d in cursor.description], cursor.fetchall())
    con.close()


LiveOption = Annotated[
    bool,
    typer.Option(
        "--live",
        help="Read the warehouse itself, waiting while a load writes it, not its snapshot.",
        show_default="off",
    ),
]
WaitOption = Annotated[float, typer.Option("--wait", help="Seconds to wait for a load to release the warehouse.")]


RowsFormatOption = Annotated[
    RowsFormat,
    typer.Option(
        "--format",
        help="How to print the rows: a table; csv; json (one array); jsonl (one object per line); "
        "line (one field per line, for wide rows).",
    ),
]
SinceOption = Annotated[
    datetime | None,
    typer.Option("--since", formats=DATE_FORMATS, help="From this date (UTC), inclusive.", show_default="no limit"),
]
UntilOption = Annotated[
    datetime | None,
    typer.Option("--until", formats=DATE_FORMATS, help="Up to this date (UTC), inclusive.", show_default="no limit"),
]


def _read_only(db: Path, live: bool = False, wait: float = 60.0) -> Any:
    """A read-only connection: the published snapshot, or the warehouse itself (see warehouse/snapshot.py)."""
    from warehouse.db import WarehouseUnreadable
    from warehouse.snapshot import WarehouseBusy, is_current, open_reader

    if not db.exists():
        _fail(f"no warehouse at {db}: run `trawl run` or `trawl demo` first")
    try:
        con, path = open_reader(db, live=live, wait=wait)
    except (WarehouseBusy, WarehouseUnreadable) as error:
        _fail(str(error))
    if path != db and not is_current(db):
        err.print(f"[yellow]a load is writing {escape(str(db))}: reading its last published snapshot[/yellow]")
    return con


def _locked_read(db: Path | None, read: Callable[[Any], T]) -> T:
    """``read`` on the sandboxed read-only connection of the warehouse (its snapshot), closed after."""
    from warehouse.sandbox import lock_down

    con = _read_only(settings.resolve_paths(db).db)
    try:
        return read(lock_down(con))
    finally:
        con.close()


def _utc(value: datetime | None, end_of_day: bool = False) -> datetime | None:
    """A CLI date as an aware UTC datetime; an --until date covers its whole day."""
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if end_of_day and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        value += timedelta(days=1)
    return value


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run (queries only: see the README).")],
    db: DbOption = None,
    fmt: RowsFormatOption = RowsFormat.table,
    live: LiveOption = False,
    wait: WaitOption = 60.0,
) -> None:
    """Run ad-hoc SQL against the warehouse in a sandbox: it reads the warehouse and nothing else (exit 2 when
    a statement is refused or fails). No files are read or written, no extension is loaded, no other database
    attached, no setting changed: `trawl export` writes files. Works while a nightly run loads."""
    import duckdb

    from warehouse.sandbox import explain, lock_down, refusal

    con = _read_only(settings.resolve_paths(db).db, live, wait)
    try:
        lock_down(con)
        refused = refusal(con, query)
        if refused:
            _fail(refused)
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        print_rows(columns, cursor.fetchall() if columns else [], fmt)
    except duckdb.Error as error:
        _fail(explain(error))
    finally:
        con.close()


def _marked(snippet: str) -> Text:
    """A snippet with its **match** in bold."""
    text = Text()
    for i, part in enumerate(snippet.split("**")):
        text.append(part, style="bold yellow" if i % 2 else None)
    return text


@app.command()
def search(
    words: Annotated[
        str, typer.Argument(help="Words to find: every one must occur, in any inflection; accents optional.")
    ],
    db: DbOption = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only articles shown by this source.", show_default="every source")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Only articles in this language (ISO 639-1).", show_default="every language"),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many hits.")] = 20,
    fmt: RowsFormatOption = RowsFormat.table,
    live: LiveOption = False,
    wait: WaitOption = 60.0,
) -> None:
    """Full-text search of the current articles: ranked hits with source, date, title, URL and a snippet."""
    import duckdb

    from warehouse.sandbox import lock_down
    from warehouse.search import SEARCH_COLUMNS
    from warehouse.search import search as run_search

    path = settings.resolve_paths(db).db
    con = _read_only(path, live, wait)
    try:
        hits = run_search(lock_down(con), words, source, lang, _utc(since), _utc(until, end_of_day=True), limit)
    except duckdb.Error as error:  # a damaged file can pass the open and fail in the index
        _fail(f"{path}: search failed: {error}")
    finally:
        con.close()
    if fmt != "table":
        print_rows(list(SEARCH_COLUMNS), [tuple(getattr(h, c) for c in SEARCH_COLUMNS) for h in hits], fmt)
        return
    table = Table(title=f"{len(hits)} hit(s) for {words!r}")
    for column, width in (("score", 7), ("source", 16), ("date", 10), ("title / url / snippet", 100)):
        table.add_column(column, overflow="fold", max_width=width)
    for h in hits:
        body = Text(h.title or "(no title)", style="bold")
        body.append(f"\n{h.url}\n", style="cyan")
        body.append_text(_marked(h.snippet))
        table.add_row(f"{h.score:.2f}", h.source, f"{h.published_at:%Y-%m-%d}" if h.published_at else "", body)
    console.print(table)


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or jsonl.")] = "parquet",
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.", show_default="<data dir>/export")] = None,
    since: SinceOption = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only articles shown by this source.", show_default="every source")
    ] = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    live: LiveOption = False,
    wait: WaitOption = 60.0,
) -> None:
    """Export the current articles: Parquet partitioned by source and month, or CSV / JSON Lines."""
    from warehouse.export import FORMATS, export_articles

    if fmt not in FORMATS:
        _fail(f"--format is {', '.join(FORMATS)}")
    paths = settings.resolve_paths(db, data_dir)
    con = _read_only(paths.db, live, wait)
    try:
        with console.status(f"exporting the current articles as {fmt}..."):
            target, count = export_articles(con, out or paths.data_dir / "export", fmt, _utc(since), source)
    finally:
        con.close()
    console.print(f"wrote {count} article(s) to {target}")


@app.command()
def serve(
    sources: SourcesOption = None,
    db: DbOption = None,
    cron: Annotated[str, typer.Option(help="Cron schedule of the nightly run.")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the schedule.")] = "UTC",
    port: Annotated[
        int, typer.Option(help="Port of the local Prefect server to use, or to start when none answers there.")
    ] = 4200,
) -> None:
    """Run the nightly flow on its schedule from this process (Ctrl-C or SIGTERM stops it and all it started).

    The Prefect API is $PREFECT_API_URL, else a local server already on --port (`trawl ui`'s), else one
    this command starts and stops."""
    from flows.serve import serve as serve_nightly
    from flows.ui import UiError

    def announce(api: str, origin: str, upcoming: list[datetime]) -> None:
        console.print(f"Prefect API {api}: {origin}", markup=False, highlight=False)
        when = ", ".join(f"{t:%Y-%m-%d %H:%M %Z}" for t in upcoming)
        console.print(f"nightly on {cron!r} ({timezone}); next runs: {when}. Ctrl-C stops.", markup=False)

    path = sources or settings.default_sources_file()
    try:
        select(load_sources(path), None, path)
    except SourcesError as error:
        _fail(str(error))
    params = {"sources_file": str(path), "db": str(db) if db else None}
    try:
        serve_nightly(cron, timezone, params, port, announce)
    except UiError as error:
        _fail(str(error))
    console.print("stopped")


@app.command("sources")
def sources_cmd(sources: SourcesOption = None, as_json: JsonOption = False) -> None:
    """Validate the sources file (every problem at once) and list its sources."""
    path = sources or settings.default_sources_file()
    try:
        found = load_sources(path)
    except SourcesError as error:
        _fail(str(error))  # one line per problem
    if as_json:
        print_json([s.model_dump(mode="json") for s in found])
        return
    print_rows(
        ["key", "name", "url", "language", "domains", "polite"],
        [(s.key, s.display_name, s.home, s.language, ", ".join(s.domains), s.crawl.polite) for s in found],
        title=str(path),
    )


@app.command()
def migrate(
    db: DbOption = None,
    list_only: Annotated[
        bool,
        typer.Option("--list", help="Only list applied and pending migrations; never writes.", show_default="off"),
    ] = False,
) -> None:
    """Apply the warehouse's pending migrations (or list them)."""
    import duckdb

    from warehouse import db as warehouse_db

    path = settings.resolve_paths(db).db
    if list_only:
        try:
            con = warehouse_db.connect(path, read_only=True) if path.exists() else duckdb.connect()
        except (warehouse_db.WarehouseUnreadable, duckdb.Error) as error:
            _fail(str(error))
        done = warehouse_db.applied(con)
        con.close()
        print_rows(
            ["version", "name", "state"],
            [(m.version, m.name, "applied" if m.version in done else "pending") for m in warehouse_db.migrations()],
        )
        return
    from warehouse.lock import writer_lock
    from warehouse.snapshot import publish

    with writer_lock(path, "trawl migrate", on_wait=lambda holder: console.print(f"waiting for {holder}")):
        try:
            con = warehouse_db.connect(path)
        except warehouse_db.WarehouseUnreadable as error:
            _fail(str(error))
        applied = [m.name for m in warehouse_db.migrate(con)]
        con.close()
        publish(path)
    console.print(f"{path}: schema up to date" + (f" (applied {', '.join(applied)})" if applied else ""))


@app.command()
def ui(
    port: Annotated[int, typer.Option(help="Port of the Prefect server and UI on 127.0.0.1.")] = 4200,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Serve the demo sites and point the worker's runs at them.")
    ] = True,
) -> None:
    """Start a local Prefect server and UI, apply prefect.yaml and start a worker (Ctrl-C stops everything)."""
    import signal
    import time

    from flows.ui import UiError, local_stack

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # `kill` stops the children too, like Ctrl-C
    try:
        with local_stack(port=port, demo=demo, say=lambda step: console.print(step, markup=False)) as stack:
            console.print(f"Prefect UI: [bold]{stack.ui_url}[/bold]  (server, worker and logs in {stack.home})")
            for key, url in stack.demo_urls.items():
                console.print(f"demo site {key}: {url}")
            console.print(
                "Deployments: nightly/nightly, source/source, reextract/reextract, backfill/backfill. In another shell:\n"
                f"  export PREFECT_API_URL={stack.api_url}\n"
                "  .venv/bin/prefect deployment run nightly/nightly --watch\n"
                "Press Ctrl-C to stop the worker, the server and the demo sites."
            )
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                console.print("stopping the worker, the server and the demo sites...")
    except UiError as error:
        _fail(str(error))
    except KeyboardInterrupt:  # during the start
        pass
    console.print("stopped")


@app.command()
def reextract(
    source: Annotated[
        str | None, typer.Option("--source", help="Only this source key.", show_default="every source")
    ] = None,
    sources: SourcesOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Rebuild documents from the WARC archive with the current extractor and cleaner (no network)."""
    from flows import progress
    from flows.outcome import RunFailed
    from flows.reextract import reextract as reextract_flow

    try:
        with progress.terminal(console):
            summaries: list[dict[str, Any]] = reextract_flow(  # type: ignore[assignment]  # the flow's result
                source=source,
                sources_file=str(sources) if sources else None,
                db=str(db) if db else None,
                data_dir=str(data_dir) if data_dir else None,
            )
    except (RunFailed, SourcesError) as error:
        _fail(str(error))
    columns = ["source", "pages", "changed", "new_pages", "fields"]
    print_rows(columns, [tuple(s[c] for c in columns) for s in summaries], title="Documents rebuilt from the archive")


@app.command()
def doctor(
    url: Annotated[str, typer.Argument(help="Home page of the site to examine (http:// is added when missing).")],
    key: Annotated[
        str | None, typer.Option(help="Source key for the proposed entry.", show_default="from the host")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 30.0,
    as_json: JsonOption = False,
) -> None:
    """Examine a site (robots.txt, REST API, sitemaps, feeds, sample articles) and print a sources entry."""
    import httpx

    from flows.doctor import diagnose, diagnosis_json, report_lines, sources_entry
    from spiders.defaults import DEFAULT_USER_AGENT

    headers = {"User-Agent": DEFAULT_USER_AGENT}
    with httpx.Client(headers=headers, timeout=timeout, follow_redirects=True) as client:
        found = diagnose(url, client)
    if as_json:
        print_json(diagnosis_json(found, sources_entry(found, key)))
        if found.home_status is None:
            raise typer.Exit(2)
        return
    for line in report_lines(found):
        console.print(line, markup=False, highlight=False)
    if found.home_status is None:
        _fail(f"{found.url}: no answer from the site: {found.home_error or 'refused (see the notes above)'}")
    console.print("\nsources.toml entry:\n", markup=False)
    console.print(sources_entry(found, key), markup=False, highlight=False)


@app.command()
def history(
    url: Annotated[str, typer.Argument(help="URL of an article page (as fetched, or its canonical URL).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the versions of one article page and a unified diff between consecutive versions."""
    from transforms.urls import canonicalize
    from warehouse.read import page_history
    from warehouse.sandbox import lock_down

    con = _read_only(settings.resolve_paths(db).db)
    try:
        rows = page_history(lock_down(con), url, canonicalize(url))
    finally:
        con.close()
    if not rows:
        _fail(f"no stored version of {url}")
    if as_json:
        print_json(rows)
        return
    columns = ["source", "version", "valid_from", "valid_to", "modified_at", "title", "word_count", "doc_id", "state"]
    table = [tuple(str(r[c])[:12] if c == "doc_id" else r[c] for c in columns) for r in rows]
    print_rows(columns, table, title=rows[0]["url"])
    for row in rows:
        if row["diff"]:
            console.print(
                f"\nversion {row['version'] - 1} -> {row['version']} (+{row['added']} -{row['removed']} paragraphs):"
            )
            console.print(row["diff"], markup=False, highlight=False, soft_wrap=True)


@app.command()
def status(
    db: DbOption = None,
    runs: Annotated[int, typer.Option("--runs", help="How many of each source's last runs to show.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """How each source is doing: its last runs (status, new, updated, failed, discarded, failure share),
    days since its last new article, and its open alerts (exit 1 when a source has one)."""
    from warehouse.status import source_status

    found = _locked_read(db, lambda con: source_status(con, runs))
    if as_json:
        print_json([asdict(s) for s in found])
    else:
        columns = ["source", "last run", "status", "new", "updated", "failed", "discarded", "fail %", "recent"]
        columns += ["days since new", "alerts"]
        rows = []
        for s in found:
            last = s.last_runs[0] if s.last_runs else {}
            share = last.get("failure_share")
            rows.append(
                (
                    s.source,
                    f"{last['started_at']:%Y-%m-%d %H:%M}" if last.get("started_at") else "never",
                    last.get("status", ""),
                    last.get("new"),
                    last.get("updated"),
                    last.get("failed"),
                    last.get("discarded"),
                    f"{share:.0%}" if share is not None else "",
                    " ".join(r["status"] for r in s.last_runs),
                    s.days_since_new_article,
                    "; ".join(s.alerts),
                )
            )
        print_rows(columns, rows, title="Sources")
    if any(s.alerts for s in found):
        raise typer.Exit(1)


@app.command("runs")
def runs_cmd(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many runs, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The recent runs: when, their state, how long, and what their sources did together."""
    from warehouse.status import recent_runs

    found = _locked_read(db, lambda con: recent_runs(con, limit))
    if as_json:
        print_json(found)
        return
    columns = ["run_id", "started", "status", "seconds", "sources", "not ok", "new", "updated", "failed", "discarded"]
    keys = ["run_id", "started_at", "status", "seconds", "sources", "sources_not_ok", "new", "updated", "failed"]
    rows = [
        tuple(f"{r[k]:%Y-%m-%d %H:%M:%S}" if k == "started_at" else r[k] for k in [*keys, "discarded"]) for r in found
    ]
    print_rows(columns, rows, title="Runs")


@app.command("demo-server")
def demo_server(
    night: Annotated[int, typer.Option(help="Which night's content to serve (1 or 2).")] = 1,
    down: Annotated[
        list[str] | None, typer.Option(help="Site key to leave unreachable (repeatable).", show_default="none")
    ] = None,
    broken: Annotated[
        list[str] | None, typer.Option(help="Site key whose articles lose their body.", show_default="none")
    ] = None,
) -> None:
    """Serve the bundled demo sites on loopback until interrupted, on the ports `trawl demo` uses
    (8701, 8702) when free, and print the `trawl run` command that crawls them."""
    from demo.server import DemoServer
    from demo.server import main as serve_demo
    from flows.demo import DEMO_PORTS, DEMO_SOURCES, url_variable

    def announce(server: DemoServer) -> None:
        variables = " ".join(f"{url_variable(key)}={url}" for key, url in server.urls.items())
        print(f"Crawl them with:\n  {variables} trawl run --sources {DEMO_SOURCES}", flush=True)

    args = ["--night", str(night)]
    args += [arg for key in down or [] for arg in ("--down", key)]
    args += [arg for key in broken or [] for arg in ("--broken", key)]
    serve_demo(args, ports=DEMO_PORTS, announce=announce)


if __name__ == "__main__":
    app()
