"""``trawl`` commands that run flows or serve: run, demo, serve, ui, reextract, demo-server."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

import typer

from flows import settings
from flows.commands.common import (
    DataOption,
    DbOption,
    SourceOption,
    SourcesOption,
    WideOption,
    flow_api,
    free_space,
    print_reports,
    usable_warehouse,
)
from flows.commands.plain import console, fail, print_rows, read_only

EXAMPLE_QUERIES = (
    "select source, language, count(*) as articles from articles group by all order by all",
    "select source, title, published_at from articles order by published_at desc limit 5",
    "select title, len(urls) as copies, urls from articles where len(sources) > 1",
    "select source, title, url, provenance->>'kind' as kind_signal, word_count from pages order by source, url",
)


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
    from flows.sources import SourcesError, load_sources, select  # pydantic's models: not for `trawl sql`

    path = sources or settings.default_sources_file()
    try:
        select(load_sources(path), source, path)
    except SourcesError as error:
        fail(str(error))
    usable_warehouse(db, data_dir)
    free_space(db, data_dir)
    with flow_api(settings.resolve_paths(db, data_dir).data_dir) as ready:
        from flows import progress
        from flows.nightly import nightly
        from flows.outcome import RunFailed

        ready()  # the temporary API booted while the flow was imported
        try:
            with progress.terminal(console):
                reports = cast(  # the flow returns its final state's result: the reports
                    list[dict[str, Any]],
                    nightly(
                        sources_file=str(path),
                        db=str(db) if db else None,
                        data_dir=str(data_dir) if data_dir else None,
                        only=source,
                        full=full,
                    ),
                )
        except RunFailed as failed:  # every source was loaded and reported; some failed
            print_reports(failed.reports, wide)
            raise typer.Exit(1) from None
    print_reports(reports, wide)


def demo(
    db: DbOption = None,
    data_dir: DataOption = None,
    wide: WideOption = False,
) -> None:
    """Serve the bundled offline demo sites on loopback and run the nightly job on them."""
    from flows.demo import DemoUnavailable, demo_server_class, run_demo

    try:
        demo_server_class()
    except DemoUnavailable as error:
        fail(str(error))
    paths = settings.resolve_paths(db, data_dir)
    with flow_api(paths.data_dir) as ready:
        from flows import progress
        from flows.nightly import nightly  # noqa: F401  (imported while the API boots)

        ready()
        with progress.terminal(console):
            reports = run_demo(paths)
    print_reports(reports, wide)
    con = read_only(paths.db)
    console.print(f"\nWarehouse: [bold]{paths.db}[/bold]\n")
    for query in EXAMPLE_QUERIES:
        console.print(f'[bold]$ trawl sql "{query}"[/bold]')
        cursor = con.execute(query)
        print_rows([d[0] for d in cursor.description], cursor.fetchall())
    con.close()


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

    from flows.sources import SourcesError, load_sources, select

    path = sources or settings.default_sources_file()
    try:
        select(load_sources(path), None, path)
    except SourcesError as error:
        fail(str(error))
    params = {"sources_file": str(path), "db": str(db) if db else None}
    try:
        serve_nightly(cron, timezone, params, port, announce)
    except UiError as error:
        fail(str(error))
    console.print("stopped")


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
                "Deployments: nightly/nightly, source/source, reextract/reextract, backfill/backfill,"
                " planner/planner, nightly/shard. In another shell:\n"
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
        fail(str(error))
    except KeyboardInterrupt:  # during the start
        pass
    console.print("stopped")


def reextract(
    source: SourceOption = None,
    sources: SourcesOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
) -> None:
    """Rebuild documents from the WARC archive with the current extractor and cleaner (no network)."""
    with flow_api(settings.resolve_paths(db, data_dir).data_dir) as ready:
        from flows import progress
        from flows.outcome import RunFailed
        from flows.reextract import reextract as reextract_flow
        from flows.sources import SourcesError

        ready()
        try:
            with progress.terminal(console):
                summaries = cast(  # the flow returns its final state's result: one summary per source
                    list[dict[str, Any]],
                    reextract_flow(
                        source=source,
                        sources_file=str(sources) if sources else None,
                        db=str(db) if db else None,
                        data_dir=str(data_dir) if data_dir else None,
                    ),
                )
        except (RunFailed, SourcesError) as error:
            fail(str(error))
    columns = ["source", "pages", "changed", "new_pages", "fields"]
    print_rows(columns, [tuple(s[c] for c in columns) for s in summaries], title="Documents rebuilt from the archive")


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
    from flows.demo import DEMO_PORTS, DEMO_SOURCES, DemoUnavailable, demo_server_class, url_variable

    try:
        demo_server_class()
    except DemoUnavailable as error:
        fail(str(error))
    from demo.server import main as serve_demo

    def announce(server: Any) -> None:
        variables = " ".join(f"{url_variable(key)}={url}" for key, url in server.urls.items())
        print(f"Crawl them with:\n  {variables} trawl run --sources {DEMO_SOURCES}", flush=True)

    args = ["--night", str(night)]
    args += [arg for key in down or [] for arg in ("--down", key)]
    args += [arg for key in broken or [] for arg in ("--broken", key)]
    serve_demo(args, ports=DEMO_PORTS, announce=announce)
