"""The ``trawl`` command line (typer): run, demo, sql, search, export, serve, sources, migrate, doctor, history,
status, runs, ui, reextract, demo-server. The commands live in ``flows/cli_ops.py`` (running) and
``flows/cli_read.py`` (reading); ``flows/cli_base.py`` holds the app, the shared options and the printing."""

from __future__ import annotations

from flows import cli_ops, cli_read
from flows.cli_base import app, print_reports

__all__ = ["app", "cli_ops", "cli_read", "print_reports"]

if __name__ == "__main__":
    app()
