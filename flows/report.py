"""The run report: a per-source table and a Markdown summary as Prefect artifacts."""

from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from transforms.quality import WARNING, Check
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


def quality_lines(checks: list[Check]) -> list[str]:
    """The run report's quality section: each source with a breached check, and why."""
    warnings = [c for c in checks if c.status == WARNING]
    if not warnings:
        return ["## Quality", "", f"All {len(checks)} quality checks passed.", ""]
    lines = ["## Quality warnings", ""]
    for source in sorted({c.source for c in warnings}):
        found = [c for c in warnings if c.source == source]
        lines.append(
            f"- **{source}**: " + "; ".join(f"{c.check} = {c.value} (limit {c.threshold}): {c.detail}" for c in found)
        )
    return [*lines, ""]


def markdown_report(
    run_id: str, status: str, reports: list[LoadReport], db: str, quality: list[Check] | None = None
) -> str:
    """A short Markdown report: what failed first, quality warnings, then the SQL to look deeper."""
    failed = [r for r in reports if r.status != "ok"]
    warned = quality is not None and any(c.status == WARNING for c in quality)
    lines = [f"# trawl run `{run_id}`: {status}" + (", with quality warnings" if warned else ""), ""]
    if failed:
        lines += ["## Failed sources", ""]
        lines += [f"- **{r.source}** ({r.status}): {(r.error or '').splitlines()[0][:300]}" for r in failed]
        lines.append("")
    if quality is not None:
        lines += quality_lines(quality)
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
        f"select * from quality_checks where run_id = '{run_id}' and status <> 'ok';",
        "```",
    ]
    return "\n".join(lines)


def publish_report(
    run_id: str, status: str, reports: list[LoadReport], db: str, quality: list[Check] | None = None
) -> None:
    """Attach the run's tables and Markdown report to the flow run (keyed: history in the UI)."""
    create_table_artifact(
        table=report_rows(reports),
        key="trawl-run-sources",
        description=f"Per-source counts of trawl run {run_id} ({status})",
    )
    if quality is not None:
        warned = sorted({c.source for c in quality if c.status == WARNING})
        create_table_artifact(
            table=[
                {k: getattr(c, k) for k in ("source", "check", "status", "value", "threshold", "detail")}
                for c in quality
            ],
            key="trawl-quality",
            description=f"Quality checks of trawl run {run_id}: "
            + (f"warnings for {', '.join(warned)}" if warned else "all passed"),
        )
    create_markdown_artifact(
        markdown=markdown_report(run_id, status, reports, db, quality),
        key="trawl-run-report",
        description=f"trawl run {run_id}",
    )
