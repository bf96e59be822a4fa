"""Quality checks of a run, per source: counts read from the warehouse, verdicts stored in it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from transforms.quality import Check, SourceStats, Thresholds, boilerplate_only, evaluate
from warehouse.queries import query

TEXTS_PER_FETCH = 500


def _boilerplate_only(con: duckdb.DuckDBPyConnection, params: dict[str, str], keys: list[str]) -> int:
    """How many of the run's texts are boilerplate only, read a bounded batch at a time."""
    cursor = con.execute(query("run_source_texts"), params)
    found = 0
    while rows := cursor.fetchmany(TEXTS_PER_FETCH):
        found += sum(1 for _, text in rows if boilerplate_only(text, keys))
    return found


def source_stats(con: duckdb.DuckDBPyConnection, run_id: str, source: str, t: Thresholds) -> SourceStats:
    """Gather what the checks need about one source's run."""
    params = {"run_id": run_id, "source": source}
    row = con.execute(query("quality_source_stats"), {**params, "min_words": t.min_words}).fetchone()
    assert row is not None  # the statement always returns one row
    extracted, discarded, empty, missing, future, new, duplicates, baseline, days = row
    keys = [r[0] for r in con.execute(query("boilerplate_keys"), {"source": source}).fetchall()]
    only = _boilerplate_only(con, params, keys) if keys else 0
    fetches = con.execute(query("quality_fetch_failures"), params).fetchone()
    assert fetches is not None  # an aggregate: always one row
    return SourceStats(
        source=source,
        extracted=int(extracted),
        discarded=int(discarded),
        empty=int(empty),
        missing_metadata=int(missing),
        future_dates=int(future),
        new_documents=int(new),
        duplicates=int(duplicates),
        duplicate_baseline=float(baseline) if baseline is not None else None,
        days_since_new=float(days) if days is not None else None,
        boilerplate_only=only,
        article_fetches=int(fetches[0]),
        failed_fetches=int(fetches[1] or 0),
    )


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str, thresholds: Mapping[str, Thresholds]) -> list[Check]:
    """Evaluate every source's checks for the run and store them (one transaction)."""
    checks = [c for source, t in thresholds.items() for c in evaluate(source_stats(con, run_id, source, t), t)]
    now = datetime.now(UTC)
    rows = [
        {
            "run_id": run_id,
            "source": c.source,
            "check_name": c.check,
            "value": float(c.value) if c.value is not None else None,
            "threshold": float(c.threshold),
            "status": c.status,
            "detail": c.detail,
            "checked_at": now,
        }
        for c in checks
    ]
    if rows:
        con.execute("begin transaction")
        try:
            con.register("batch", pa.Table.from_pylist(rows))
            con.execute(query("insert_quality_checks"))
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        finally:
            con.unregister("batch")
    return checks
