"""The answers of ``trawl sql`` and ``trawl search``, without typer.

``flows.quick`` calls these straight from the command line; the typer commands of
``flows.commands.query`` (their help, and every command line ``flows.quick`` does not read)
call them too. Problems end the command with ``fail`` (exit 2).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows import settings
from flows.commands.plain import console, fail, print_rows, read_only, utc
from flows.output import RowsFormat

if TYPE_CHECKING:
    from rich.text import Text

    from flows.lake_settings import LakeSettings


def sql(
    query: str, db: Path | None = None, fmt: str = RowsFormat.table, live: bool = False, wait: float = 60.0
) -> None:
    """The rows of ``query`` in the sandbox (see ``flows.commands.query.sql``)."""
    import duckdb

    from warehouse.db import needs_fts
    from warehouse.sandbox import explain, lock_down, refusal

    lake = _lake() if db is None else None
    path = settings.resolve_paths(db).db
    # fts only for the statements that call it (the search macros): DuckDB names it when missing
    con = _lake_reader(lake) if lake else read_only(path, live, wait, extensions=False)
    try:
        lock_down(con)
        refused = refusal(con, query)
        if refused:
            fail(refused)
        try:
            cursor = con.execute(query)
        except duckdb.Error as error:
            if lake or not needs_fts(error):
                raise
            con.close()  # a sandbox cannot load it: a new one, with fts, runs the statement again
            con = lock_down(read_only(path, live, wait))
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
    from rich.text import Text

    text = Text()
    for i, part in enumerate(snippet.split("**")):
        text.append(part, style="bold yellow" if i % 2 else None)
    return text


def search(
    words: str,
    db: Path | None = None,
    source: str | None = None,
    lang: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    fmt: str = RowsFormat.table,
    live: bool = False,
    wait: float = 60.0,
) -> None:
    """Ranked hits for ``words`` (see ``flows.commands.query.search``)."""
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
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(hits)} hit(s) for {words!r}")
    for column, width in (("score", 7), ("source", 16), ("date", 10), ("title / url / snippet", 100)):
        table.add_column(column, overflow="fold", max_width=width)
    for h in hits:
        body = Text(h.title or "(no title)", style="bold")
        body.append(f"\n{h.url}\n", style="cyan")
        body.append_text(_marked(h.snippet))
        table.add_row(f"{h.score:.2f}", h.source, f"{h.published_at:%Y-%m-%d}" if h.published_at else "", body)
    console.print(table)
