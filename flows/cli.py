"""The ``trawl`` command line (typer): run, demo, sql, search, export, serve, sources, migrate, doctor, history.

The commands live in flows/commands/ by topic; this module builds the app in the order ``--help`` lists them.
"""

from __future__ import annotations

import typer

from flows.commands import ops, query, run
from flows.commands.common import print_reports

__all__ = ["app", "print_reports"]

# plain help (no rich markup): every default shows as written, "[default: ...]" included
app = typer.Typer(
    help="trawl: scheduled scrape-and-ingest of news sites into a DuckDB warehouse.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.command()(run.run)
app.command()(run.demo)
app.command()(query.sql)
app.command()(query.search)
app.command()(query.export)
app.command()(run.serve)
app.command("sources")(ops.sources_cmd)
app.command()(ops.migrate)
app.command()(run.ui)
app.command()(run.reextract)
app.command()(ops.doctor)
app.command()(query.history)
app.command()(ops.status)
app.command("runs")(ops.runs_cmd)
app.command("demo-server")(run.demo_server)


if __name__ == "__main__":
    app()
