"""How the CLI prints rows: a table for people, CSV / JSON / JSON Lines for scripts, one field
per line for wide rows. Nothing is cut silently: a table cell longer than the cap says how much
it left out, and every other format prints values whole."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date, time
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

# a table cell longer than this (characters) is shortened, saying by how much
MAX_CELL = 300


class RowsFormat(StrEnum):
    """How rows are printed."""

    table = "table"
    csv = "csv"
    json = "json"  # one JSON array of objects
    jsonl = "jsonl"  # one JSON object per line
    line = "line"  # one "column | value" line per field, rows separated (for wide rows)


def cell(value: Any, limit: int = MAX_CELL) -> str:
    """A value as table text: empty for NULL; past ``limit`` characters cut with "…(N more chars)"."""
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text) - limit} more chars)"


def json_default(value: Any) -> str:
    """Dates and times as ISO 8601; anything else JSON cannot hold as its text."""
    return value.isoformat() if isinstance(value, date | time) else str(value)


def _record(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(columns, row, strict=True))


def print_rows(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str = RowsFormat.table,
    title: str | None = None,
) -> None:
    """Print rows in the chosen format (tables on ``console``, the machine formats on stdout)."""
    out = sys.stdout
    if fmt == RowsFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        out.write(buffer.getvalue())
    elif fmt == RowsFormat.jsonl:
        for row in rows:
            out.write(json.dumps(_record(columns, row), default=json_default, ensure_ascii=False) + "\n")
    elif fmt == RowsFormat.json:
        records = [_record(columns, row) for row in rows]
        out.write(json.dumps(records, default=json_default, ensure_ascii=False, indent=1) + "\n")
    elif fmt == RowsFormat.line:
        width = max((len(c) for c in columns), default=0)
        for number, row in enumerate(rows, 1):
            out.write(f"-[ row {number} ]\n")
            for column, value in zip(columns, row, strict=True):
                text = "" if value is None else str(value)
                out.write(f"{column:<{width}} | {text}\n")
    else:
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold", max_width=60)
        for row in rows:
            table.add_row(*(cell(v) for v in row))
        console.print(table)
