"""A full disk is named: `trawl run` refuses to start on it; a snapshot copy that hits it leaves no temp file.

Uses a tiny tmpfs (needs root to mount; the test says so and fails rather than skip silently
when it cannot). Every mount is unmounted at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from warehouse.snapshot import publish, snapshot_path

TRAWL = str(Path(sys.executable).with_name("trawl"))


@contextmanager
def tmpfs(mount: Path, size: int) -> Iterator[Path]:
    """A tmpfs of ``size`` bytes at ``mount``, without huge pages (they would round every file up)."""
    mount.mkdir()
    options = f"size={size},huge=never"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True)
    assert done.returncode == 0, f"this test needs root to mount a tmpfs: {done.stderr.decode()}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "tiny", 6 * 2**20) as mount:
        yield mount


def test_a_run_on_a_full_disk_is_refused_naming_the_folder(tiny_disk: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env |= {"TRAWL_DEMO_KPRF_DEMO_URL": "http://127.0.0.1:9/", "TRAWL_DEMO_MOVIMENTO_DEMO_URL": "http://127.0.0.1:9/"}
    done = subprocess.run(
        [TRAWL, "run", "--sources", "demo/sources.toml", "--data-dir", str(tiny_disk / "data")],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert f"data folder {tiny_disk / 'data'}: " in done.stderr and "MiB free on its disk" in done.stderr
    assert "PENDING" not in done.stderr


def test_a_snapshot_that_fills_the_disk_leaves_no_temp_file(tmp_path: Path) -> None:
    made = tmp_path / "w.duckdb"  # made beside the tiny disk, then copied onto it
    con = duckdb.connect(str(made))
    con.execute("create table t as select i, md5(i::varchar) || md5((-i)::varchar) as s from range(100000) t(i)")
    con.close()
    size = made.stat().st_size
    # Room for the warehouse and half of a second copy, whatever size this DuckDB build wrote.
    with tmpfs(tmp_path / "tiny", size + size // 2 + 2**16) as tiny_disk:
        _fill_with_snapshot(made, tiny_disk)


def _fill_with_snapshot(made: Path, tiny_disk: Path) -> None:
    db = tiny_disk / "w.duckdb"
    shutil.copyfile(made, db)
    orphan = snapshot_path(db).with_name(f".{snapshot_path(db).name}.999999999.tmp")
    orphan.write_bytes(b"left by a killed publisher")
    with pytest.raises(OSError) as failure:
        publish(db)
    assert failure.value.errno == 28  # ENOSPC
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["w.duckdb"], "temporary copies left behind"
