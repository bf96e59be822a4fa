"""The ``trawl`` entry point: the answering commands (``sql``, ``search``) without typer's parsing.

An analyst's ``trawl sql`` should answer in the time DuckDB takes, but typer builds a pydantic
adapter for every parameter of the command before running it (about 0.25 s with pydantic's
import) and the full app imports every command module. For ``sql`` and ``search`` this module
reads the command line itself, from the very parameters the typer command declares (their
option names, types and defaults), and calls the command function. Whatever it does not
recognise (``--help``, an unknown option, a value of the wrong type, a type it does not read)
goes to the typer app unchanged, which then prints its usual help or error. So both paths run
the same function with the same values, and the help text has one source.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

# the commands answered here: (module, function) of ``flows.commands``
QUICK = {"sql": ("query", "sql"), "search": ("query", "search")}


class Unread(Exception):
    """The command line is not one this module reads: the typer app takes it."""


def _plain(annotation: Any) -> type:
    """The one type of an ``X`` or ``X | None`` annotation."""
    if get_origin(annotation) in (Union, UnionType):
        kinds = [a for a in get_args(annotation) if a is not NoneType]
        if len(kinds) != 1:
            raise Unread(f"a union {annotation}")
        annotation = kinds[0]
    if not isinstance(annotation, type):
        raise Unread(f"the type {annotation}")
    return annotation


def _value(kind: type, text: str, formats: list[str] | None) -> Any:
    """``text`` as ``kind``, as typer would convert it (its date formats in turn)."""
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
        for fmt in formats or ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise Unread(f"{text!r} is no date")
    raise Unread(f"the type {kind}")


def _checked(info: Any) -> bool:
    """Whether typer would do more with the option's value than convert it (read an environment
    variable, call back, check bounds, check or resolve a path)."""
    loose = ("callback", "envvar", "min", "max", "exists", "resolve_path", "writable")
    return any(getattr(info, name, None) not in (None, False) for name in loose) or not (
        getattr(info, "file_okay", True) and getattr(info, "dir_okay", True)
    )


def parse(command: Callable[..., Any], argv: list[str]) -> dict[str, Any]:
    """The keyword arguments of ``command`` for ``argv``, read from its typer declarations."""
    from typer.models import ArgumentInfo, OptionInfo

    hints = get_type_hints(command, include_extras=True)
    arguments: list[tuple[str, type]] = []
    options: dict[str, tuple[str, type, OptionInfo]] = {}
    values: dict[str, Any] = {}
    for name, hint in hints.items():
        if name == "return":
            continue
        if get_origin(hint) is not Annotated:
            raise Unread(f"the parameter {name} is not declared for typer")
        annotation, *extras = get_args(hint)
        info = next((e for e in extras if isinstance(e, ArgumentInfo | OptionInfo)), None)
        if isinstance(info, ArgumentInfo):
            arguments.append((name, _plain(annotation)))
        elif isinstance(info, OptionInfo):
            if _checked(info):
                raise Unread(f"the checks of {name}")
            # in ``Annotated``, typer takes the first positional (its ``default``) for a name
            named = [info.default] if isinstance(info.default, str) else []
            flags = [*named, *(info.param_decls or ())]
            if not flags:  # typer names it after the parameter (and a bool gets --no-<name>)
                if _plain(annotation) is bool:
                    raise Unread(f"the flag {name}")
                flags = [f"--{name.replace('_', '-')}"]
            for flag in flags:
                if "/" in flag or not flag.startswith("--"):
                    raise Unread(f"the option {flag}")
                options[flag] = (name, _plain(annotation), info)
        else:
            raise Unread(f"the parameter {name}")
    tokens = list(argv)
    positional: list[str] = []
    while tokens:
        token = tokens.pop(0)
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        flag, _, inline = token.partition("=")
        if flag not in options:
            raise Unread(f"the option {flag}")
        name, kind, info = options[flag]
        if kind is bool:
            if inline:
                raise Unread(f"a value for the flag {flag}")
            values[name] = True
            continue
        if not inline and not tokens:
            raise Unread(f"no value for {flag}")
        text = inline if inline else tokens.pop(0)
        values[name] = _value(kind, text, getattr(info, "formats", None))
    if len(positional) != len(arguments):
        raise Unread("the arguments")
    for (name, kind), text in zip(arguments, positional, strict=True):
        values[name] = _value(kind, text, None)
    return values


def main() -> None:
    """``trawl``: ``sql`` and ``search`` answered here, everything else by the typer app."""
    argv = sys.argv[1:]
    if argv and argv[0] in QUICK and not {"--help", "-h"} & set(argv):
        from importlib import import_module

        module, function = QUICK[argv[0]]
        command = getattr(import_module(f"flows.commands.{module}"), function)
        try:
            values = parse(command, argv[1:])
        except Unread:
            values = None
        if values is not None:
            from typer import Exit

            try:
                command(**values)
            except Exit as done:
                sys.exit(done.exit_code)
            except KeyboardInterrupt:  # as typer's standalone mode says it
                sys.stderr.write("Aborted!\n")
                sys.exit(1)
            return
    from flows.cli import app

    app()


if __name__ == "__main__":
    main()
