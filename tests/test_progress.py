"""`trawl demo` in a pseudo-terminal: a progress line per source while the crawl runs, log lines
above the progress lines, no Scrapy stats dump in the log."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

TRAWL = str(Path(sys.executable).with_name("trawl"))
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
SOURCES = ("kprf_demo", "movimento_demo")


def test_trawl_demo_in_a_terminal_shows_progress_per_source_and_quiet_logs(tmp_path: Path) -> None:
    command = f"{TRAWL} demo --db {shlex.quote(str(tmp_path / 'w.duckdb'))} --data-dir {shlex.quote(str(tmp_path))}"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"COLUMNS": "160", "LINES": "50"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    typescript = tmp_path / "typescript"
    done = subprocess.run(
        ["script", "-qec", command, str(typescript)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )
    raw = typescript.read_bytes()
    text = ANSI.sub(b"", raw).decode("utf-8", errors="replace").replace("\r", "\n")
    assert done.returncode == 0, text[-3000:]
    for source in SOURCES:
        first_progress = text.find(f"{source}{' ' * (19 - len(source))}crawl")
        crawl_finished = text.find(f"trawl crawl {source}: finished")
        assert 0 <= first_progress < crawl_finished, (source, first_progress, crawl_finished)
        assert re.search(rf"{source} +extract +\d+/\d+ pages extracted", text), source
        assert re.search(rf"{source} +load +1/1 loaded", text), source
        # a log line is printed on a line of its own (above the progress lines), never after one
        assert re.search(rf"(^|\n)[0-9:.]+ \| INFO +\| Task run 'load-{source}' - loaded {source}: ok", text), source
    assert "scrapy stats" not in text and '"log_count/INFO"' not in text
    assert "Run summary" in text
