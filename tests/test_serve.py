"""`trawl serve` schedules: on a cron of every minute, with no Prefect server configured, it starts
its own, runs the nightly flow when the minute comes, and on SIGTERM stops everything it started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import duckdb
import httpx
import processes

from flows.demo import DEMO_SOURCES, demo_sites
from flows.local_server import SERVER_FILE, free_port

TRAWL = str(Path(sys.executable).with_name("trawl"))
MARK = "TRAWL_SERVE_TEST_MARK"
COMPLETED = "Finished in state Completed('2 source(s) ok')"


def test_serve_runs_the_nightly_flow_on_its_cron_and_stops_everything_on_sigterm(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    lines: list[str] = []
    with demo_sites():
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # no server configured
        env |= {"PREFECT_HOME": str(tmp_path / "prefect"), MARK: mark, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        env |= {"TRAWL_DB": str(tmp_path / "w.duckdb"), "TRAWL_DATA_DIR": str(tmp_path / "data")}
        serve = subprocess.Popen(
            [TRAWL, "serve", "--sources", str(DEMO_SOURCES), "--cron", "* * * * *", "--port", str(free_port())],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert serve.stdout is not None
        reader = threading.Thread(target=lambda: lines.extend(serve.stdout or []), daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 300  # the server's start, the next minute, one run
            while time.monotonic() < deadline and not any(COMPLETED in line for line in lines):
                assert serve.poll() is None, "".join(lines)
                time.sleep(1)
            assert any(COMPLETED in line for line in lines), "".join(lines)
            assert any("next runs:" in line for line in lines), "".join(lines)
            assert any("a Prefect server started for this serve" in line for line in lines), "".join(lines)
            api = json.loads((tmp_path / "prefect" / SERVER_FILE).read_text())["api_url"]
            other_db = tmp_path / "other" / "w.duckdb"
            run = subprocess.run(  # a lone run meanwhile uses serve's server, not a temporary API of its own
                [
                    TRAWL,
                    "run",
                    "--sources",
                    str(DEMO_SOURCES),
                    "--db",
                    str(other_db),
                    "--data-dir",
                    str(other_db.parent),
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert run.returncode == 0 and f"Prefect API {api}" in run.stdout, run.stdout + run.stderr
            flow_runs = httpx.post(f"{api}/flow_runs/filter", json={"limit": 50}, timeout=30).json()
            assert any(r["parameters"].get("db") == str(other_db) for r in flow_runs), flow_runs
            started = time.monotonic()
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=10)
            stopped_in = time.monotonic() - started
        finally:
            if serve.poll() is None:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait()
    assert stopped_in <= 10, stopped_in
    assert not (tmp_path / "prefect" / SERVER_FILE).exists()  # the server it named is gone, and so is the name
    left = processes.marked(MARK, mark)
    assert not left, left
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        runs = con.execute("select status from runs").fetchall()
        articles = con.execute("select count(*) from articles").fetchone()
    finally:
        con.close()
    assert ("completed",) in runs and articles is not None and articles[0] > 0
