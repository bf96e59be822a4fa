"""Start one flow run per shard on the work pool and wait for all of them, coping with lost workers.

Each shard is a flow run of the ``nightly/shard`` deployment (``run_deployment(timeout=0)``), so
any worker of the pool may take it. The planner then polls the runs until every one is final. A
run not final at its deadline is looked at:

- still Running while the worker that took it is gone (no heartbeat for three of its intervals,
  or marked offline): a process worker that was shut down leaves its runs Running for ever
  (Prefect issue 16746), so the run is set Crashed and its shard started once more;
- still Running on a live worker: it is slow, not lost; it is set Cancelling (its worker stops
  it) and not re-run; one not Cancelled ``CANCEL_GRACE_S`` later is set Cancelled;
- never taken by a worker (Scheduled, Pending): it is cancelled, so that it never starts late.

A shard run that crashed on its own (its process died under a live worker) is re-run once too;
a Failed shard is not: it ran, and its sources' failures are data (they are in its report).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.objects import FlowRun, WorkerStatus
from prefect.deployments import run_deployment
from prefect.states import Cancelled, Cancelling, Crashed

WORKER_LABEL = "prefect.worker.name"
DEFAULT_HEARTBEAT_S = 30  # a worker's PREFECT_WORKER_HEARTBEAT_SECONDS when it did not say
MISSED_HEARTBEATS = 3  # as Prefect's own server marks a worker offline
RERUNS = 1
CANCEL_GRACE_S = 60.0


@dataclass(frozen=True)
class Shard:
    """The sources one flow run crawls: ``number`` of ``of`` shards of the night."""

    number: int
    of: int
    sources: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"shard-{self.number}-of-{self.of}"


@dataclass(frozen=True)
class ShardRun:
    """One flow run of a shard, as it ended: its state, the worker that ran it, and what the planner did."""

    shard: Shard
    attempt: int
    flow_run_id: str
    flow_run_name: str
    state: str = "Scheduled"
    state_type: str = "SCHEDULED"
    message: str = ""
    worker: str = "-"
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.state_type == "COMPLETED"


def _now() -> datetime:
    return datetime.now(UTC)


def start(shard: Shard, deployment: str, parameters: Mapping[str, Any], attempt: int, key: str | None) -> ShardRun:
    """Create the shard's flow run on the deployment's pool and return at once."""
    name = shard.name if attempt == 1 else f"{shard.name}-rerun-{attempt - 1}"
    flow_run = run_deployment(
        name=deployment,
        parameters={**parameters, "only": list(shard.sources)},
        flow_run_name=name,
        timeout=0,
        tags=["trawl", "shard"],
        idempotency_key=f"{key}/{name}" if key else None,  # a retried planner run starts no second copy
    )
    return ShardRun(shard, attempt, str(cast(FlowRun, flow_run).id), name)


def observed(run: ShardRun, flow_run: FlowRun) -> ShardRun:
    """The run with what the API says about it now."""
    state = flow_run.state
    return replace(
        run,
        state=(state.name or state.type.value.title()) if state else "Scheduled",
        state_type=state.type.value if state else "SCHEDULED",
        message=(state.message or "") if state else "",
        worker=str(flow_run.labels.get(WORKER_LABEL) or run.worker),
    )


def live_workers(client: SyncPrefectClient, pool: str, now: datetime) -> set[str]:
    """The pool's workers that are online and sent a heartbeat within three of their intervals."""
    alive = set()
    for worker in client.read_workers_for_work_pool(pool):
        beat = worker.last_heartbeat_time
        window = timedelta(seconds=MISSED_HEARTBEATS * (worker.heartbeat_interval_seconds or DEFAULT_HEARTBEAT_S))
        if worker.status == WorkerStatus.ONLINE and beat is not None and now - beat <= window:
            alive.add(worker.name)
    return alive


def overdue(client: SyncPrefectClient, run: ShardRun, alive: set[str]) -> tuple[ShardRun, str]:
    """Act on a run past its deadline (see the module docstring): ``rerun`` its shard, ``wait``
    for its worker to cancel it, or ``done``."""
    flow_run_id = UUID(run.flow_run_id)
    if run.state_type == "RUNNING" and run.worker not in alive:
        note = f"Running past its deadline on worker {run.worker}, which is gone: set Crashed by the planner"
        client.set_flow_run_state(flow_run_id, Crashed(message=note), force=True)
        return replace(run, state="Crashed", state_type="CRASHED", message=note, note=note), "rerun"
    if run.state_type == "RUNNING":
        note = f"still Running past its deadline on live worker {run.worker}: cancelled by the planner"
        client.set_flow_run_state(flow_run_id, Cancelling(message=note), force=True)
        return replace(run, note=note), "wait"
    note = run.note or f"{run.state} past its deadline (no worker took it): cancelled by the planner"
    client.set_flow_run_state(flow_run_id, Cancelled(message=note), force=True)
    return replace(run, state="Cancelled", state_type="CANCELLED", message=note, note=note), "done"


def run_shards(
    shards: Sequence[Shard],
    deployment: str,
    parameters: Mapping[str, Any],
    timeout_s: float,
    poll_s: float = 5.0,
    key: str | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> list[ShardRun]:
    """Run every shard on the pool; every flow run started (re-runs included), in order, once all are final."""
    with get_client(sync_client=True) as client:
        pool = client.read_deployment_by_name(deployment).work_pool_name
        if not pool:
            raise ValueError(f"the deployment {deployment} has no work pool")
        runs: list[ShardRun] = []
        waiting: dict[int, datetime] = {}  # index in runs -> deadline

        def launch(shard: Shard, attempt: int) -> None:
            run = start(shard, deployment, parameters, attempt, key)
            say(f"{run.flow_run_name}: flow run {run.flow_run_id} for {', '.join(shard.sources)}")
            runs.append(run)
            waiting[len(runs) - 1] = _now() + timedelta(seconds=timeout_s)

        for shard in shards:
            launch(shard, 1)
        while waiting:
            time.sleep(poll_s)
            now, alive = _now(), None
            for index, deadline in list(waiting.items()):
                run = runs[index] = observed(runs[index], client.read_flow_run(UUID(runs[index].flow_run_id)))
                if run.state_type in ("COMPLETED", "FAILED", "CANCELLED", "CRASHED"):
                    action = "rerun" if run.state_type == "CRASHED" else "done"
                elif now >= deadline:
                    alive = live_workers(client, pool, now) if alive is None else alive
                    run, action = overdue(client, run, alive)
                    runs[index] = run
                else:
                    continue
                if action == "wait":
                    waiting[index] = now + timedelta(seconds=CANCEL_GRACE_S)
                    continue
                del waiting[index]
                say(f"{run.flow_run_name}: {run.state} on {run.worker}" + (f" ({run.message})" if run.message else ""))
                if action == "rerun" and run.attempt <= RERUNS:
                    launch(run.shard, run.attempt + 1)
        return runs
