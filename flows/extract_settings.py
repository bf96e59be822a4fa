"""How a crawl's pages are extracted: the ``[extract]`` table of the sources file, validated.

The local process pool is the default; ``engine = "dask"`` maps batches of pages over a Dask
cluster (flows/extract_dask.py): a ``LocalCluster`` of ``workers`` processes, or the running
cluster whose scheduler is at ``address``::

    [extract]
    engine = "dask"
    address = "tcp://10.0.0.5:8786"   # leave out for a LocalCluster of `workers` processes
    batch_size = 100                  # pages per Dask task
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

TABLE = "extract"
# a Dask scheduler address: tcp:// or tls://, a host, a port
ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


class ExtractSettings(BaseModel):
    """Which engine extracts the pages, and how big its pieces of work are."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["local", "dask"] = "local"
    # local: processes of the pool; dask without address: workers of the LocalCluster (all cores when unset)
    workers: StrictInt | None = Field(default=None, ge=1, le=512)
    address: StrictStr | None = None  # a running Dask cluster's scheduler (engine = "dask")
    batch_size: StrictInt = Field(default=100, ge=1, le=10_000)  # pages per Dask task

    @field_validator("address")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and not ADDRESS.match(value):
            raise ValueError('not a Dask scheduler address like "tcp://10.0.0.5:8786"')
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.address is not None and self.engine != "dask":
            raise ValueError('address: only with engine = "dask" (the local pool runs on this machine)')
        if self.address is not None and self.workers is not None:
            raise ValueError("workers: the cluster at address has its own workers; set one of address and workers")
        return self

    @property
    def dask(self) -> bool:
        return self.engine == "dask"


def _message(path: str, error: Any) -> str:
    """One pydantic error as ``file: [extract], field 'name': what is wrong (got value)``."""
    loc = ".".join(str(part) for part in error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if not loc and ": " in message:  # a rule across fields names its field first
        loc, message = message.split(": ", 1)
    if error["type"] == "extra_forbidden":
        known = [name for name in ExtractSettings.model_fields]
        close = difflib.get_close_matches(loc, known, n=1)
        message = f"unknown field ({f'did you mean {close[0]!r}?' if close else 'known fields: ' + ', '.join(known)})"
    elif error["type"] != "missing" and isinstance(error.get("input"), str | int | float | bool):
        message += f" (got {error['input']!r})"
    return f"{path}: [{TABLE}], field '{loc or '(table)'}': {message}"


def settings_problems(path: str, table: Any) -> tuple[ExtractSettings | None, list[str]]:
    """The ``[extract]`` table read (the defaults when absent), or every problem it has."""
    if table is None:
        return ExtractSettings(), []
    if not isinstance(table, dict):
        return None, [f"{path}: [{TABLE}] must be a table, got {type(table).__name__}"]
    try:
        return ExtractSettings(**table), []
    except ValidationError as error:
        return None, [_message(path, detail) for detail in error.errors()]


def load_extract_settings(path: Path | str) -> ExtractSettings:
    """The ``[extract]`` table of a sources file (``load_sources`` has already reported its problems)."""
    from flows.sources import SourcesError, _read_text  # one reader of the file's bytes

    settings, problems = settings_problems(str(path), tomllib.loads(_read_text(Path(path))).get(TABLE))
    if settings is None:
        raise SourcesError(problems)
    return settings
