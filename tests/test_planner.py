"""A sharded night on a real Prefect server: the `planner` deployment deals four demo-like sources on
three loopback hosts (two sources share one) to two shards, two `prefect worker start --limit 1` processes run the shards
side by side into one DuckDB file, and the planner's report names every shard, worker and source.
Then a night with an unreachable source (the planner fails naming it, its shard and worker) and
one whose shard run loses its worker (Crashed at its deadline, re-run once on the other worker)."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import duckdb
import httpx
import pytest

from demo.hosts import HostedSites
from flows.local_server import free_port
from flows.ui import Stack, local_stack
from flows.workers import MARK, pool_workers, wait_online
from tests.processes import marked

SHARD_WORKERS = ("shard-worker-1", "shard-worker-2")
RUN_TIMEOUT_S = 300
LOST_DEADLINE_S = 45.0  # a shard run's deadline in the lost-worker night (a normal one takes ~25 s here)
TERMINAL = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}


def api(stack: Stack, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the server's REST API; retry while it is busy (503, a timeout), as Prefect's own client does."""
    for attempt in range(10):
        try:
            response = httpx.request(method, f"{stack.api_url}{path}", json=body, timeout=30)
        except httpx.TimeoutException:  # the server is busy: ask again (reads only), as for a 503
            if attempt == 9 or not (method == "GET" or path.endswith("/filter")):
                raise
            continue
        if response.status_code not in (429, 503):
            break
        time.sleep(0.5 * 2 ** min(attempt, 4))
    assert response.status_code < 300, response.text
    return response.json()


def artifact(stack: Stack, flow_run_id: str, key: str) -> Any:
    found = api(
        stack,
        "POST",
        "/artifacts/filter",
        {"artifacts": {"key": {"any_": [key]}, "flow_run_id": {"any_": [flow_run_id]}}},
    )
    assert len(found) == 1, (key, found)
    data = found[0]["data"]
    return json.loads(data) if isinstance(data, str) and found[0]["type"] == "table" else data


def wait_final(stack: Stack, flow_run_id: str, logs: Path) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        run = api(stack, "GET", f"/flow_runs/{flow_run_id}")
        if run["state_type"] in TERMINAL:
            return dict(run)
        time.sleep(1)
    tails = {p.name: p.read_text(errors="replace")[-2000:] for p in sorted(logs.glob("*.log"))}
    pytest.fail(f"the planner did not finish in {RUN_TIMEOUT_S} s: {run['state_name']}\n{tails}")


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The hosted sites, a real server with prefect.yaml applied, two shard workers and a planner
    worker; afterwards, the processes the workers left (none: every one is stopped)."""
    base = tmp_path_factory.mktemp("planner")
    mark = uuid.uuid4().hex
    found: dict[str, Any] = {"base": base}
    # kprf_1 and kprf_2 on one host (two ports): one shard must take both
    with HostedSites(hosts={"kprf_1": "127.0.0.1", "kprf_2": "127.0.0.1"}) as sites:
        extra = {
            "TRAWL_SOURCES": str(sites.write_sources(base)),
            "TRAWL_DB": str(base / "trawl.duckdb"),
            "TRAWL_DATA_DIR": str(base / "data"),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",  # a killed worker looks gone after 15 s
        }
        with (
            local_stack(port=free_port(), home=base / "prefect", demo=False, extra_env=extra, worker=False) as stack,
            pool_workers(stack.env, SHARD_WORKERS, base / "logs", mark=mark) as workers,
        ):
            wait_online(stack.api_url, [*SHARD_WORKERS, "planner"])
            yield {**found, "stack": stack, "sites": sites, "workers": workers}
        # the workers and every flow-run process they started are gone, even the failed night's
        assert marked(MARK, mark) == []


def shard_runs(stack: Stack, planner_id: str) -> list[dict[str, Any]]:
    return list(api(stack, "POST", "/flow_runs/filter", {"flow_runs": {"parent_flow_run_id": {"any_": [planner_id]}}}))


def run_planner(
    pool: dict[str, Any], parameters: dict[str, Any], meanwhile: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """One run of the planner deployment, waited for (``meanwhile`` gets its id once it is created);
    its shard runs, their task runs and its artifacts."""
    stack = pool["stack"]
    deployment = api(stack, "GET", "/deployments/name/planner/planner")
    body = {"parameters": {"shards": 2, "poll_s": 1.0, **parameters}}
    started = time.monotonic()
    planner = api(stack, "POST", f"/deployments/{deployment['id']}/create_flow_run", body)
    meanwhile(planner["id"])
    planner = wait_final(stack, planner["id"], pool["base"] / "logs")
    shards = shard_runs(stack, planner["id"])
    ids = [r["id"] for r in shards]
    return {
        "planner": planner,
        "shards": shards,
        "tasks": api(stack, "POST", "/task_runs/filter", {"flow_runs": {"id": {"any_": ids}}}),
        "table": artifact(stack, planner["id"], "trawl-planner-sources"),
        "report": artifact(stack, planner["id"], "trawl-planner-report"),
        "seconds": time.monotonic() - started,
    }


def read_warehouse(db: Path) -> dict[str, Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            name: con.execute(sql).fetchall()
            for name, sql in {
                "runs": "select run_id, flow_run_id, started_at, finished_at, status from runs",
                "fetches": "select distinct source, run_id, url from fetches",
                "pages": "select p.source, p.url from page_versions p join documents d using (doc_id)"
                " where p.valid_to is null and d.kind = 'article'",
                "run_sources": "select source, status, new_documents, duplicates, discovered, fetched from run_sources",
            }.items()
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def night(pool: dict[str, Any]) -> dict[str, Any]:
    """The night of the four hosted sources, from the workers' environment."""
    ran = run_planner(pool, {})
    requests = pool["sites"].requests.snapshot()
    return {**ran, **read_warehouse(pool["base"] / "trawl.duckdb"), "sites": pool["sites"], "requests": requests}


@pytest.fixture(scope="module")
def failed_night(pool: dict[str, Any], night: dict[str, Any]) -> dict[str, Any]:
    """A night of one live source and one whose host does not answer, into another warehouse
    (sources file, warehouse and data folder passed to the shards as parameters)."""
    base = pool["base"] / "failed"
    with socket.socket() as closed:
        closed.bind(("127.0.0.5", 0))
        dead = f"http://127.0.0.5:{closed.getsockname()[1]}/"
    live = pool["sites"].urls["movimento_2"]
    base.mkdir()
    (base / "sources.toml").write_text(
        "".join(
            f'[sources.{key}]\nurl = "{url}"\ncrawl = {{ polite = false, allow_private_addresses = true }}\n\n'
            for key, url in (("live", live), ("dead", dead))
        )
    )
    parameters = {
        "sources_file": str(base / "sources.toml"),
        "db": str(base / "w.duckdb"),
        "data_dir": str(base / "data"),
    }
    return run_planner(pool, parameters)


@pytest.fixture(scope="module")
def lost_worker(pool: dict[str, Any], failed_night: dict[str, Any]) -> dict[str, Any]:
    """One source in one shard; once its run is Running, its worker and its flow process are
    SIGKILLed, which leaves the run Running (Prefect issue 16746) until the planner's deadline."""
    base = pool["base"] / "lost"
    killed: dict[str, Any] = {}

    def kill_once_running(planner_id: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            running = [r for r in shard_runs(pool["stack"], planner_id) if r["state_type"] == "RUNNING"]
            if running and running[0]["infrastructure_pid"] and running[0]["labels"].get("prefect.worker.name"):
                run = running[0]
                killed["worker"] = run["labels"]["prefect.worker.name"]
                pool["workers"][killed["worker"]].kill()  # the worker first: nobody reports the crash
                pool["workers"][killed["worker"]].wait(timeout=10)
                os.killpg(int(run["infrastructure_pid"]), signal.SIGKILL)  # the flow run leads its group
                return
            time.sleep(0.2)
        pytest.fail("the shard run never started Running")

    parameters = {"shards": 1, "only": ["movimento_1"], "db": str(base / "w.duckdb"), "data_dir": str(base / "data")}
    ran = run_planner(pool, {**parameters, "shard_timeout_s": LOST_DEADLINE_S}, kill_once_running)
    return {**ran, **read_warehouse(base / "w.duckdb"), "killed": killed["worker"]}


def test_the_planner_completes_with_every_source_ok(night: dict[str, Any]) -> None:
    planner = night["planner"]
    assert planner["state_type"] == "COMPLETED", planner["state"]["message"]
    assert planner["state"]["message"] == "4 source(s) ok"
    print(f"sharded night: {night['seconds']:.0f} s from the planner's start to its end")


def test_each_source_is_crawled_once_by_two_workers_and_no_host_is_in_two_shards(night: dict[str, Any]) -> None:
    shards = night["shards"]
    assert sorted(r["name"] for r in shards) == ["shard-1-of-2", "shard-2-of-2"]
    assert all(r["state_type"] == "COMPLETED" for r in shards), [r["state"] for r in shards]
    workers = {r["id"]: r["labels"]["prefect.worker.name"] for r in shards}
    assert sorted(workers.values()) == sorted(SHARD_WORKERS)  # one shard each
    sites = night["sites"]
    crawls = Counter(t["name"] for t in night["tasks"] if t["name"].startswith("crawl-"))
    assert crawls == Counter({f"crawl-{key}": 1 for key in sites.urls})
    # each post was requested once, over all workers: no source crawled twice
    for key in sites.urls:
        paths = Counter(unquote(r.path) for r in night["requests"] if r.site == key and r.method == "GET")
        posts = {unquote(a.path) for a in sites.sites[key].articles}
        assert {p: paths[p] for p in posts} == dict.fromkeys(posts, 1), key
    # every warehouse run is one shard's, and the hosts each shard requested are its own
    run_shard = {run_id: flow_run_id for run_id, flow_run_id, *_ in night["runs"]}
    assert sorted(run_shard.values()) == sorted(workers)
    hosts: dict[str, set[str]] = {}
    for _source, run_id, url in night["fetches"]:
        hosts.setdefault(run_shard[run_id], set()).add(urlsplit(url).hostname or "")
    first, second = hosts.values()
    assert not first & second, hosts
    assert (
        first | second == {urlsplit(u).hostname for u in sites.urls.values()} == {"127.0.0.1", "127.0.0.3", "127.0.0.4"}
    )
    assert {source: len({r for s, r, _ in night["fetches"] if s == source}) for source in sites.urls} == dict.fromkeys(
        sites.urls, 1
    )
    # the two shards ran side by side: the warehouse's runs of one night overlap
    starts, ends = [r[2] for r in night["runs"]], [r[3] for r in night["runs"]]
    assert max(starts) < min(ends), night["runs"]


def test_every_article_lands_in_the_warehouse(night: dict[str, Any]) -> None:
    sites = night["sites"]
    landed: dict[str, set[str]] = {}
    for source, url in night["pages"]:
        landed.setdefault(source, set()).add(unquote(url))
    assert landed == {key: sites.article_urls(key) for key in sites.urls}
    assert all(status == "completed" for *_, status in night["runs"])


def test_the_planner_report_names_each_sources_shard_and_worker(night: dict[str, Any]) -> None:
    shards = {r["name"]: r for r in night["shards"]}
    table = {row["source"]: row for row in night["table"]}
    assert set(table) == set(night["sites"].urls)
    for source, row in table.items():
        run = shards[row["shard"]]
        assert source in run["parameters"]["only"]
        assert row["flow_run"] == row["shard"] and row["worker"] == run["labels"]["prefect.worker.name"]
    counts = {s: (status, new, dup, disc, fetched) for s, status, new, dup, disc, fetched in night["run_sources"]}
    assert {
        s: (r["status"], r["new_documents"], r["duplicates"], r["discovered"], r["fetched"]) for s, r in table.items()
    } == counts
    assert all(new + dup > 0 for _, new, dup, *_ in counts.values())
    report = night["report"]
    for name, run in shards.items():
        line = f"| {name} | {name} | {run['labels']['prefect.worker.name']} | Completed | {', '.join(run['parameters']['only'])} |"
        assert line in report, report


def test_a_failed_shard_fails_the_planner_naming_the_shard_worker_and_source(failed_night: dict[str, Any]) -> None:
    planner, shards = failed_night["planner"], {r["name"]: r for r in failed_night["shards"]}
    assert sorted((r["parameters"]["only"], r["state_type"]) for r in shards.values()) == [
        (["dead"], "FAILED"),
        (["live"], "COMPLETED"),
    ]
    dead = next(r for r in shards.values() if r["parameters"]["only"] == ["dead"])
    worker = dead["labels"]["prefect.worker.name"]
    assert planner["state_type"] == "FAILED"
    message = planner["state"]["message"]
    assert message.startswith("1 of 2 sources failed: dead (unreachable: ")
    assert f"{dead['name']} ({dead['name']} on worker {worker})" in message
    rows = {row["source"]: row for row in failed_night["table"]}
    assert (rows["dead"]["status"], rows["dead"]["shard"], rows["dead"]["worker"]) == (
        "unreachable",
        dead["name"],
        worker,
    )
    assert rows["live"]["status"] == "ok" and int(rows["live"]["new_documents"]) > 0
    assert f"| {dead['name']} | {dead['name']} | {worker} | Failed | dead |" in failed_night["report"]


def test_a_run_left_running_by_a_killed_worker_is_crashed_and_rerun_once(
    pool: dict[str, Any], lost_worker: dict[str, Any]
) -> None:
    killed = lost_worker["killed"]
    runs = {r["name"]: r for r in lost_worker["shards"]}
    assert sorted(runs) == ["shard-1-of-1", "shard-1-of-1-rerun-1"]
    lost, rerun = runs["shard-1-of-1"], runs["shard-1-of-1-rerun-1"]
    assert lost["state_type"] == "CRASHED" and lost["labels"]["prefect.worker.name"] == killed
    assert lost["state"]["message"].endswith(f"on worker {killed}, which is gone: set Crashed by the planner")
    survivor = next(name for name in SHARD_WORKERS if name != killed)
    assert rerun["state_type"] == "COMPLETED" and rerun["labels"]["prefect.worker.name"] == survivor
    planner = lost_worker["planner"]
    assert (planner["state_type"], planner["state_name"]) == ("COMPLETED", "Completed with warnings")
    assert "shard-1-of-1 (re-run: shard-1-of-1 ended Crashed on worker " + killed in planner["state"]["message"]
    [row] = lost_worker["table"]
    assert (row["source"], row["status"], row["flow_run"], row["worker"]) == (
        "movimento_1",
        "ok",
        rerun["name"],
        survivor,
    )
    assert {unquote(url) for _, url in lost_worker["pages"]} == pool["sites"].article_urls("movimento_1")
    assert f"| shard-1-of-1 | shard-1-of-1 | {killed} | Crashed | movimento_1 |" in lost_worker["report"]
