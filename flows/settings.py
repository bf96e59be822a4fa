"""Where trawl keeps its files, read once from the environment at the edge."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _offline_prefect() -> None:
    """No analytics and no outbound calls from Prefect (set before prefect is imported)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_UI_ENABLED", os.environ.get("PREFECT_UI_ENABLED", "true"))


_offline_prefect()


@dataclass(frozen=True)
class Paths:
    """The data folder (archives, staging) and the warehouse file."""

    data_dir: Path
    db: Path

    @property
    def raw(self) -> Path:
        return self.data_dir / "raw"

    def run_dir(self, source: str, run_id: str) -> Path:
        """The archive folder of one source's crawl in one run: data/raw/<source>/<run_id>/."""
        return self.raw / source / run_id


def variables() -> dict[str, str]:
    """The environment, for ``${NAME}`` values in the sources file (see flows/sources.py)."""
    return dict(os.environ)


def default_sources_file() -> Path:
    return Path(os.environ.get("TRAWL_SOURCES", "sources.toml"))


def max_parallel_crawls(default: int) -> int:
    """$TRAWL_MAX_PARALLEL_CRAWLS, else ``default``; at least 1."""
    return max(1, int(os.environ.get("TRAWL_MAX_PARALLEL_CRAWLS", default)))


def alert_chat_id() -> str | None:
    """$TRAWL_ALERT_CHAT_ID: the chat the alert webhook posts to, when it needs one."""
    return os.environ.get("TRAWL_ALERT_CHAT_ID") or None


def alert_webhook_url() -> str | None:
    """$TRAWL_ALERT_WEBHOOK_URL: the alert webhook, when set in the environment."""
    return os.environ.get("TRAWL_ALERT_WEBHOOK_URL") or None


def alert_secret_block(default: str) -> str:
    """$TRAWL_ALERT_SECRET_BLOCK: the Prefect Secret block holding the webhook URL, else ``default``."""
    return os.environ.get("TRAWL_ALERT_SECRET_BLOCK", default)


def prefect_api_url() -> str | None:
    """$PREFECT_API_URL: the Prefect API to use, when one is configured."""
    return os.environ.get("PREFECT_API_URL") or None


def prefect_home() -> Path:
    """$PREFECT_HOME, else .prefect in the checkout."""
    return Path(os.environ.get("PREFECT_HOME") or PROJECT_ROOT / ".prefect")


def prefect_own_home() -> Path:
    """Where Prefect itself keeps its database when trawl starts no server: $PREFECT_HOME, else
    Prefect's default ~/.prefect (read here, not from Prefect, whose settings are fixed at import)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")


def resolve_paths(db: str | Path | None = None, data_dir: str | Path | None = None) -> Paths:
    """Explicit arguments first, then TRAWL_DATA_DIR / TRAWL_DB, then ./data and ./data/trawl.duckdb."""
    data = Path(data_dir or os.environ.get("TRAWL_DATA_DIR") or "data").resolve()
    database = Path(db or os.environ.get("TRAWL_DB") or data / "trawl.duckdb").resolve()
    return Paths(data, database)


def near_dup_threshold(value: float | None = None) -> float:
    """The near-duplicate Jaccard threshold: the argument, else $TRAWL_NEAR_DUP_THRESHOLD, else 0.8."""
    from transforms.minhash import DEFAULT_THRESHOLD

    return float(value if value is not None else os.environ.get("TRAWL_NEAR_DUP_THRESHOLD", DEFAULT_THRESHOLD))


def new_run_id() -> str:
    """Sortable, unique: UTC time of the start plus a random suffix."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"
