"""Progress of a run, per source and stage (crawl, extract, load), told as it happens.

Stages call :func:`report`; what listens is up to the caller: the CLI's terminal display
(:func:`terminal`, one rich progress line per source with counts, rate and, where the total is
known, an ETA) and, inside a Prefect task run, a progress artifact per source that the Prefect
UI shows filling up (crawl to 40 %, extraction to 80 %, the load to 100 %).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

Sink = Callable[[str, str, int, int | None], None]
# where each stage ends on the artifact's 0-100 scale
STAGE_END = {"crawl": 40.0, "extract": 80.0, "load": 100.0}
STAGE_START = {"crawl": 0.0, "extract": 40.0, "load": 80.0}
# an artifact is updated at most this often (seconds) per source
ARTIFACT_EVERY_S = 2.0

_sinks: list[Sink] = []
_lock = threading.Lock()
_artifacts: dict[str, tuple[UUID, float]] = {}


def report(source: str, stage: str, done: int, total: int | None = None) -> None:
    """``done`` of ``total`` (None: not known yet) items of a source's stage are through."""
    with _lock:
        sinks = list(_sinks)
    for sink in sinks:
        with suppress(Exception):  # a display fault never stops a run
            sink(source, stage, done, total)
    with suppress(Exception):
        _artifact(source, stage, done, total)


def _percent(stage: str, done: int, total: int | None) -> float:
    start, end = STAGE_START[stage], STAGE_END[stage]
    share = min(1.0, done / total) if total else 0.0
    return round(start + (end - start) * share, 1)


def _artifact(source: str, stage: str, done: int, total: int | None) -> None:
    """The source's progress artifact in the Prefect UI (only inside a flow run)."""
    from prefect.artifacts import create_progress_artifact, update_progress_artifact
    from prefect.context import FlowRunContext, TaskRunContext

    if FlowRunContext.get() is None and TaskRunContext.get() is None:
        return
    value = _percent(stage, done, total)
    final = total is not None and done >= total
    with _lock:
        known = _artifacts.get(source)
        if known is not None and not final and time.monotonic() - known[1] < ARTIFACT_EVERY_S:
            return
    if known is None:
        key = "trawl-progress-" + re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
        made = create_progress_artifact(progress=value, key=key, description=f"Progress of {source} in this run")
        artifact_id = made if isinstance(made, UUID) else UUID(str(made))
    else:
        artifact_id = known[0]
        update_progress_artifact(artifact_id=artifact_id, progress=value)
    with _lock:
        _artifacts[source] = (artifact_id, time.monotonic())


def forget_artifacts() -> None:
    """A new run starts new progress artifacts."""
    with _lock:
        _artifacts.clear()


@contextmanager
def listening(sink: Sink) -> Iterator[None]:
    with _lock:
        _sinks.append(sink)
    try:
        yield
    finally:
        with _lock:
            _sinks.remove(sink)


class _Lines:
    """One rich progress line per source, its description naming the stage and counts."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.lock = threading.Lock()

    def __call__(self, source: str, stage: str, done: int, total: int | None) -> None:
        unit = {"crawl": "pages fetched", "extract": "pages extracted", "load": "loaded"}[stage]
        text = f"{source:<18} {stage:<8} {done}{f'/{total}' if total else ''} {unit}"
        with self.lock:
            if source not in self.tasks:
                self.tasks[source] = self.progress.add_task(text, total=None, rate="")
            task = self.tasks[source]
        self.progress.update(task, description=text, completed=done, total=total)


@contextmanager
def terminal(console: Console) -> Iterator[None]:
    """Show every source's progress on ``console`` while the block runs (nothing when not a terminal)."""
    if not console.is_terminal:
        yield
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    lines = _Lines(progress)
    started: dict[str, float] = {}

    def sink(source: str, stage: str, done: int, total: int | None) -> None:
        begun = started.setdefault(f"{source}/{stage}", time.monotonic())
        lines(source, stage, done, total)
        elapsed = time.monotonic() - begun
        rate = f"{done / elapsed:5.1f}/s" if stage != "load" and elapsed >= 0.5 else ""
        progress.update(lines.tasks[source], rate=rate)

    with progress, listening(sink), _logs_above(progress.console):
        yield


def _console_handlers() -> list[Any]:
    """Prefect's console log handlers (each prints through a rich Console of its own)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    return [h for lg in loggers for h in lg.handlers if isinstance(h, PrefectConsoleHandler)]


class _Above:
    """A file for a log handler's console whose lines print through the live console, above the
    progress lines (rich's own FileProxy is unwrapped by other consoles, so it cannot serve)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        if "\n" in self.pending:
            *lines, self.pending = self.pending.split("\n")
            self.console.print(Text("\n").join(Text.from_ansi(line) for line in lines), soft_wrap=True)
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.write("\n")

    def isatty(self) -> bool:
        return True  # the handler keeps its colours; they are read back from the ANSI codes


@contextmanager
def _logs_above(console: Console, every: float = 0.2) -> Iterator[None]:
    """Log lines printed above the live progress lines, not across them. Prefect sets its
    logging up again when a flow run starts, so handlers are looked for until the end."""
    saved: dict[Any, Any] = {}
    stop = threading.Event()

    def swap() -> None:
        for handler in _console_handlers():
            if handler not in saved:
                saved[handler] = handler.console.file
                handler.console.file = _Above(console)

    def loop() -> None:
        while not stop.wait(every):
            with suppress(Exception):
                swap()

    swap()
    thread = threading.Thread(target=loop, name="trawl-logs-above", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 1)
        for handler, stream in saved.items():
            handler.console.file = stream


def count_lines(path: Path, offset: int, lines: int) -> tuple[int, int]:
    """(new offset, lines) after counting the newlines appended to ``path`` since ``offset``."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
    except OSError:
        return offset, lines
    return offset + len(chunk), lines + chunk.count(b"\n")


def watch_lines(path: Path, on_count: Callable[[int], None], every: float = 1.0) -> Callable[[], None]:
    """Call ``on_count`` with the line count of a growing file every ``every`` s; returns stop()."""
    stop = threading.Event()

    def loop() -> None:
        offset, lines = 0, 0
        while not stop.wait(every):
            offset, counted = count_lines(path, offset, lines)
            if counted != lines:
                lines = counted
                on_count(lines)

    thread = threading.Thread(target=loop, name=f"trawl-watch-{path.name}", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=every + 1)

    return halt
