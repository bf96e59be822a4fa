"""The ``trawl`` command line (typer): run, demo, sql, search, export, serve, sources, migrate, doctor, history.

The commands live in flows/commands/ by topic; this module builds the app in the order ``--help`` lists them.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from flows.commands import lake, ops, query, run
from flows.commands.common import print_reports

__all__ = ["app", "print_reports"]

# plain help (no rich markup): every default shows as written, "[default: ...]" included
app = typer.Typer(
    help="trawl: scheduled scrape-and-ingest of news sites into a DuckDB warehouse.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
# (name, command), in the order ``--help`` lists them
COMMANDS: list[tuple[str, Callable[..., None]]] = [
    ("run", run.run),
    ("demo", run.demo),
    ("sql", query.sql),
    ("search", query.search),
    ("export", query.export),
    ("serve", run.serve),
    ("sources", ops.sources_cmd),
    ("migrate", ops.migrate),
    ("ui", run.ui),
    ("reextract", run.reextract),
    ("doctor", ops.doctor),
    ("history", query.history),
    ("status", ops.status),
    ("runs", ops.runs_cmd),
    ("demo-server", run.demo_server),
    ("lake", lake.lake),
]
for name, command in COMMANDS:
    app.command(name)(command)


if __name__ == "__main__":
    app()
