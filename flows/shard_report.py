"""The planner's report: which shard ran which sources on which worker, and every source's counts.

The counts are the shards' own report rows (``run_sources``), read from the warehouse by the
flow run that wrote them; a source of a shard that never loaded it gets a ``not_run`` row naming
the shard and why. The report is one Markdown artifact and one table artifact of the planner's
flow run, and the problems that decide its final state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows import limits
from flows.alerts import Problem
from flows.report import source_row, table
from flows.shard_runs import ShardRun
from warehouse.db import connect
from warehouse.load import LoadReport
from warehouse.read import loaded_reports, runs_of_flow_run

PLANNER_TABLE_KEY = "trawl-planner-sources"
PLANNER_REPORT_KEY = "trawl-planner-report"
NOT_RUN = "not_run"


def final_runs(runs: Sequence[ShardRun]) -> list[ShardRun]:
    """The last flow run of each shard (a re-run replaces the run it re-ran), by shard number."""
    last: dict[int, ShardRun] = {}
    for run in runs:
        last[run.shard.number] = run
    return [last[n] for n in sorted(last)]


def _loaded(db: Path, runs: Sequence[ShardRun]) -> dict[str, dict[str, LoadReport]]:
    """flow run id -> source -> its report row, for the shards' flow runs."""
    if not db.exists():
        return {}
    with limits.warehouse_writer(db, "read the shards' reports"):
        con = connect(db, read_only=True)
        try:
            return {
                run.flow_run_id: {
                    r.source: r
                    for run_id in runs_of_flow_run(con, run.flow_run_id)
                    for r in loaded_reports(con, run_id)
                }
                for run in runs
            }
        finally:
            con.close()


def source_rows(db: Path, runs: Sequence[ShardRun]) -> list[dict[str, Any]]:
    """One row per source of the night: its shard, flow run and worker, then its report row."""
    final = final_runs(runs)
    loaded = _loaded(db, final)
    rows = []
    for run in final:
        for key in run.shard.sources:
            report = loaded.get(run.flow_run_id, {}).get(key)
            if report is None:
                why = f"{run.shard.name} ended {run.state}: {run.message or 'no report of this source'}"
                report = LoadReport(run_id="-", source=key, status=NOT_RUN, error=why)
            where = {"shard": run.shard.name, "flow_run": run.flow_run_name, "worker": run.worker}
            rows.append({**where, **source_row(report)})
    return sorted(rows, key=lambda r: str(r["source"]))


def problems(rows: Sequence[dict[str, Any]], runs: Sequence[ShardRun]) -> list[Problem]:
    """Every source not ok (named with its shard, flow run and worker), a shard that failed with
    all its sources ok, and each shard run that had to be re-run (a warning)."""
    found = []
    for row in rows:
        if row["status"] in ("ok", "degraded"):
            continue
        where = f"{row['shard']} ({row['flow_run']} on worker {row['worker']})"
        found.append(Problem(str(row["source"]), str(row["status"]), f"{where}: {row['error']}"))
    named = {p.source for p in found}
    for run in final_runs(runs):
        if not run.ok and not named & set(run.shard.sources):
            found.append(Problem(run.shard.name, run.state.lower(), f"{run.flow_run_name}: {run.message}"))
    last = {run.shard.number: run for run in runs}
    for run in runs:
        if run is not last[run.shard.number]:
            again = last[run.shard.number]
            reason = f"{run.flow_run_name} ended {run.state} on worker {run.worker} ({run.message}); re-run as {again.flow_run_name}"
            found.append(Problem(run.shard.name, "re-run", reason, severity="warning"))
    return found


def markdown(
    title: str, status: str, rows: Sequence[dict[str, Any]], runs: Sequence[ShardRun], found: Sequence[Problem]
) -> str:
    """The planner's Markdown report: problems, the shards (every flow run), then every source."""
    lines = [f"# trawl planner `{title}`: {status}", ""]
    if found:
        lines += ["## Problems", ""]
        lines += [f"- **{p.source}** {p.kind}: {p.reason.splitlines()[0][:300]}" for p in found]
        lines.append("")
    lines += ["## Shards", "", "| shard | flow run | worker | state | sources | note |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {r.shard.name} | {r.flow_run_name} | {r.worker} | {r.state} | {', '.join(r.shard.sources)} | {r.note or '-'} |"
        for r in runs
    ]
    lines += [
        "",
        "## Sources",
        "",
        "| source | shard | worker | status | discovered | fetched | new | updated | duplicates | discarded | failed | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['source']} | {r['shard']} | {r['worker']} | {r['status']} | {r['discovered']} | {r['fetched']}"
        f" | {r['new_documents']} | {r['new_versions']} | {r['duplicates']} | {r['discarded']} | {r['failed']} | {r['seconds']} |"
        for r in rows
    ]
    return "\n".join(lines)


def publish(
    title: str, status: str, rows: Sequence[dict[str, Any]], runs: Sequence[ShardRun], found: Sequence[Problem]
) -> None:
    """The planner's two artifacts: the per-source table (with shard and worker) and the Markdown report."""
    create_table_artifact(
        table=table(list(rows)),
        key=PLANNER_TABLE_KEY,
        description=f"Per-source counts of the shards of {title} ({status})",
    )
    create_markdown_artifact(
        markdown=markdown(title, status, rows, runs, found),
        key=PLANNER_REPORT_KEY,
        description=f"trawl planner {title}: {status}",
    )
