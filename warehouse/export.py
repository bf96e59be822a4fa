"""Export current articles: Parquet partitioned by source and month, or one CSV / JSON Lines file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.queries import query

FORMATS = ("parquet", "csv", "jsonl")


def export_articles(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path | str,
    fmt: str = "parquet",
    since: datetime | None = None,
    source: str | None = None,
) -> tuple[Path, int]:
    """Write the articles (since a date, of a source) under ``out_dir``; returns the path and the row count.

    Parquet goes to ``out_dir/articles/source=<key>/month=<YYYY-MM>/`` (replaced whole on each
    export), CSV and JSON Lines to ``out_dir/articles.csv`` / ``articles.jsonl``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ("articles" if fmt == "parquet" else f"articles.{fmt}")
    params = {"since": since, "source": source}
    row = con.execute(query("export_count"), params).fetchone()
    count = int(row[0]) if row else 0
    con.execute(query(f"export_{fmt}"), {**params, "path": str(target)})
    return target, count
