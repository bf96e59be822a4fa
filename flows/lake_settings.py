"""The ``[warehouse]`` table of the sources file: the warehouse on DuckLake instead of one DuckDB file.

```toml
[warehouse]
catalog = "postgres://postgres@db.internal:5432/trawl"   # or "sqlite:/srv/trawl/catalog.sqlite"
data_path = "/srv/trawl/lake"          # the Parquet files: a folder every loader can write
search_index = "data/lake-search.duckdb"  # the local search file rebuilt from the lake
```

Without the table (the default) the warehouse is one DuckDB file, as before. Every problem names
the file, the table and the field, as the sources' own errors do.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows import settings
from warehouse.lake.catalog import Lake, LakeConfigError, lake_of

FIELDS = ("catalog", "data_path", "search_index")


class WarehouseSettingsError(ValueError):
    """A ``[warehouse]`` table that cannot be used; each of ``problems`` names file, table and field
    (its own class, not ``SourcesError``: ``trawl sql`` reads this table without importing pydantic)."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class LakeSettings:
    """The lake, and the local file its search index is kept in."""

    lake: Lake
    search_index: Path


def parse_lake(path: Path, table: Any, data_dir: Path) -> LakeSettings | None:
    """``[warehouse]`` as LakeSettings (None without a catalog); WarehouseSettingsError naming every bad field."""
    where = f"{path}: [warehouse]"
    if not isinstance(table, dict):
        raise WarehouseSettingsError(f"{where}: expected a table, got {type(table).__name__}")
    problems = [
        f"{where}, field '{name}': unknown; expected {', '.join(FIELDS)}" for name in table if name not in FIELDS
    ]
    problems += [
        f"{where}, field '{name}': expected a string, got {type(table[name]).__name__}"
        for name in FIELDS
        if name in table and not isinstance(table[name], str)
    ]
    if problems:
        raise WarehouseSettingsError(problems)
    if "catalog" not in table:
        if table:
            raise WarehouseSettingsError(
                f"{where}, field 'catalog': missing; data_path and search_index need a catalog"
            )
        return None
    try:
        lake = lake_of(table["catalog"], None)
    except LakeConfigError as error:
        raise WarehouseSettingsError(f"{where}, field 'catalog': {error}") from error
    try:
        lake = lake_of(table["catalog"], table.get("data_path", str(data_dir / "lake")))
    except LakeConfigError as error:
        raise WarehouseSettingsError(f"{where}, field 'data_path': {error}") from error
    index = Path(table.get("search_index") or data_dir / "lake-search.duckdb").resolve()
    return LakeSettings(lake, index)


def read_lake(path: Path | None = None, data_dir: Path | None = None) -> LakeSettings | None:
    """The lake the sources file configures (``path``, else $TRAWL_SOURCES or sources.toml), or None:
    no such file, or no ``[warehouse]`` catalog. Only that table is read (the sources are not checked)."""
    file = path or settings.default_sources_file()
    if not file.is_file():
        return None
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise WarehouseSettingsError(f"{file}: cannot read [warehouse]: {error}") from error
    if "warehouse" not in data:
        return None
    return parse_lake(file, data["warehouse"], data_dir or settings.resolve_paths().data_dir)
