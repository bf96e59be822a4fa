"""The [warehouse] table: catalog strings, data paths, and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.lake_settings import WarehouseSettingsError, read_lake
from flows.sources import SourcesError, load_sources
from warehouse.lake.catalog import LakeConfigError, lake_of, parse_catalog

SOURCE = '[sources.a]\nurl = "https://a.example/"\n'


def test_catalog_forms() -> None:
    assert parse_catalog("postgres://postgres@127.0.0.1:5432/lake") == (
        "postgres",
        "postgres:postgres://postgres@127.0.0.1:5432/lake",
    )
    assert parse_catalog("postgresql://u@db/lake")[0] == "postgres"
    assert parse_catalog("postgres:dbname=lake host=db user=u") == ("postgres", "postgres:dbname=lake host=db user=u")
    assert parse_catalog("ducklake:sqlite:/srv/c.sqlite") == ("sqlite", "sqlite:/srv/c.sqlite")
    assert parse_catalog("/srv/catalog.db") == ("sqlite", "sqlite:/srv/catalog.db")
    assert lake_of("sqlite:/srv/c.sqlite", "/srv/lake").uri == "ducklake:sqlite:/srv/c.sqlite"


@pytest.mark.parametrize(
    ("catalog", "words"),
    [
        ("mysql://u@db/lake", "is not a catalog"),
        ("postgres://db", "needs a host and a database name"),
        ("postgres://u@db:port/lake", "bad port"),
        ("postgres:host=db", "needs dbname="),
        ("sqlite:", "no SQLite file"),
        ("catalog.duckdb", "is not a catalog"),
    ],
)
def test_bad_catalogs_say_what_was_expected(catalog: str, words: str) -> None:
    with pytest.raises(LakeConfigError, match=words) as caught:
        parse_catalog(catalog)
    assert "postgres://USER@HOST:PORT/DBNAME" in str(caught.value) or "dbname" in str(caught.value)


def test_object_store_data_paths_are_refused_with_the_reason() -> None:
    with pytest.raises(LakeConfigError, match="httpfs"):
        lake_of("sqlite:/srv/c.sqlite", "s3://bucket/lake")


def write(tmp_path: Path, warehouse: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(f"{SOURCE}\n[warehouse]\n{warehouse}\n", encoding="utf-8")
    return path


def test_warehouse_table_is_read_and_checked_with_the_sources(tmp_path: Path) -> None:
    good = write(tmp_path, f'catalog = "sqlite:{tmp_path}/c.sqlite"\ndata_path = "{tmp_path}/lake"')
    assert [s.key for s in load_sources(good)] == ["a"]
    settings = read_lake(good, tmp_path)
    assert settings is not None
    assert settings.lake.data_path == tmp_path / "lake"
    assert settings.search_index == tmp_path / "lake-search.duckdb"
    assert read_lake(tmp_path / "absent.toml", tmp_path) is None
    plain = tmp_path / "plain.toml"
    plain.write_text(SOURCE, encoding="utf-8")
    assert read_lake(plain, tmp_path) is None  # the default: one DuckDB file

    bad = write(tmp_path, 'catalog = "mysql://u@db/lake"\nspeed = 3')
    with pytest.raises(SourcesError) as caught:
        load_sources(bad)
    assert f"{bad}: [warehouse], field 'speed': unknown" in str(caught.value)
    bad = write(tmp_path, 'catalog = "mysql://u@db/lake"')
    with pytest.raises(
        WarehouseSettingsError, match=r"\[warehouse\], field 'catalog': 'mysql://u@db/lake' is not a catalog"
    ):
        read_lake(bad, tmp_path)
    with pytest.raises(SourcesError, match=r"\[warehouse\], field 'catalog'"):
        load_sources(bad)
    bad = write(tmp_path, 'catalog = "sqlite:/c.sqlite"\ndata_path = "s3://b/lake"')
    with pytest.raises(WarehouseSettingsError, match=r"\[warehouse\], field 'data_path': .*httpfs"):
        read_lake(bad, tmp_path)
    bad = write(tmp_path, 'data_path = "/srv/lake"')
    with pytest.raises(WarehouseSettingsError, match=r"field 'catalog': missing"):
        read_lake(bad, tmp_path)
