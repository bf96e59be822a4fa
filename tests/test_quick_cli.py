"""The ``trawl`` entry point reads ``sql`` and ``search`` command lines itself (``flows.quick``):
the values it passes are the ones typer would pass, what it cannot read goes to typer, and it
answers without importing what only the other commands need."""

from __future__ import annotations

import functools
import inspect
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import pytest
import typer
from typer.testing import CliRunner

from flows import quick
from flows.commands import answer
from flows.commands.query import search, sql
from warehouse.db import connect

TRAWL = Path(sys.executable).with_name("trawl")


def typer_values(command: Callable[..., Any], argv: list[str]) -> dict[str, Any]:
    """The keyword arguments typer calls ``command`` with for ``argv``."""
    seen: list[dict[str, Any]] = []

    @functools.wraps(command)
    def recorder(**values: Any) -> None:
        seen.append(values)

    app = typer.Typer()
    app.command()(recorder)
    app.command("other")(lambda: None)  # two commands: the first word names the command
    result = CliRunner().invoke(app, [command.__name__, *argv])
    assert result.exit_code == 0, result.output
    return seen[0]


def defaults(command: Callable[..., Any]) -> dict[str, Any]:
    return {
        name: p.default
        for name, p in inspect.signature(command).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _plain(annotation: Any) -> type:
    """The one type of an ``X`` or ``X | None`` annotation."""
    if get_origin(annotation) in (Union, UnionType):
        kinds = [a for a in get_args(annotation) if a is not NoneType]
        if len(kinds) != 1:
            raise quick.Unread(f"a union {annotation}")
        annotation = kinds[0]
    if not isinstance(annotation, type):
        raise quick.Unread(f"the type {annotation}")
    return annotation


def _checked(info: Any) -> bool:
    """Whether typer would do more with the option's value than convert it (read an environment
    variable, call back, check bounds, check or resolve a path)."""
    loose = ("callback", "envvar", "min", "max", "exists", "resolve_path", "writable")
    return any(getattr(info, name, None) not in (None, False) for name in loose) or not (
        getattr(info, "file_okay", True) and getattr(info, "dir_okay", True)
    )


def declared(command: Callable[..., Any]) -> quick.Spec:
    """The ``quick.Spec`` a typer command's declarations call for (raises ``Unread`` for what ``quick.parse``
    cannot read: checks on a value, short or ``--x/--no-x`` flags, unnamed bools, other types)."""
    from typer.models import ArgumentInfo, OptionInfo

    arguments: list[tuple[str, type]] = []
    options: dict[str, quick.Option] = {}
    for name, hint in get_type_hints(command, include_extras=True).items():
        if name == "return":
            continue
        if get_origin(hint) is not Annotated:
            raise quick.Unread(f"the parameter {name} is not declared for typer")
        annotation, *extras = get_args(hint)
        info = next((e for e in extras if isinstance(e, ArgumentInfo | OptionInfo)), None)
        if isinstance(info, ArgumentInfo):
            arguments.append((name, _plain(annotation)))
        elif isinstance(info, OptionInfo):
            if _checked(info):
                raise quick.Unread(f"the checks of {name}")
            # in ``Annotated``, typer takes the first positional (its ``default``) for a name
            named = [info.default] if isinstance(info.default, str) else []
            flags = [*named, *(info.param_decls or ())]
            if not flags:  # typer names it after the parameter (and a bool gets --no-<name>)
                if _plain(annotation) is bool:
                    raise quick.Unread(f"the flag {name}")
                flags = [f"--{name.replace('_', '-')}"]
            kind = _plain(annotation)
            formats = tuple(getattr(info, "formats", None) or ()) if kind is datetime else ()
            for flag in flags:
                if "/" in flag or not flag.startswith("--"):
                    raise quick.Unread(f"the option {flag}")
                options[flag] = quick.Option(name, kind, formats)
        else:
            raise quick.Unread(f"the parameter {name}")
    return quick.Spec(tuple(arguments), options)


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        (sql, ["select 1"]),
        (sql, ["select 1", "--db", "w.duckdb", "--format", "csv", "--live", "--wait", "2.5"]),
        (sql, ["--format=jsonl", "select 'a b'", "--db=x/y.duckdb"]),
        (search, ["educação"]),
        (search, ["war peace", "--source", "s1", "--lang", "pt", "--limit", "3", "--format", "json"]),
        (search, ["x", "--since", "2024-05-01", "--until", "2024-06-01T12:30:00"]),
        (search, ["x", "--since", "2024-05-01T12:30:00+0200"]),
    ],
)
def test_the_quick_reading_passes_what_typer_passes(command: Callable[..., Any], argv: list[str]) -> None:
    assert {**defaults(command), **quick.parse(command.__name__, argv)} == typer_values(command, argv)


@pytest.mark.parametrize("command", [sql, search])
def test_the_quick_table_is_what_the_typer_commands_declare(command: Callable[..., Any]) -> None:
    """Every option and argument of the typer command, its name, type and date formats."""
    assert quick.QUICK[command.__name__] == declared(command)


@pytest.mark.parametrize("command", [sql, search])
def test_the_quick_bodies_take_the_typer_commands_parameters(command: Callable[..., Any]) -> None:
    """The typer command and its typer-free body take the same parameters with the same defaults."""
    body = getattr(answer, command.__name__)
    assert list(inspect.signature(body).parameters) == list(inspect.signature(command).parameters)
    assert defaults(body) == defaults(command)


@pytest.mark.parametrize(
    "argv",
    [
        ["select 1", "--nope"],  # an unknown option
        ["select 1", "--wait", "soon"],  # a value of the wrong type
        ["select 1", "--format", "xml"],  # no such format
        ["select 1", "--db"],  # no value
        ["select 1", "select 2"],  # one argument too many
        [],  # none
        ["select 1", "--live=yes"],  # a value for a flag
        ["select 1", "-d", "x"],  # short options are typer's
    ],
)
def test_what_it_cannot_read_goes_to_typer(argv: list[str]) -> None:
    with pytest.raises(quick.Unread):
        quick.parse("sql", argv)


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TRAWL), *argv], capture_output=True, text=True, timeout=120, check=False)


def test_trawl_sql_answers_without_typer_pydantic_prefect_or_scrapy(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('pydantic', 'prefect', 'scrapy', 'trafilatura', 'typer', 'click') "
        "if m in sys.modules), file=sys.stderr))\n"
        "sys.argv = ['trawl', 'sql', 'select 40 + 2 as answer', '--db', sys.argv[1], '--live', '--format', 'csv']\n"
        "from flows.quick import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(db)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["answer", "42"]
    assert done.stderr.strip().splitlines()[-1] == "[]"  # none of them imported


def test_the_entry_point_answers_and_hands_the_rest_to_typer(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    connect(db).close()
    answered = run("sql", "select 42 as answer", "--db", str(db), "--live", "--format", "csv")
    assert answered.returncode == 0 and answered.stdout.splitlines() == ["answer", "42"], answered.stderr
    refused = run("sql", "copy (select 1) to 'x.csv'", "--db", str(db), "--live")
    assert refused.returncode == 2 and "error: refused" in refused.stderr
    unknown = run("sql", "select 1", "--nope")  # typer's own error
    assert unknown.returncode == 2 and "No such option" in unknown.stderr
    helped = run("sql", "--help")
    assert helped.returncode == 0 and "--format" in helped.stdout and "[default: table]" in helped.stdout
    other = run("status", "--db", str(db), "--json")  # every other command is typer's
    assert other.returncode == 0, other.stderr


def test_trawl_sql_loads_fts_only_for_a_statement_that_calls_it(tmp_path: Path) -> None:
    """A plain query opens the warehouse without fts; one calling the search macros (fts's ``stem``)
    is run again on a connection with it, and answers."""
    from tests.test_search_units import DOCS, add
    from warehouse.search import refresh_search

    db = tmp_path / "w.duckdb"
    con = connect(db)
    add(con, DOCS)
    refresh_search(con)
    con.close()
    probe = (
        "import sys\n"
        "import warehouse.db as db\n"
        "loads = []\n"
        "real = db.load_extensions\n"
        "db.load_extensions = lambda con: (loads.append(1), real(con))[1]\n"
        "sys.argv = ['trawl', 'sql', sys.argv[2], '--db', sys.argv[1], '--live', '--format', 'csv']\n"
        "from flows.quick import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    print('loads', len(loads), file=sys.stderr)\n"
    )

    def answer_of(query: str) -> tuple[list[str], str]:
        done = subprocess.run(
            [sys.executable, "-c", probe, str(db), query], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines(), done.stderr.strip().splitlines()[-1]

    assert answer_of("select count(*) as n from articles") == (["n", str(len(DOCS))], "loads 0")
    assert answer_of("select doc_id from search('Удальцову') order by doc_id") == (["doc_id", "ru1", "ru2"], "loads 1")
