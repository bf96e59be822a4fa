"""``warehouse.db.within_memory``: DuckDB's memory bounded, raised step by step when the work needs more."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest

from warehouse.db import _megabytes, connect, within_memory


def test_limits_are_read_in_megabytes() -> None:
    assert [_megabytes(x) for x in ("128MB", "1GB", " 2 GiB ", "16mb")] == [128, 1024, 2048, 16]
    with pytest.raises(ValueError, match="80%"):
        _megabytes("80%")


@pytest.mark.parametrize(
    ("values", "limits", "last"),
    [
        (12_000_000, ["16MB", "64MB", "256MB"], "with 256MB"),  # ~100 MB of integers in one list
        (60_000_000, ["16MB", "64MB", "256MB", "80%"], "without the limit"),  # ~500 MB
    ],
)
def test_a_limit_too_small_is_raised_four_times_twice_then_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, values: int, limits: list[str], last: str
) -> None:
    con = connect(tmp_path / "w.duckdb")
    seen: list[float] = []

    def work() -> int:  # a real allocation of DuckDB's, which needs ``values`` * 8 bytes
        row = con.execute("select current_setting('memory_limit')").fetchone()
        seen.append(float(str(row[0] if row else "").split()[0]))
        found = con.execute(f"select len(list(i)) from range({values}) t(i)").fetchone()
        return int(found[0]) if found else 0

    try:
        with caplog.at_level(logging.WARNING, logger="warehouse.db"):
            assert within_memory(con, "16MB", work) == values
    finally:
        con.close()
    assert len(seen) == len(limits)  # one try per limit, the work done once it fitted
    assert [f"more than {x}" in caplog.text for x in limits[:-1]] == [True] * (len(limits) - 1)
    assert f"running it again {last}" in caplog.text


@pytest.mark.parametrize("lake", [False, True])
def test_a_loaders_connection_checkpoints_late(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lake: bool) -> None:
    """Both loaders (a warehouse file's, a lake shard's staging file's) load on a connection set
    up by ``warehouse.load.loader_settings``."""
    import flows.pipeline
    import warehouse.lake.shard
    from warehouse.load import LoadReport, SourceBatch

    seen: list[tuple[object, ...]] = []

    def load_batch(con: duckdb.DuckDBPyConnection, batch: SourceBatch, memory: str | None = None) -> LoadReport:
        row = con.execute("select current_setting('checkpoint_threshold')").fetchone()
        seen.append(tuple(row or ()))
        raise RuntimeError("loaded")

    module = warehouse.lake.shard if lake else flows.pipeline
    monkeypatch.setattr(module, "load_batch", load_batch)
    batch = SourceBatch("run1", "a", [], [])
    with pytest.raises(RuntimeError, match="loaded"):
        if lake:
            warehouse.lake.shard.load_to_lake(tmp_path / "staging.duckdb", None, batch, "s1")  # type: ignore[arg-type]
        else:
            flows.pipeline.load(tmp_path / "w.duckdb", batch)
    assert seen == [("244.1 MiB",)]  # 256 MB
