"""The run report: a per-source table and a Markdown summary as Prefect artifacts."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from warehouse.load import LoadReport

COLUMNS = (
    "source",
    "status",
    "discovered",
    "fetched",
    "not_modified",
    "failed",
    "extracted",
    "discarded",
    "new_documents",
    "duplicates",
    "new_versions",
    "gone",
    "not_due",
    "dates_rejected",
    "boilerplate_removed",
)


def report_rows(reports: list[LoadReport]) -> list[dict[str, object]]:
    """One row per source with the counts users read first, discard reasons spelled out."""
    rows = []
    for r in reports:
        row: dict[str, object] = {name: getattr(r, name) for name in COLUMNS}
        row["discard_reasons"] = ", ".join(f"{k}: {v}" for k, v in r.discard_reasons.items()) or "-"
        row["error"] = (r.error or "-")[:300]
        seconds = (r.finished_at - r.started_at).total_seconds() if r.finished_at and r.started_at else None
        row["load_seconds"] = round(seconds, 2) if seconds is not None else "-"
        rows.append(row)
    return rows


def markdown_report(run_id: str, status: str, reports: list[LoadReport], db: str) -> str:
    """A short Markdown report: what failed first, then the SQL to look deeper."""
    failed = [r for r in reports if r.status != "ok"]
    lines = [f"# trawl run `{run_id}`: {status}", ""]
    if failed:
        lines += ["## Failed sources", ""]
        lines += [f"- **{r.source}** ({r.status}): {(r.error or '').splitlines()[0][:300]}" for r in failed]
        lines.append("")
    lines += [
        "## Sources",
        "",
        "| source | status | fetched | new | duplicates | discarded | boilerplate lines removed |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.source} | {r.status} | {r.fetched} | {r.new_documents} | {r.duplicates} | {r.discarded} | {r.boilerplate_removed} |"
        for r in reports
    ]
    lines += [
        "",
        "## Look deeper",
        "",
        f"Warehouse: `{db}`",
        "",
        "```sql",
        f"select * from run_sources where run_id = '{run_id}';",
        f"select source, status, error, count(*) from fetches where run_id = '{run_id}' and (error is not null or status >= 400) group by all;",
        f"select source, reason, count(*) from discards where run_id = '{run_id}' group by all order by 3 desc;",
        "```",
    ]
    return "\n".join(lines)


def publish_report(run_id: str, status: str, reports: list[LoadReport], db: str) -> None:
    """Attach the run's table and Markdown report to the flow run (keyed: history in the UI)."""
    create_table_artifact(
        table=report_rows(reports),
        key="trawl-run-sources",
        description=f"Per-source counts of trawl run {run_id} ({status})",
    )
    create_markdown_artifact(
        markdown=markdown_report(run_id, status, reports, db),
        key="trawl-run-report",
        description=f"trawl run {run_id}",
    )
