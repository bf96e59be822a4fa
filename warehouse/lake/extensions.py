"""DuckLake and its catalog's scanner, loaded offline from their pinned Python wheels.

``duckdb_extensions.import_extension`` INSTALLs the file a ``duckdb-extension-*`` wheel ships
(no download). ``LOAD '<path>'`` of that file would fail for postgres and sqlite: their entry
points are named ``postgres_scanner`` / ``sqlite_scanner``, which INSTALL reads and LOAD by path
does not."""

from __future__ import annotations

import duckdb

from warehouse.lake.catalog import Kind


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD ``name``, INSTALLing it from its wheel first when DuckDB does not have it yet."""
    try:
        con.execute(f"load {name}")
    except duckdb.Error:
        from duckdb_extensions import import_extension

        import_extension(name, con=con)
        con.execute(f"load {name}")


def load_lake_extensions(con: duckdb.DuckDBPyConnection, kind: Kind) -> None:
    """DuckLake and the scanner of its catalog (``postgres`` or ``sqlite``)."""
    load_extension(con, "ducklake")
    load_extension(con, kind)
