"""Named SQL files of ``warehouse/sql``: one statement a file, loaded by name, parameters bound."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def query(name: str) -> str:
    """The text of ``warehouse/sql/<name>.sql``."""
    return (resources.files("warehouse") / "sql" / f"{name}.sql").read_text(encoding="utf-8")
