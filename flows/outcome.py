"""How a run ends in Prefect: Completed when every source is fine, Failed naming the failed sources.

A flow returns the state built here. Every source has been loaded and reported by then, so a
Failed run still carries its complete report: Prefect shows the state's message (the failed
sources and why) on the flow run page and in the runs list; the artifacts are attached as usual.
Quality warnings alone keep the run Completed, under the state name ``Completed with warnings``.

Python callers of a flow get the reports back: the return value when it completed, or
``RunFailed.reports`` from the exception a Failed run raises.
"""

from __future__ import annotations

from typing import Any

from prefect.client.schemas.objects import State
from prefect.states import Completed, Failed

from flows.alerts import Problem

WARNINGS_STATE = "Completed with warnings"


class RunFailed(RuntimeError):
    """The run finished, every source reported, and some sources failed."""

    def __init__(self, message: str, reports: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.reports = reports

    def __reduce__(self) -> tuple[Any, ...]:  # survives pickling with its reports (result persistence)
        return (RunFailed, (str(self), self.reports))


def summary(problems: list[Problem]) -> str:
    """One line naming each source with a problem and why."""
    parts = []
    for p in problems:
        reason = (p.reason.splitlines()[0] if p.reason else "")[:160]
        parts.append(f"{p.source} ({p.kind}: {reason})" if reason else f"{p.source} ({p.kind})")
    return "; ".join(parts)


def final_state(reports: list[dict[str, Any]], problems: list[Problem], what: str = "source") -> State[Any]:
    """The flow run's final state for these reports and problems."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if errors:
        failed = sorted({p.source for p in errors})
        message = f"{len(failed)} of {len(reports)} {what}s failed: {summary(errors)}"
        return Failed(message=message[:2000], data=RunFailed(message, reports))
    degraded = sum(1 for r in reports if r.get("status") == "degraded")
    ok = f"{len(reports) - degraded} {what}(s) ok" + (f", {degraded} degraded" if degraded else "")
    if warnings:
        return Completed(name=WARNINGS_STATE, message=f"{ok}, warnings: {summary(warnings)}"[:2000], data=reports)
    return Completed(message=ok, data=reports)
