"""Alerts: one JSON webhook notification per run listing its problems (Slack- and Telegram-compatible).

The webhook URL comes from ``$TRAWL_ALERT_WEBHOOK_URL`` or, when that is unset, from the Prefect
Secret block named by ``$TRAWL_ALERT_SECRET_BLOCK`` (default ``trawl-alert-webhook``). It is never
logged. ``$TRAWL_ALERT_CHAT_ID`` adds the ``chat_id`` a Telegram ``sendMessage`` URL needs.

A flow collects every problem of its run (failed, unreachable or blocked sources; quality-check
breaches) into one list and calls :func:`notify` once, at the end. A notification that cannot be
delivered is logged and never fails the run.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any, Literal

import httpx

from flows import settings
from transforms.drops import BLOCKING_STATUSES

DEFAULT_SECRET_BLOCK = "trawl-alert-webhook"
TIMEOUT_S = 10.0
# a source is "blocked" when at least this share of its answered requests were refused
BLOCKED_SHARE = 0.1

Severity = Literal["error", "warning"]


def _logger() -> Any:
    """The flow run's logger (lines show in the UI), or a plain one outside a run."""
    try:
        from prefect import get_run_logger

        return get_run_logger()
    except Exception:
        return logging.getLogger("trawl.alerts")


@dataclass(frozen=True)
class Problem:
    """Something a run's operator must hear about: which source, what kind, why."""

    source: str
    kind: str  # failed | unreachable | blocked | degraded | quality | ...
    reason: str
    severity: Severity = "error"


def source_problems(rows: list[dict[str, Any]]) -> list[Problem]:
    """The problems in a run's per-source report rows (see ``flows.report.source_row``)."""
    problems = []
    for row in rows:
        if row["status"] == "degraded":  # named, but the run goes on
            problems.append(Problem(row["source"], "degraded", str(row.get("error") or ""), severity="warning"))
        elif row["status"] != "ok":
            problems.append(Problem(row["source"], row["status"], str(row.get("error") or row["status"])))
            continue
        answered = int(row["fetched"]) + int(row["not_modified"]) + int(row["failed"])
        if row["blocked"] and row["blocked"] >= max(1.0, BLOCKED_SHARE * answered):
            statuses = "/".join(str(s) for s in sorted(BLOCKING_STATUSES))
            problems.append(Problem(row["source"], "blocked", f"{row['blocked']} requests refused ({statuses})"))
    return problems


def payload(run_id: str, problems: list[Problem], flow_run_url: str | None = None) -> dict[str, Any]:
    """The JSON body: ``text`` for Slack and Telegram, the problems as data for anything else."""
    errors = sum(p.severity == "error" for p in problems)
    head = f"trawl run {run_id}: {errors} source problem(s), {len(problems) - errors} warning(s)"
    lines = [head, *(f"- {p.source} {p.kind}: {p.reason.splitlines()[0][:300] if p.reason else ''}" for p in problems)]
    if flow_run_url:
        lines.append(flow_run_url)
    body: dict[str, Any] = {
        "text": "\n".join(lines),
        "run_id": run_id,
        "flow_run_url": flow_run_url,
        "problems": [asdict(p) for p in problems],
    }
    chat_id = settings.alert_chat_id()
    if chat_id:
        body["chat_id"] = chat_id
    return body


def webhook_url() -> str | None:
    """The configured webhook: the environment first, then the Prefect Secret block."""
    url = settings.alert_webhook_url()
    if url:
        return url
    name = settings.alert_secret_block(DEFAULT_SECRET_BLOCK)
    try:
        from prefect.blocks.system import Secret

        value = Secret.load(name).get()  # type: ignore[union-attr]
    except Exception:  # no such block, or no API: no webhook configured
        return None
    return str(value) if value else None


class _Redact(logging.Filter):
    """Hide the webhook URL from httpx's request log lines."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret in record.getMessage():
            record.msg, record.args = record.getMessage().replace(self.secret, "<webhook>"), None
        return True


def post(url: str, body: dict[str, Any]) -> bool:
    """POST the body; any failure is logged without the URL, never raised."""
    redact = _Redact(url)
    httpx_logger = logging.getLogger("httpx")
    httpx_logger.addFilter(redact)
    try:
        response = httpx.post(url, json=body, timeout=TIMEOUT_S)
        response.raise_for_status()
    except httpx.HTTPStatusError as error:
        _logger().warning("alert webhook answered HTTP %s; alert not delivered", error.response.status_code)
        return False
    except Exception as error:
        _logger().warning("alert webhook unreachable (%s); alert not delivered", type(error).__name__)
        return False
    finally:
        httpx_logger.removeFilter(redact)
    return True


def notify(run_id: str, problems: list[Problem], flow_run_url: str | None = None) -> bool:
    """Send the run's one notification when it has problems; True when one was delivered."""
    if not problems:
        return False
    url = webhook_url()
    if not url:
        _logger().info("%s problem(s) in run %s; no alert webhook configured", len(problems), run_id)
        return False
    delivered = post(url, payload(run_id, problems, flow_run_url))
    if delivered:
        _logger().info("alert sent for run %s: %s problem(s)", run_id, len(problems))
    return delivered
