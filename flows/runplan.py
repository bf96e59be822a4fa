"""Incremental runs: complete an unfinished run, and hand each crawl what the warehouse knows.

A run whose process died (SIGKILL, a crash, a reboot) stays ``running`` in ``runs``. The next
run takes over its run id: sources it already loaded are done; every other source continues
in its archive folder (the spider skips the pages that folder already holds, a finished crawl
is not repeated, its extraction is reused) and is loaded in one transaction, as if nothing had
happened. Runs unfinished for longer than ``RESUME_WINDOW`` are marked ``abandoned`` instead.

Before each crawl the source's frontier snapshot (validators, discovery times, states, which
pages are due), its REST API cursor and its known REST names are written beside the archive
(``known.json``, ``rest_names.json``) and named in the crawl job, and a source whose REST
API probe found nothing within ``DISCOVERY_RECHECK`` is not probed again until then; a
source whose REST API works and whose sitemaps were read completely within that time leaves
them out (the API lists every change since the cursor).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from flows import settings
from flows.sources import Source
from spiders.folder import CrawlFolder
from warehouse.load import LoadReport
from warehouse.queries import query
from warehouse.read import (
    frontier_snapshot,
    loaded_reports,
    recent_inventory,
    rest_api_found,
    rest_cursor,
    rest_names,
    unfinished_run,
)

RESUME_WINDOW = timedelta(days=2)
# a page due within this margin after the run starts is fetched now rather than a night late
DUE_GRACE = timedelta(hours=1)
# how long what discovery learnt stays trusted: a blind probe that found no WordPress REST API
# is repeated after this long, and a source whose API works reads its sitemaps this often
DISCOVERY_RECHECK = timedelta(days=7)


@dataclass(frozen=True)
class RunPlan:
    """The run id (new or taken over), the sources it already loaded, and each crawl's frontier inputs."""

    run_id: str
    resumed: bool
    loaded: list[LoadReport] = field(default_factory=list)
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)


def frontier_inputs(con: duckdb.DuckDBPyConnection, source: str, folder: Path, now: datetime) -> dict[str, Any]:
    """Write the source's frontier snapshot and REST names beside its archive; the job keys naming them."""
    folder.mkdir(parents=True, exist_ok=True)
    crawl = CrawlFolder(folder)
    known = crawl.write_json(CrawlFolder.KNOWN, frontier_snapshot(con, source, now + DUE_GRACE))
    inputs: dict[str, Any] = {"known": str(known), "rest_since": rest_cursor(con, source)}
    api = rest_api_found(con, source, now - DISCOVERY_RECHECK)
    if api is False:
        inputs["rest_probe"] = False
    elif api and recent_inventory(con, source, now - DISCOVERY_RECHECK):
        inputs["inventory"] = False
    names = rest_names(con, source)
    if names:
        inputs["rest_names"] = str(crawl.write_json(CrawlFolder.KNOWN_REST_NAMES, names))
    return inputs


def plan_run(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    paths: settings.Paths,
    now: datetime,
    full: bool = False,
    resume: bool = True,
) -> RunPlan:
    """Take over the newest unfinished run (or start one) and prepare every crawl still to do.

    ``full`` (a backfill) hands the crawls an empty frontier: every page is fetched, unconditionally.
    ``resume`` False (a run of chosen sources only) always starts a new run: completing the
    unfinished one needs all its sources.
    """
    con.execute(query("abandon_runs"), {"since": now - RESUME_WINDOW})
    previous = unfinished_run(con, now - RESUME_WINDOW) if resume else None
    run_id = previous or settings.new_run_id()
    loaded = loaded_reports(con, run_id) if previous else []
    done = {r.source for r in loaded}
    inputs = {
        s.key: {} if full else frontier_inputs(con, s.key, paths.run_dir(s.key, run_id), now)
        for s in sources
        if s.key not in done
    }
    return RunPlan(run_id, previous is not None, [r for r in loaded if r.source in {s.key for s in sources}], inputs)


def crawl_rest_names(folder: Path) -> dict[str, dict[str, str]]:
    """The REST API's category and tag names a crawl learned (for the loader)."""
    names: dict[str, dict[str, str]] = CrawlFolder(folder).read_json(CrawlFolder.REST_NAMES, {})
    return names
