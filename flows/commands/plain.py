"""What the commands share that needs no typer: consoles, errors, row printing, warehouse readers.

``flows.quick`` answers ``trawl sql`` and ``trawl search`` with these alone (typer's import is
a seventh of such an answer); ``flows.commands.common`` adds typer's option declarations.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from flows import output

# tables stay readable when printed to a pipe or a CI log (no terminal width to measure)
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]
FAILED = 2  # the exit status of a command that could not do what it was asked


def fail(message: str) -> NoReturn:
    """Print the message, one ``error:`` line per line of it (a problem each), and exit 2.

    The text is printed as is, never as rich markup: ``[sources.<key>]`` must not vanish.
    """
    for line in message.splitlines() or [""]:
        if line.strip():
            err.print(Text.assemble(("error: ", "red"), line), soft_wrap=True, highlight=False)
    raise SystemExit(FAILED)  # typer and click let it through as the exit status


def print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str = "table", title: str | None = None) -> None:
    """Print rows as a table (on this CLI's console), CSV, JSON, JSON Lines or one field per line."""
    output.print_rows(console, columns, rows, fmt, title)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=output.json_default, ensure_ascii=False, indent=1) + "\n")


def read_only(db: Path, live: bool = False, wait: float = 60.0, extensions: bool = True) -> Any:
    """A read-only connection: the published snapshot, or the warehouse itself (see warehouse/snapshot.py);
    fts loaded unless ``extensions`` is false."""
    from warehouse.db import WarehouseUnreadable
    from warehouse.snapshot import WarehouseBusy, is_current, open_reader

    if not db.exists():
        fail(f"no warehouse at {db}: run `trawl run` or `trawl demo` first")
    try:
        con, path = open_reader(db, live=live, wait=wait, extensions=extensions)
    except (WarehouseBusy, WarehouseUnreadable) as error:
        fail(str(error))
    if path != db and not is_current(db):
        err.print(f"[yellow]a load is writing {escape(str(db))}: reading its last published snapshot[/yellow]")
    return con


def utc(value: datetime | None, end_of_day: bool = False) -> datetime | None:
    """A CLI date as an aware UTC datetime; an --until date covers its whole day."""
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if end_of_day and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        value += timedelta(days=1)
    return value
