"""End-to-end throughput and memory: `trawl run` on a large generated site against bare trafilatura.

For each N (1,000 and 10,000 by default; ``--n 100000`` for the big one) it serves the site of
``bench/bigsite.py`` on loopback (N posts of 42-121 KB, seven languages, a sitemap index), then:

1. **cold run**: `trawl run` into a new warehouse (``polite = false``), timed, with the seconds of
   each stage cut from its log, the peak RSS of every process kind (the run's main process, the
   Scrapy crawl, the extraction workers, Prefect's temporary API), and the site's request count;
2. **bare trafilatura, same run**: ``trafilatura.extract`` over the same HTML (the article
   responses of the cold run's WARC archive) on a pool of all cores: pages/s, and trawl's
   end-to-end pages/s as a ratio of it;
3. **no-change night**: `trawl run` again, nothing changed: wall time, requests, ratios to the cold run;
   then once more against a Prefect API that is already running, as the nightly deployment runs
   (``trawl serve`` or a worker keeps one up): the night without the temporary API's boot;
4. **a night of 10 new posts**: the site served again on the same port with ``GROWN`` newer posts;
   `trawl run`: wall time, requests, and the seconds of index work (search index and checks);
5. **CLI answers** on the warehouse: `trawl search` and an aggregate `trawl sql`, p50/p95 of 10 each.

    .venv/bin/python bench/throughput.py [--n 1000 --n 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from overhead import breakdown  # noqa: E402

TRAWL = str(Path(sys.executable).with_name("trawl"))
KINDS = ("main", "crawl", "extract workers", "Prefect API", "other")
# posts the site gains before the growth night
GROWN = 10
# bare trafilatura is timed on at most this many of the pages (a rate; 100k bodies would take 8 GB)
BARE_SAMPLE = 10_000


def kind_of(cmdline: str, main_pid: int, pid: int) -> str:
    if pid == main_pid:
        return "main"
    if "spiders.crawl" in cmdline:
        return "crawl"
    if "uvicorn" in cmdline:
        return "Prefect API"
    if "multiprocessing" in cmdline or "spawn_main" in cmdline or "forkserver" in cmdline:
        return "extract workers"
    return "other"


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _memory(pid: int) -> tuple[str, float, float] | None:
    """A process's command line, peak resident MB so far (VmHWM) and resident MB now (VmRSS)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    kb = {
        k: int(v.split()[0])
        for k, _, v in (line.partition(":") for line in status.splitlines())
        if k in ("VmHWM", "VmRSS")
    }
    return (cmdline, kb["VmHWM"] / 1024, kb["VmRSS"] / 1024) if len(kb) == 2 else None


@dataclass
class Peaks:
    """The peak RSS (MB) of the biggest process of each kind in a process tree, sampled every 0.2 s."""

    mb: dict[str, float] = field(default_factory=dict)
    main: list[tuple[float, float]] = field(default_factory=list)  # (time, resident MB) of the main process

    def watch(self, root: int, stop: threading.Event) -> None:
        while not stop.is_set():
            todo, seen = [root], set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                todo += _children(pid)
                got = _memory(pid)
                if got:
                    cmdline, peak, now = got
                    kind = kind_of(cmdline, root, pid)
                    self.mb[kind] = max(self.mb.get(kind, 0.0), peak)
                    if pid == root:
                        self.main.append((time.time(), now))
            stop.wait(0.2)


@dataclass
class Run:
    wall: float
    log: str
    start: float
    end: float
    peaks: Peaks
    returncode: int


def timed_run(args: list[str], env: dict[str, str]) -> Run:
    """Run a command, sampling the peak RSS of its process tree."""
    peaks, stop = Peaks(), threading.Event()
    start = time.time()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        watcher = threading.Thread(target=peaks.watch, args=(proc.pid, stop), daemon=True)
        watcher.start()
        code = proc.wait()
        end = time.time()
        stop.set()
        watcher.join()
        out.seek(0)
        log = out.read()
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {code}:\n{log[-3000:]}")
    return Run(end - start, log, start, end, peaks, code)


@contextmanager
def site(n: int, workdir: Path, port: int = 0, extra: int = 0) -> Iterator[str]:
    """Serve the generated site of ``n`` (+ ``extra`` newer) posts on loopback (``port``, or a free
    one); yield its URL."""
    ready = workdir / f"site-{n}.port"
    ready.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "bigsite.py"),
            *("--n", str(n), "--port", str(port), "--extra", str(extra), "--ready", str(ready)),
        ],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 300
        while not ready.exists() or not ready.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the benchmark site did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{ready.read_text()}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def requests_served(url: str) -> int:
    """The site's request count so far (its own counter; trawl never asks for this path)."""
    import httpx

    return int(httpx.get(url + "_bench/requests", timeout=10).text)


def article_bodies(data_dir: Path, limit: int) -> tuple[list[bytes], int]:
    """The HTML of the first ``limit`` article pages the cold run extracted, read from its archive
    as trawl reads it, and the number of article pages."""
    from flows.extract import article_refs
    from spiders.archive import read_record

    bodies: list[bytes] = []
    pages = 0
    for out_dir in sorted(p for p in data_dir.glob("raw/*/*") if (p / "manifest.jsonl").exists()):
        refs = article_refs(out_dir)
        pages += len(refs)
        for ref in refs[: max(0, limit - len(bodies))]:
            bodies.append(read_record(out_dir, ref.warc_file, ref.warc_offset)[1])
    return bodies, pages


def _bare(html: bytes) -> int:
    import trafilatura

    text = trafilatura.extract(html)
    return len(text or "")


def bare_trafilatura(bodies: list[bytes], processes: int) -> float:
    """Seconds for ``trafilatura.extract`` over ``bodies`` on a pool of ``processes`` (started beforehand)."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        pool.map(_bare, bodies[: processes * 2])  # imports done in every worker before the clock starts
        start = time.perf_counter()
        pool.map(_bare, bodies, chunksize=8)
        return time.perf_counter() - start


def cli_times(args: list[str], env: dict[str, str], runs: int = 20) -> tuple[float, float]:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
    walls.sort()
    return statistics.median(walls), walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]


@contextmanager
def prefect_api(workdir: Path) -> Iterator[str]:
    """A Prefect API that stays up across runs (the nightly deployment's case): its URL."""
    from flows.local_server import temporary_api

    home = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(workdir / "prefect")  # the server's database: the runs' own
    try:
        with temporary_api(workdir / "prefect-api.log") as ready:
            yield ready()
    finally:
        if home is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = home


def _sources(path: Path, url: str, n: int) -> None:
    path.write_text(
        "[sources.bench]\n"
        f'url = "{url}"\n'
        'name = "Bench News"\n'
        f"discovery = {{ max_pages = {n + 1000} }}\n"
        "crawl = { polite = false, allow_private_addresses = true }\n",
        encoding="utf-8",
    )


def _stages(run: Run) -> str:
    return ", ".join(f"{name} {sec:.1f}" for name, sec in breakdown(run.start, run.end, run.log))


def _peaks(run: Run) -> str:
    return ", ".join(f"{k} {run.peaks.mb[k]:.0f}" for k in KINDS if k in run.peaks.mb)


def _main_by_stage(run: Run) -> str:
    """The main process's highest resident MB during each stage."""
    parts, last = [], run.start
    for name, seconds in breakdown(run.start, run.end, run.log):
        inside = [mb for t, mb in run.peaks.main if last <= t < last + seconds]
        parts.append(f"{name} {max(inside, default=0.0):.0f}")
        last += seconds
    return ", ".join(parts)


def bench(n: int, workdir: Path) -> dict[str, float]:
    base = workdir / f"n{n}"
    shutil.rmtree(base, ignore_errors=True)  # a cold run: no archive, no warehouse from an earlier bench
    base.mkdir(parents=True)
    data, db, sources = base / "data", base / "trawl.duckdb", base / "sources.toml"
    env = {**os.environ, "PREFECT_HOME": str(workdir / "prefect"), "TRAWL_DB": str(db)}
    env.pop("PREFECT_API_URL", None)
    cores = os.cpu_count() or 1
    with site(n, workdir) as url:
        _sources(sources, url, n)
        command = [TRAWL, "run", "--sources", str(sources), "--db", str(db), "--data-dir", str(data)]
        before = requests_served(url)
        cold = timed_run(command, env)
        cold_requests = requests_served(url) - before
        bodies, pages = article_bodies(data, BARE_SAMPLE)
        bare = bare_trafilatura(bodies, cores)
        before = requests_served(url)
        night = timed_run(command, env)
        night_requests = requests_served(url) - before
        with prefect_api(workdir) as api:
            before = requests_served(url)
            served = timed_run(command, {**env, "PREFECT_API_URL": api})
            served_requests = requests_served(url) - before
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with site(n, workdir, port, extra=GROWN) as url:  # the same URLs, GROWN posts newer
        before = requests_served(url)
        grown = timed_run(command, env)
        grown_requests = requests_served(url) - before
    search = cli_times([TRAWL, "search", "regierung", "--db", str(db), "--limit", "10"], env)
    aggregate = cli_times(
        [TRAWL, "sql", "select language, count(*) from articles group by 1 order by 2 desc", "--db", str(db)], env
    )
    trawl_rate, bare_rate = pages / cold.wall, len(bodies) / bare
    size = sum(len(b) for b in bodies) / max(1, len(bodies)) / 1024
    print(f"\nN = {n}: {pages} article pages archived (mean {size:.0f} KB)")
    print(
        f"  cold run         {cold.wall:8.1f} s  {trawl_rate:7.1f} pages/s  {cold_requests} requests  exit {cold.returncode}"
    )
    print(f"    stages (s)     {_stages(cold)}")
    print(f"    peak RSS (MB)  {_peaks(cold)}")
    print(f"    main RSS (MB)  {_main_by_stage(cold)}")
    sample = "same pages" if len(bodies) == pages else f"the first {len(bodies)} of the same pages"
    print(f"  bare trafilatura {bare:8.1f} s  {bare_rate:7.1f} pages/s  ({cores} processes, {sample})")
    print(f"  ratio            {trawl_rate / bare_rate:8.2f}x bare trafilatura's pages/s")
    print(
        f"  no-change night  {night.wall:8.1f} s  ({night.wall / cold.wall:.3f}x the cold run)  {night_requests} requests"
    )
    print(f"    stages (s)     {_stages(night)}")
    print(f"    peak RSS (MB)  {_peaks(night)}")
    print(
        f"  the same, Prefect API running {served.wall:5.1f} s  ({served.wall / cold.wall:.3f}x the cold run)  "
        f"{served_requests} requests  (as the nightly deployment runs: no temporary API to boot)"
    )
    print(f"    stages (s)     {_stages(served)}")
    index = sum(sec for name, sec in breakdown(grown.start, grown.end, grown.log) if name == "indexes and checks")
    print(f"  {GROWN} new posts     {grown.wall:8.1f} s  {grown_requests} requests  index work {index:.1f} s")
    print(f"    stages (s)     {_stages(grown)}")
    print(f"  trawl search     p50 {search[0]:.2f} s  p95 {search[1]:.2f} s")
    print(f"  trawl sql (agg.) p50 {aggregate[0]:.2f} s  p95 {aggregate[1]:.2f} s")
    return {"main_mb": cold.peaks.mb.get("main", 0.0), "ratio": trawl_rate / bare_rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="site sizes (default: 1000 and 10000)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    sizes = args.n or [1000, 10000]
    with tempfile.TemporaryDirectory(prefix="trawl-throughput-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = {n: bench(n, workdir) for n in sizes}
    if len(results) > 1:
        small, big = results[min(results)], results[max(results)]
        growth = big["main_mb"] / small["main_mb"] - 1 if small["main_mb"] else float("nan")
        print(
            f"\npeak RSS of the main process: {small['main_mb']:.0f} MB at N = {min(results)}, "
            f"{big['main_mb']:.0f} MB at N = {max(results)} ({growth:+.0%})"
        )


if __name__ == "__main__":
    main()
