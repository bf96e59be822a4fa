"""``trawl`` commands that read the warehouse: sql, search, export, history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from flows import settings
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
    console,
    fail,
    print_json,
    print_rows,
    read_only,
    utc,
)
from flows.output import RowsFormat

if TYPE_CHECKING:
    from flows.lake_settings import LakeSettings


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

    lake = _lake() if db is None else None
    con = _lake_reader(lake) if lake else read_only(settings.resolve_paths(db).db, live, wait)
    try:
        lock_down(con)
        refused = refusal(con, query)
        if refused:
            fail(refused)
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description] if cursor.description else []
        print_rows(columns, cursor.fetchall() if columns else [], fmt)
    except duckdb.Error as error:
        fail(explain(error))
    finally:
        con.close()


def _lake() -> LakeSettings | None:
    """The lake the sources file's ``[warehouse]`` names, when it names one (then ``--db`` reads a file instead)."""
    from flows.lake_settings import WarehouseSettingsError, read_lake

    try:
        return read_lake()
    except WarehouseSettingsError as error:
        fail(str(error))


def _lake_reader(lake: LakeSettings) -> Any:
    """A read-only connection with the lake attached and in use (its views named as in a warehouse file)."""
    import duckdb

    from warehouse.lake.connect import allow_data_files, connect_lake

    try:
        con = connect_lake(lake.lake, read_only=True)
        allow_data_files(con)  # its Parquet files, and no other file, once the sandbox is locked
    except duckdb.Error as error:
        hint = (
            " (`trawl lake init` creates it)" if "creating a new DuckLake is explicitly disabled" in str(error) else ""
        )
        fail(f"cannot open the lake {lake.lake.uri}: {error}{hint}")
    con.execute("use lake")
    return con


def _marked(snippet: str) -> Text:
    """A snippet with its **match** in bold."""
    text = Text()
    for i, part in enumerate(snippet.split("**")):
        text.append(part, style="bold yellow" if i % 2 else None)
    return text


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
    import duckdb

    from warehouse.sandbox import lock_down
    from warehouse.search import SEARCH_COLUMNS
    from warehouse.search import search as run_search

    lake = _lake() if db is None else None
    path = lake.search_index if lake else settings.resolve_paths(db).db
    if lake and not path.exists():
        fail(f"no search index of the lake at {path}: `trawl lake index` builds it from the lake")
    con = read_only(path, live, wait)
    try:
        hits = run_search(lock_down(con), words, source, lang, utc(since), utc(until, end_of_day=True), limit)
    except duckdb.Error as error:  # a damaged file can pass the open and fail in the index
        fail(f"{path}: search failed: {error}")
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
