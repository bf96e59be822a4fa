"""``trawl`` commands that read: sql, search, export, sources, doctor, history, status, runs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from flows import settings
from flows.cli_base import (
    DataOption,
    DbOption,
    JsonOption,
    LiveOption,
    RowsFormatOption,
    SinceOption,
    SourcesOption,
    UntilOption,
    WaitOption,
    _fail,
    _locked_read,
    _read_only,
    _utc,
    app,
    console,
    print_json,
    print_rows,
)
from flows.output import RowsFormat
from flows.sources import SourcesError, load_sources


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

    from flows.doctor import diagnose
    from flows.doctor_report import diagnosis_json, report_lines, sources_entry
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
