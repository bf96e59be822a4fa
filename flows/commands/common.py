"""What every ``trawl`` command shares: typer's option declarations, run reports, checks before a run,
the Prefect API of a flow (consoles, errors, row printing and readers are in ``flows.commands.plain``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape

from flows import settings
from flows.commands.plain import DATE_FORMATS, console, err, fail, print_rows, read_only
from flows.output import RowsFormat

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Warehouse file.", show_default="$TRAWL_DB, else data/trawl.duckdb"),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", help="Sources file.", show_default="$TRAWL_SOURCES, else sources.toml"),
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Archive and staging folder.", show_default="$TRAWL_DATA_DIR, else data"),
]
SourceOption = Annotated[
    str | None, typer.Option("--source", help="Only this source (its key).", show_default="every source")
]
ArticlesOfSourceOption = Annotated[
    str | None, typer.Option("--source", help="Only articles shown by this source.", show_default="every source")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.", show_default="off")]
WideOption = Annotated[
    bool,
    typer.Option(
        "--wide", help="Every column of the run table (discovery, fetch outcomes, reasons).", show_default="off"
    ),
]

T = TypeVar("T")

# the run table a terminal shows by default: (header, report column); --wide shows every column
NARROW = (
    ("source", "source"),
    ("status", "status"),
    ("new", "new_documents"),
    ("updated", "new_versions"),
    ("failed", "failed"),
    ("discarded", "discarded"),
    ("seconds", "seconds"),
)


def _seconds(report: dict[str, Any]) -> float | None:
    """Seconds from the run's start to the end of this source's load (as the run report counts them)."""
    started, finished = report.get("started_at"), report.get("finished_at")
    if isinstance(started, datetime) and isinstance(finished, datetime):
        return round((finished - started).total_seconds(), 1)
    return None


def print_reports(reports: list[dict[str, Any]], wide: bool = False) -> None:
    from flows.report import COLUMNS

    reports = [{**r, "seconds": r.get("seconds", _seconds(r))} for r in reports]
    if wide:  # the report's columns that a run's return value carries (the artifact adds the rest)
        pairs = [(c, c) for c in COLUMNS if not reports or c in reports[0]]
    else:
        pairs = [(h, c) for h, c in NARROW if not reports or c in reports[0]]
    rows = [tuple(r[c] for _, c in pairs) for r in reports]
    print_rows([h for h, _ in pairs], rows, title="Run summary")
    for r in reports:
        if r["status"] != "ok":
            reason = escape((r["error"] or "").splitlines()[0][:300]) if r["error"] else ""  # text, not markup
            err.print(f"[red]source {r['source']} {r['status']}:[/red] {reason}")


def usable_warehouse(db: Path | None, data_dir: Path | None) -> None:
    """Stop before a run starts when its warehouse file is there but DuckDB cannot open it."""
    from warehouse.db import WarehouseUnreadable, check_readable

    try:
        check_readable(settings.resolve_paths(db, data_dir).db)
    except WarehouseUnreadable as error:
        fail(str(error))


# below this much free space a run cannot record its state (Prefect's database), its archive
# or its load, and used to end only as "UnfinishedRun: Run is in PENDING state"
MIN_FREE_MIB = 64


def free_space(db: Path | None, data_dir: Path | None) -> None:
    """Stop before a run starts when the disk of its data, warehouse or Prefect home is full."""
    import shutil

    paths = settings.resolve_paths(db, data_dir)
    folders = {"data folder": paths.data_dir, "warehouse folder": paths.db.parent}
    folders["Prefect home (PREFECT_HOME)"] = settings.prefect_own_home()
    problems = []
    for label, folder in folders.items():
        existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("/"))
        free = shutil.disk_usage(existing).free // 2**20
        if free < MIN_FREE_MIB:
            problems.append(f"{label} {folder}: {free} MiB free on its disk; a run needs {MIN_FREE_MIB} MiB")
    if problems:
        fail("\n".join(problems))


LiveOption = Annotated[
    bool,
    typer.Option(
        "--live",
        help="Read the warehouse itself, waiting while a load writes it, not its snapshot.",
        show_default="off",
    ),
]
WaitOption = Annotated[float, typer.Option("--wait", help="Seconds to wait for a load to release the warehouse.")]


RowsFormatOption = Annotated[
    RowsFormat,
    typer.Option(
        "--format",
        help="How to print the rows: a table; csv; json (one array); jsonl (one object per line); "
        "line (one field per line, for wide rows).",
    ),
]
SinceOption = Annotated[
    datetime | None,
    typer.Option("--since", formats=DATE_FORMATS, help="From this date (UTC), inclusive.", show_default="no limit"),
]
UntilOption = Annotated[
    datetime | None,
    typer.Option("--until", formats=DATE_FORMATS, help="Up to this date (UTC), inclusive.", show_default="no limit"),
]


def locked_read(db: Path | None, read: Callable[[Any], T]) -> T:
    """``read`` on the sandboxed read-only connection of the warehouse (its snapshot), closed after."""
    from warehouse.sandbox import lock_down

    con = read_only(settings.resolve_paths(db).db)
    try:
        return read(lock_down(con))
    finally:
        con.close()


@contextmanager
def flow_api(data_dir: Path) -> Iterator[Callable[[], str]]:
    """The Prefect API of this command's flow run, as ``ready()`` (call it after the imports, just
    before the flow): ``$PREFECT_API_URL``, else a running ``trawl ui``/``serve`` server, else a
    temporary one started now, booting while the command imports the flow, stopped at the end
    (``flows.local_server``)."""
    from flows.local_server import ApiUnavailable, attach, temporary_api, use

    api = attach()
    if api is not None:
        console.print(f"Prefect API {api}", markup=False, highlight=False)
        with ExitStack() as stack:
            yield lambda: use(api, stack)
        return
    with temporary_api(data_dir / "logs" / "prefect-api.log") as ready:

        def checked() -> str:
            try:
                return ready()
            except ApiUnavailable as error:
                fail(str(error))

        yield checked
