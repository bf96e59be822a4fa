"""The run report as Prefect artifacts: a per-source table, a keyed table per source, a Markdown summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from transforms.quality import WARNING, Check
from warehouse.load import LoadReport

RUN_TABLE_KEY = "trawl-run-sources"
RUN_REPORT_KEY = "trawl-run-report"

COLUMNS = (
    "source",
    "status",
    "discovered",
    "fetched",
    "not_modified",
    "not_due",
    "new_documents",
    "new_versions",
    "gone",
    "duplicates",
    "discarded",
    "discard_reasons",
    "failed",
    "failed_reasons",
    "blocked",
    "boilerplate_removed",
    "crawl_seconds",
    "seconds",
    "error",
)


def load_summary(report: LoadReport) -> str:
    """One line of what a source's load did, for the log."""
    line = (
        f"loaded {report.source}: {report.status}, {report.new_documents} new, {report.new_versions} updated, "
        f"{report.duplicates} duplicates, {report.failed} failed, {report.discarded} discarded"
    )
    return line + (f" ({report.error.splitlines()[0][:200]})" if report.error else "")


def stats_artifact(source: str, stats: Mapping[str, Any]) -> None:
    """A crawl's Scrapy stats as a table artifact of its task run (key ``trawl-crawl-stats-<source>``)."""
    create_table_artifact(
        key=source_key(source).replace("trawl-source-", "trawl-crawl-stats-", 1),
        table=[{"stat": k, "value": str(v)} for k, v in sorted(stats.items())],
        description=f"Scrapy stats of the crawl of {source}",
    )


def source_key(source: str) -> str:
    """The artifact key of one source's history: lower-case letters, digits and dashes only."""
    return "trawl-source-" + re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items()) or "-"


def source_row(report: LoadReport, started_at: Any = None) -> dict[str, Any]:
    """One source's line of the report, as its load counted it (the ``drops`` rows)."""
    start = started_at or report.started_at
    seconds = (report.finished_at - start).total_seconds() if report.finished_at and start else None
    crawl_seconds = report.crawl_stats.get("elapsed_time_seconds")
    row: dict[str, Any] = {name: getattr(report, name, None) for name in COLUMNS}
    row.update(
        discard_reasons=dict(report.discard_reasons),
        failed_reasons=dict(report.failed_reasons),
        crawl_seconds=round(float(crawl_seconds), 1) if crawl_seconds is not None else "-",
        seconds=round(seconds, 1) if seconds is not None else "-",
        error=(report.error or "-")[:300],
    )
    return row


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


@dataclass(frozen=True)
class RunSummary:
    """What the end of a run reports: its status, a row per source, its problems and quality checks."""

    run_id: str
    status: str
    rows: list[dict[str, Any]]
    db: str
    problems: list[Any] = field(default_factory=list)
    quality: list[Check] | None = None


def markdown_report(summary: RunSummary) -> str:
    """A short Markdown report: the problems first, quality warnings, every source, then the SQL to look deeper."""
    run_id, status, rows, db = summary.run_id, summary.status, summary.rows, summary.db
    problems, quality = summary.problems, summary.quality
    warned = quality is not None and any(c.status == WARNING for c in quality)
    lines = [f"# trawl run `{run_id}`: {status}" + (", with quality warnings" if warned else ""), ""]
    if problems:
        lines += ["## Problems", ""]
        lines += [f"- **{p.source}** {p.kind}: {p.reason.splitlines()[0][:300] if p.reason else ''}" for p in problems]
        lines.append("")
    failures = Counter({(row["source"], reason): n for row in rows for reason, n in row["failed_reasons"].items()})
    if failures:
        lines += ["## Top failures", "", "| source | reason | requests |", "|---|---|---|"]
        lines += [f"| {s} | {r} | {n} |" for (s, r), n in failures.most_common(10)]
        lines.append("")
    if quality is not None:
        lines += quality_lines(quality)
    lines += [
        "## Sources",
        "",
        "| source | status | discovered | fetched | 304 | new | updated | duplicates | discarded | failed | blocked | boilerplate lines removed | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['source']} | {r['status']} | {r['discovered']} | {r['fetched']} | {r['not_modified']} | {r['new_documents']}"
        f" | {r['new_versions']} | {r['duplicates']} | {r['discarded']} | {r['failed']} | {r['blocked']}"
        f" | {r['boilerplate_removed']} | {r['seconds']} |"
        for r in rows
    ]
    lines += [
        "",
        "## Look deeper",
        "",
        f'Warehouse: `{db}` (`trawl sql "..."` opens it read-only)',
        "",
        "```sql",
        f"select * from run_sources where run_id = '{run_id}';",
        f"select source, status, error, count(*) from fetches where run_id = '{run_id}' and (error is not null or status >= 400) group by all order by 4 desc;",
        f"select source, stage, reason, count(*) from drops where run_id = '{run_id}' group by all order by 4 desc;",
        f"select * from quality_checks where run_id = '{run_id}' and status <> 'ok';",
        "```",
    ]
    return "\n".join(lines)


def table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as a table artifact shows them: counts by reason spelled out."""
    return [{k: _counts(v) if isinstance(v, dict) else v for k, v in row.items()} for row in rows]


def publish_report(summary: RunSummary) -> None:
    """Attach the run's tables and Markdown report, plus one keyed table per source (its history in the UI)."""
    run_id, status, rows, quality = summary.run_id, summary.status, summary.rows, summary.quality
    create_table_artifact(
        table=table(rows), key=RUN_TABLE_KEY, description=f"Per-source counts of trawl run {run_id} ({status})"
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
        markdown=markdown_report(summary),
        key=RUN_REPORT_KEY,
        description=f"trawl run {run_id}: {status}",
    )
    for row in rows:
        create_table_artifact(
            table=table([{"run_id": run_id, **row}]),
            key=source_key(str(row["source"])),
            description=f"{row['source']} in trawl run {run_id}: {row['status']}",
        )
