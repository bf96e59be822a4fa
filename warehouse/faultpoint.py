"""Named points where a test may stop a process on purpose, to prove what a kill there leaves behind.

``TRAWL_PAUSE_AT=<name>`` in a process's environment makes it, on reaching that point, write the
file named by ``TRAWL_PAUSE_MARKER`` (when set) and sleep until it is killed. Without the variable
a point costs one dictionary lookup. Points: ``rebuild:after-load`` (the rebuild's pages are
loaded, their change records not yet written; all in one transaction); ``load:after-step-<i>``
(a load's step ``i`` committed, the next ones not begun); ``lake:after-land`` (a publish's lake
transaction committed, the staging file's marks of it not yet written).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PAUSE_AT = "TRAWL_PAUSE_AT"
PAUSE_MARKER = "TRAWL_PAUSE_MARKER"


def pause_point(name: str) -> None:
    """Sleep here (for a test to kill the process) when the environment names this point."""
    if os.environ.get(PAUSE_AT) != name:
        return
    marker = os.environ.get(PAUSE_MARKER)
    if marker:
        Path(marker).write_text(f"{os.getpid()} paused at {name}\n", encoding="utf-8")
    while True:
        time.sleep(60)
