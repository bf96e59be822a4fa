"""Where the lake is: its catalog (PostgreSQL or a SQLite file) and its data folder, checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Kind = Literal["postgres", "sqlite"]
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
OBJECT_STORES = ("s3://", "gs://", "gcs://", "az://", "azure://", "abfss://", "r2://", "http://", "https://")
CATALOG_FORMS = (
    "postgres://USER@HOST:PORT/DBNAME (or postgresql://...), sqlite:/path/to/catalog.sqlite, "
    "or a path ending in .sqlite, .sqlite3 or .db"
)


class LakeConfigError(ValueError):
    """A catalog or data path that cannot be a lake; the message says what was expected."""


@dataclass(frozen=True)
class Lake:
    """A DuckLake: ``target`` is what follows ``ducklake:`` in an ATTACH (``postgres:<conninfo>``
    or ``sqlite:<path>``), ``data_path`` the folder of its Parquet files (only needed to create it)."""

    kind: Kind
    target: str
    data_path: Path | None = None

    @property
    def uri(self) -> str:
        return f"ducklake:{self.target}"


def parse_catalog(text: str) -> tuple[Kind, str]:
    """``text`` as (kind, ATTACH target); LakeConfigError when it is neither a PostgreSQL URL or
    conninfo nor a SQLite file."""
    value = text.strip()
    value = value.removeprefix("ducklake:")
    if value.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(value)
        try:
            parts.port  # noqa: B018 -- raises on a port that is not a number
        except ValueError as error:
            raise LakeConfigError(f"{text!r}: bad port ({error}); expected {CATALOG_FORMS}") from error
        if not parts.hostname or not parts.path.strip("/"):
            raise LakeConfigError(
                f"{text!r}: a PostgreSQL URL needs a host and a database name; expected {CATALOG_FORMS}"
            )
        return "postgres", f"postgres:{value}"
    if value.startswith("postgres:"):
        conninfo = value.removeprefix("postgres:").strip()
        if "dbname=" not in conninfo:
            raise LakeConfigError(f"{text!r}: a PostgreSQL conninfo needs dbname=...; expected {CATALOG_FORMS}")
        return "postgres", f"postgres:{conninfo}"
    if value.startswith("sqlite:"):
        path = value.removeprefix("sqlite:").removeprefix("//")
        if not path:
            raise LakeConfigError(f"{text!r}: no SQLite file after sqlite:; expected {CATALOG_FORMS}")
        return "sqlite", f"sqlite:{Path(path).resolve()}"
    if value.lower().endswith(SQLITE_SUFFIXES) and "://" not in value:
        return "sqlite", f"sqlite:{Path(value).resolve()}"
    raise LakeConfigError(f"{text!r} is not a catalog; expected {CATALOG_FORMS}")


def parse_data_path(text: str) -> Path:
    """The lake's data folder; object-store URLs need DuckDB's httpfs extension, which trawl does not ship."""
    value = text.strip()
    if value.lower().startswith(OBJECT_STORES):
        raise LakeConfigError(
            f"{text!r}: object-store data paths need DuckDB's httpfs extension, which trawl does not ship "
            "(no extension is downloaded at run time); use a folder (a shared mount for several machines)"
        )
    if not value:
        raise LakeConfigError("an empty data path; expected a folder")
    return Path(value).resolve()


def lake_of(catalog: str, data_path: str | None) -> Lake:
    """A Lake from the two settings as written (either raises LakeConfigError)."""
    kind, target = parse_catalog(catalog)
    return Lake(kind, target, parse_data_path(data_path) if data_path is not None else None)
