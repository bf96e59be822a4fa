"""``trawl lake``: the DuckLake warehouse's upkeep (``[warehouse] catalog`` in the sources file)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from flows import settings
from flows.commands.common import DataOption, SourcesOption
from flows.commands.plain import console, fail, print_rows


class LakeAction(StrEnum):
    init = "init"
    search_index = "index"  # (a member named index would hide str.index)
    settle = "settle"
    status = "status"


def lake(
    action: Annotated[
        LakeAction,
        typer.Argument(
            help="init: create the lake's tables and views; index: rebuild the local search file from the lake; "
            "settle: delete superseded rows, flush inlined rows to Parquet, merge files (run it alone, after "
            "every shard loaded); status: the batches landed, per shard."
        ),
    ],
    sources: SourcesOption = None,
    data_dir: DataOption = None,
) -> None:
    """The DuckLake warehouse set by the sources file's [warehouse] catalog: create, index, settle, status."""
    from flows.lake_settings import WarehouseSettingsError, read_lake

    path = sources or settings.default_sources_file()
    try:
        found = read_lake(path, settings.resolve_paths(data_dir=data_dir).data_dir)
    except WarehouseSettingsError as error:
        fail(str(error))
    if found is None:
        fail(f"{path}: no [warehouse] catalog: the warehouse is one DuckDB file (see the README, DuckLake)")
    if action is LakeAction.search_index:
        from warehouse.lake.index import refresh_index

        done = refresh_index(found.lake, found.search_index)
        console.print(
            f"{found.search_index}: {done.documents} new document(s), {done.versions} page version(s), "
            f"{done.indexed} indexed"
        )
        return
    if action is LakeAction.settle:
        from warehouse.lake.settle import settle

        settled = settle(found.lake)
        deleted = ", ".join(f"{table} {n}" for table, n in settled.deleted.items())
        console.print(
            f"deleted superseded rows: {deleted}; {settled.flushed} inlined row(s) flushed; {settled.retries} retries"
        )
        return
    from warehouse.lake.connect import connect_lake
    from warehouse.lake.schema import ensure_schema

    con = connect_lake(found.lake, read_only=action is LakeAction.status)
    try:
        if action is LakeAction.init:
            ensure_schema(con)
            console.print(f"{found.lake.uri}: tables and views ready, data in {found.lake.data_path}")
            return
        rows = con.execute(
            "select shard, count(*) as batches, sum(documents) as documents, sum(versions) as versions, "
            "max(landed_at) as last_landed from lake.landed.lake_batches group by shard order by shard"
        ).fetchall()
        print_rows(["shard", "batches", "documents", "versions", "last_landed"], rows, title=found.lake.uri)
    finally:
        con.close()
