"""The ``trawl`` entry point: the answering commands (``sql``, ``search``) without typer.

An analyst's ``trawl sql`` should answer in the time DuckDB takes, but typer builds a pydantic
adapter for every parameter of the command before running it (about 0.25 s with pydantic's
import), the full app imports every command module, and typer's own import is a seventh of a
quick answer. For ``sql`` and ``search`` this module reads the command line itself, from
``QUICK``: each command's argument and options, their types and date formats, as its typer
command declares them (``tests/test_quick_cli.py`` checks that ``QUICK`` equals what it
reads from those declarations). It then calls the command's typer-free body in
``flows.commands.answer``, which the typer command calls too. Whatever it does not recognise
(``--help``, an unknown option, a value of the wrong type) goes to the typer app unchanged,
which then prints its usual help or error. So both paths run the same function with the same
values, and the help text has one source.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from flows.commands.plain import DATE_FORMATS
from flows.output import RowsFormat


class Unread(Exception):
    """The command line is not one this module reads: the typer app takes it."""


@dataclass(frozen=True)
class Option:
    """One ``--flag value`` (or ``--flag`` for a bool) of a command: its parameter and type."""

    name: str
    kind: type
    formats: tuple[str, ...] = ()  # a date's formats, tried in turn


@dataclass(frozen=True)
class Spec:
    """What a command's typer declarations accept: its arguments in order, its options by flag."""

    arguments: tuple[tuple[str, type], ...]
    options: dict[str, Option] = field(default_factory=dict)


_READ = {
    "--db": Option("db", Path),
    "--format": Option("fmt", RowsFormat),
    "--live": Option("live", bool),
    "--wait": Option("wait", float),
}
# the commands answered here: their body in ``flows.commands.answer`` and what they accept
QUICK: dict[str, Spec] = {
    "sql": Spec((("query", str),), _READ),
    "search": Spec(
        (("words", str),),
        {
            **_READ,
            "--source": Option("source", str),
            "--lang": Option("lang", str),
            "--since": Option("since", datetime, tuple(DATE_FORMATS)),
            "--until": Option("until", datetime, tuple(DATE_FORMATS)),
            "--limit": Option("limit", int),
        },
    ),
}


def _value(option: Option, text: str) -> Any:
    """``text`` as the option's type, as typer would convert it (its date formats in turn)."""
    kind = option.kind
    if kind is str:
        return text
    if kind in (int, float) or issubclass(kind, Path):
        try:
            return kind(text)
        except ValueError as error:
            raise Unread(str(error)) from error
    if issubclass(kind, Enum):
        found = [member for member in kind if member.value == text]
        if not found:
            raise Unread(f"{text!r} is no {kind.__name__}")
        return found[0]
    if kind is datetime:
        for fmt in option.formats:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise Unread(f"{text!r} is no date")
    raise Unread(f"the type {kind}")


def parse(command: str, argv: list[str]) -> dict[str, Any]:
    """The keyword arguments of ``command`` (a key of ``QUICK``) for ``argv``."""
    spec = QUICK[command]
    values: dict[str, Any] = {}
    tokens = list(argv)
    positional: list[str] = []
    while tokens:
        token = tokens.pop(0)
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        flag, _, inline = token.partition("=")
        if flag not in spec.options:
            raise Unread(f"the option {flag}")
        option = spec.options[flag]
        if option.kind is bool:
            if inline:
                raise Unread(f"a value for the flag {flag}")
            values[option.name] = True
            continue
        if not inline and not tokens:
            raise Unread(f"no value for {flag}")
        values[option.name] = _value(option, inline if inline else tokens.pop(0))
    if len(positional) != len(spec.arguments):
        raise Unread("the arguments")
    for (name, kind), text in zip(spec.arguments, positional, strict=True):
        values[name] = _value(Option(name, kind), text)
    return values


def main() -> None:
    """``trawl``: ``sql`` and ``search`` answered here, everything else by the typer app."""
    argv = sys.argv[1:]
    if argv and argv[0] in QUICK and not {"--help", "-h"} & set(argv):
        try:
            values = parse(argv[0], argv[1:])
        except Unread:
            values = None
        if values is not None:
            from flows.commands import answer

            try:
                getattr(answer, argv[0])(**values)
            except KeyboardInterrupt:  # as typer's standalone mode says it
                sys.stderr.write("Aborted!\n")
                sys.exit(1)
            return
    from flows.cli import app

    app()


if __name__ == "__main__":
    main()
