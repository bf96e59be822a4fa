"""``trawl`` commands that read the warehouse: sql, search, export, history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows import settings
from flows.commands import answer
from flows.commands.common import (
    ArticlesOfSourceOption,
    DataOption,
    DbOption,
    JsonOption,
    LiveOption,
    RowsFormatOption,
    SinceOption,
    UntilOption,
    WaitOption,
)
from flows.commands.plain import console, fail, print_json, print_rows, read_only, utc
from flows.output import RowsFormat

if TYPE_CHECKING:
    pass


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
    answer.sql(query, db, fmt, live, wait)


def search(
    words: Annotated[
        str, typer.Argument(help="Words to find: every one must occur, in any inflection; accents optional.")
    ],
    db: DbOption = None,
    source: ArticlesOfSourceOption = None,
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
    answer.search(words, db, source, lang, since, until, limit, fmt, live, wait)


def export(
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv or jsonl.")] = "parquet",
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.", show_default="<data dir>/export")] = None,
    since: SinceOption = None,
    source: ArticlesOfSourceOption = None,
    db: DbOption = None,
    data_dir: DataOption = None,
    live: LiveOption = False,
    wait: WaitOption = 60.0,
) -> None:
    """Export the current articles: Parquet partitioned by source and month, or CSV / JSON Lines."""
    from warehouse.export import FORMATS, export_articles

    if fmt not in FORMATS:
        fail(f"--format is {', '.join(FORMATS)}")
    paths = settings.resolve_paths(db, data_dir)
    con = read_only(paths.db, live, wait)
    try:
        with console.status(f"exporting the current articles as {fmt}..."):
            target, count = export_articles(con, out or paths.data_dir / "export", fmt, utc(since), source)
    finally:
        con.close()
    console.print(f"wrote {count} article(s) to {target}")


def history(
    url: Annotated[str, typer.Argument(help="URL of an article page (as fetched, or its canonical URL).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the versions of one article page and a unified diff between consecutive versions."""
    from transforms.urls import canonicalize
    from warehouse.read import page_history
    from warehouse.sandbox import lock_down

    con = read_only(settings.resolve_paths(db).db)
    try:
        rows = page_history(lock_down(con), url, canonicalize(url))
    finally:
        con.close()
    if not rows:
        fail(f"no stored version of {url}")
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
