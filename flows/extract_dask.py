"""Extraction of a crawl's pages on a Dask cluster: batches of page references mapped with prefect-dask.

``[extract] engine = "dask"`` (flows/extract_settings.py) sends a crawl's extraction here
instead of the local process pool (flows/extract.py). The flow process reads the crawl's
manifest into page references (a WARC file and an offset each, never the HTML), cuts them
into batches, and keeps a bounded number of batches in flight on a ``DaskTaskRunner``: a
``LocalCluster`` of ``workers`` processes, or the running cluster at ``address``. Each Dask
worker reads its pages from the archive itself (so the archive must be on a disk every worker
sees at the same path) and parses them in a child process of its own, as the local pool does,
so that a page over its time gets that child killed and becomes a ``timeout`` discard while
the batch and the rest go on; a batch Dask loses (a worker died) becomes one discard per page.
The results are written in page order to the same ``extracted.jsonl`` the loader reads.

Dask workers record their task runs through the Prefect API of the flow, so a real one is
required (``$PREFECT_API_URL``: ``trawl run`` starts one, ``trawl serve`` keeps one): with
Prefect's ephemeral API each worker process would boot a server of its own.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any, cast

from distributed import WorkerPlugin
from pebble import ProcessPool
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner
from prefect_dask.task_runners import DaskTaskRunner

from flows.extract import (
    MAX_PAGE_BYTES,
    PAGE_TIMEOUT_S,
    PAGES_PER_WORKER,
    PageRef,
    _done,
    _start_worker,
    _up_to_date,
    article_refs,
    extract_page,
)
from flows.extract_settings import ExtractSettings
from flows.local_server import answers
from spiders.folder import CrawlFolder
from transforms.records import Discard
from transforms.serialize import to_dict

# batches handed to the cluster ahead of the one being written, per worker thread
BATCHES_IN_FLIGHT_PER_THREAD = 2
# how long to wait for a running cluster's scheduler to answer
CONNECT_TIMEOUT_S = 15
DAEMONIC = (
    "the Dask worker is a daemonic process, which cannot start the parser process that a page's timeout "
    "kills: start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
)
# what a Dask worker process needs in its environment (the Prefect API, no analytics)
WORKER_ENV = ("PREFECT_API_URL", "PREFECT_HOME", "PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK")


# prefect-dask's runner, as Prefect's flow options type it
Runner = TaskRunner[PrefectFuture[Any]]


class DaskUnavailable(RuntimeError):
    """Extraction on Dask cannot start: no real Prefect API, or no usable cluster (the message says which)."""


@dataclass(frozen=True)
class Batch:
    """What one Dask task did: the Dask worker process that ran it, and a row per page, in order."""

    pid: int
    rows: list[dict[str, Any]]


@dataclass
class DaskExtraction:
    """A crawl extracted on Dask: the file written, its pages, and the batches each worker process ran."""

    target: Path
    pages: int = 0
    batches: int = 0
    failed_batches: int = 0
    workers: Counter[int] = field(default_factory=Counter)


_pool_lock = threading.Lock()
_pool: ProcessPool | None = None


def _parser_pool(size: int) -> ProcessPool:
    """This Dask worker's killable parser processes, started on its first batch and kept for the
    next ones (a replaced process pays its imports and warm-up again: ~2 s)."""
    global _pool
    with _pool_lock:
        if _pool is None or not _pool.active:
            _pool = ProcessPool(
                max_workers=size,
                max_tasks=PAGES_PER_WORKER,
                initializer=_start_worker,
                initargs=(os.getpid(),),
                context=get_context("spawn"),
            )
        return _pool


def stop_parser_pool() -> None:
    """Stop this worker's parser processes (else they hold its exit: 4 s, then the nanny kills it)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.stop()  # type: ignore[no-untyped-call]  # pebble has no annotations
            _pool.join()
            _pool = None


class ParserPools(WorkerPlugin):  # type: ignore[misc]  # distributed's classes are untyped
    """Registered on every worker of the cluster: stops its parser processes when it closes."""

    name = "trawl-parser-pool"

    def teardown(self, worker: Any) -> None:
        stop_parser_pool()


def _worker_threads() -> int:
    from distributed import get_worker

    try:
        return max(1, get_worker().state.nthreads)
    except ValueError:  # not in a Dask worker (called directly)
        return 1


@task(name="extract-batch", cache_policy=NO_CACHE, persist_result=False)
def extract_batch(refs: list[PageRef], timeout: float = PAGE_TIMEOUT_S) -> Batch:
    """Extract a batch of archived pages in this Dask worker, a timeout per page; a page that
    raises or times out is a Discard with its reason."""
    if multiprocessing.current_process().daemon:  # a systemic fault, not a bad page: fail the extraction
        raise DaskUnavailable(DAEMONIC)
    pool = _parser_pool(_worker_threads())
    futures = [
        None if (ref.size or 0) > MAX_PAGE_BYTES else pool.schedule(extract_page, (ref,), timeout=timeout)
        for ref in refs
    ]
    return Batch(os.getpid(), [_done(ref, future, timeout) for ref, future in zip(refs, futures, strict=True)])


def _rows(refs: list[PageRef], future: PrefectFuture[Batch], run: DaskExtraction) -> list[dict[str, Any]]:
    """A batch's rows; a batch that failed as a whole (its worker died, the task raised) is a discard per page."""
    try:
        batch = future.result()
    except DaskUnavailable:
        raise
    except Exception as error:
        run.failed_batches += 1
        detail = f"batch lost on Dask: {type(error).__name__}: {error}"[:300]
        return [to_dict(Discard(ref.url, "extraction_error", detail)) for ref in refs]
    run.workers[batch.pid] += 1
    return batch.rows


@flow(name="extract-dask", persist_result=False)
def extract_on_dask(
    out_dir: str,
    target: str,
    date_floor: date | None = None,
    batch_size: int = 100,
    in_flight: int = 2,
    timeout: float = PAGE_TIMEOUT_S,
    on_page: Callable[[int, int], None] | None = None,
) -> DaskExtraction:
    """Extract a crawl's article pages on the flow's DaskTaskRunner, ``batch_size`` pages per task and
    at most ``in_flight`` batches out at once, into ``target`` (JSON lines, page order, rewritten whole)."""
    runner = FlowRunContext.get().task_runner  # type: ignore[union-attr]  # inside this flow run
    if isinstance(runner, DaskTaskRunner):
        runner.client.register_plugin(ParserPools())  # the cluster starts here, on first use
    refs = article_refs(Path(out_dir), date_floor)
    batches = [refs[i : i + batch_size] for i in range(0, len(refs), batch_size)]
    run = DaskExtraction(Path(target), len(refs), len(batches))
    partial = run.target.with_suffix(".jsonl.part")
    run.target.parent.mkdir(parents=True, exist_ok=True)
    done = 0
    if on_page is not None:
        on_page(0, len(refs))
    window: deque[tuple[list[PageRef], PrefectFuture[Batch]]] = deque()
    with partial.open("w", encoding="utf-8") as handle:

        def write(pages: list[PageRef], future: PrefectFuture[Batch]) -> None:
            nonlocal done
            rows = _rows(pages, future, run)
            handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            done += len(rows)
            if on_page is not None:
                on_page(done, len(refs))

        for batch in batches:  # a bounded number of batches out: results never pile up in memory
            window.append((batch, extract_batch.submit(batch, timeout)))
            if len(window) >= in_flight:
                write(*window.popleft())
        while window:
            write(*window.popleft())
    partial.replace(run.target)
    get_run_logger().info(
        "%s pages in %s batches on %s Dask worker processes (batches per pid: %s); %s batches lost",
        run.pages,
        run.batches,
        len(run.workers),
        dict(run.workers),
        run.failed_batches,
    )
    return run


def prefect_api() -> str:
    """The real Prefect API this process's flow runs use, which the Dask workers will use too."""
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()
    if not api:
        raise DaskUnavailable(
            '[extract] engine = "dask" needs a real Prefect API, and $PREFECT_API_URL is not set: with '
            "Prefect's ephemeral API each Dask worker would start a server of its own. Run through "
            "`trawl run` (it starts one), against `trawl serve` / `trawl ui`, or set PREFECT_API_URL."
        )
    if not answers(api.rstrip("/")):
        raise DaskUnavailable(f'[extract] engine = "dask": the Prefect API at {api} does not answer')
    return str(api).rstrip("/")


def _worker_facts(dask_worker: Any) -> dict[str, Any]:
    """Run on each worker of a running cluster (``Client.run`` passes the worker): can it run trawl's batches?"""
    api = os.environ.get("PREFECT_API_URL")
    return {
        "daemon": multiprocessing.current_process().daemon,
        "api": api,
        "api_answers": bool(api) and answers(str(api).rstrip("/")),
        "threads": dask_worker.state.nthreads,
    }


def _cluster_threads(address: str) -> int:
    """The worker threads of the running cluster at ``address``, once every worker is checked
    to be usable (reachable, allowed child processes, a Prefect API that answers)."""
    from distributed import Client

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)  # type: ignore[no-untyped-call]
    except OSError as error:
        raise DaskUnavailable(f"[extract] address {address}: no Dask scheduler answered ({error})") from error
    with client:
        facts: dict[str, dict[str, Any]] = client.run(_worker_facts)
    if not facts:
        raise DaskUnavailable(f"[extract] address {address}: the cluster has no workers")
    problems = []
    for worker, fact in sorted(facts.items()):
        if fact["daemon"]:
            problems.append(f"{worker}: {DAEMONIC}")
        if not fact["api_answers"]:
            problems.append(f"{worker}: no Prefect API answers at its $PREFECT_API_URL ({fact['api']})")
    if problems:
        raise DaskUnavailable(f"[extract] address {address}: " + "; ".join(problems))
    return sum(int(fact["threads"]) for fact in facts.values())


def task_runner(settings: ExtractSettings, api: str) -> tuple[Runner, int]:
    """The DaskTaskRunner the settings ask for, and how many batches it runs at once."""
    if settings.address:
        return cast(Runner, DaskTaskRunner(address=settings.address)), _cluster_threads(settings.address)
    workers = settings.workers or os.cpu_count() or 1
    env = {name: os.environ[name] for name in WORKER_ENV if name in os.environ} | {"PREFECT_API_URL": api}
    cluster = {
        "n_workers": workers,
        "threads_per_worker": 1,  # one batch at a time per worker process, parsed in its child
        "processes": True,
        "host": "127.0.0.1",  # scheduler, workers and dashboard on loopback only
        "dashboard_address": "127.0.0.1:0",
        "env": env,
        "silence_logs": logging.WARNING,
    }
    return cast(Runner, DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=cluster)), workers


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def extract_crawl_on_dask(
    out_dir: Path,
    settings: ExtractSettings,
    date_floor: date | None = None,
    on_page: Callable[[int, int], None] | None = None,
    timeout: float = PAGE_TIMEOUT_S,
) -> DaskExtraction:
    """``extract_crawl`` on Dask: the crawl's pages into ``out_dir/extracted.jsonl``, unless up to date."""
    import dask

    target = CrawlFolder(out_dir).extracted
    if _up_to_date(target, out_dir):
        return DaskExtraction(target)
    runner, threads = task_runner(settings, prefect_api())
    # the parser child of each worker needs a non-daemonic worker process (read by the LocalCluster's
    # nannies); the scheduler and nannies of a LocalCluster log every connection at INFO in this process
    with dask.config.set({"distributed.worker.daemon": False}), _quiet("distributed"):
        result: DaskExtraction = extract_on_dask.with_options(task_runner=runner)(
            str(out_dir),
            str(target),
            date_floor,
            settings.batch_size,
            BATCHES_IN_FLIGHT_PER_THREAD * threads,
            timeout,
            on_page,
        )
    return result
