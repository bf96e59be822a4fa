"""``trawl`` commands about configuration and health: sources, migrate, doctor, status, runs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from flows import settings
from flows.commands.common import DbOption, JsonOption, SourcesOption, locked_read
from flows.commands.plain import console, fail, print_json, print_rows


def sources_cmd(sources: SourcesOption = None, as_json: JsonOption = False) -> None:
    """Validate the sources file (every problem at once) and list its sources."""
    from flows.sources import SourcesError, load_sources  # pydantic's models: not for every command's start

    path = sources or settings.default_sources_file()
    try:
        found = load_sources(path)
    except SourcesError as error:
        fail(str(error))  # one line per problem
    if as_json:
        print_json([s.model_dump(mode="json") for s in found])
        return
    print_rows(
        ["key", "name", "url", "language", "domains", "polite"],
        [(s.key, s.display_name, s.home, s.language, ", ".join(s.domains), s.crawl.polite) for s in found],
        title=str(path),
    )


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
            fail(str(error))
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
            fail(str(error))
        applied = [m.name for m in warehouse_db.migrate(con)]
        con.close()
        publish(path)
    console.print(f"{path}: schema up to date" + (f" (applied {', '.join(applied)})" if applied else ""))


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
        fail(f"{found.url}: no answer from the site: {found.home_error or 'refused (see the notes above)'}")
    console.print("\nsources.toml entry:\n", markup=False)
    console.print(sources_entry(found, key), markup=False, highlight=False)


def status(
    db: DbOption = None,
    runs: Annotated[int, typer.Option("--runs", help="How many of each source's last runs to show.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """How each source is doing: its last runs (status, new, updated, failed, discarded, failure share),
    days since its last new article, and its open alerts (exit 1 when a source has one)."""
    from warehouse.status import source_status

    found = locked_read(db, lambda con: source_status(con, runs))
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


def runs_cmd(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many runs, newest first.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The recent runs: when, their state, how long, and what their sources did together."""
    from warehouse.status import recent_runs

    found = locked_read(db, lambda con: recent_runs(con, limit))
    if as_json:
        print_json(found)
        return
    columns = ["run_id", "started", "status", "seconds", "sources", "not ok", "new", "updated", "failed", "discarded"]
    keys = ["run_id", "started_at", "status", "seconds", "sources", "sources_not_ok", "new", "updated", "failed"]
    rows = [
        tuple(f"{r[k]:%Y-%m-%d %H:%M:%S}" if k == "started_at" else r[k] for k in [*keys, "discarded"]) for r in found
    ]
    print_rows(columns, rows, title="Runs")
