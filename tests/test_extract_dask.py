"""Extraction on Dask (flows/extract_dask.py) against the local process pool, with real components:
a real Prefect server (flows/local_server.py), real 2-worker ``LocalCluster``s (processes), a real
Scrapy crawl of recorded pages on loopback, plus a page that outlives its timeout and a manifest row
whose archive record cannot be read. Both engines must give the same file, row for row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scripted import scripted_site

from flows.extract import article_refs, extract_pages, read_extracted
from flows.extract_settings import ExtractSettings, load_extract_settings
from flows.local_server import temporary_api
from flows.sources import SourcesError, load_sources
from spiders.folder import CrawlFolder
from transforms.records import Article, Discard

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
FLOOR = date(1990, 1, 1)
TIMEOUT_S = 6.0  # the slow page takes tens of seconds; the recorded ones well under a second
SLOW = "/slow/"
BROKEN = "/broken-record/"


class RecordedPages:
    """The recorded golden pages at their own paths, a page that parses for tens of seconds, a sitemap."""

    def __init__(self, slow: bool = True) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.expected: dict[str, str] = {}  # path -> "article" or the discard's reason, as recorded
        for request in sorted(GOLDEN.glob("*/*.request.json")):
            meta = json.loads(request.read_text(encoding="utf-8"))
            body = request.with_name(request.name.replace(".request.json", ".html")).read_bytes()
            expected = json.loads(request.with_name(request.name.replace(".request", ".expected")).read_text())
            path = urlsplit(meta["url"]).path
            self.pages[path] = (meta["content_type"], body)
            self.expected[path] = "article" if expected["kind"] == "article" else expected["reason"]
        line = "<p>One two three.</p>\n"  # ~70k elements: far over the timeout (tests/faults/test_extract_pool.py)
        page = f"<html><body><article><h1>Slow</h1>{line * (1536 * 1024 // len(line))}</article></body></html>"
        if slow:
            self.pages[SLOW] = ("text/html; charset=utf-8", page.encode())

    def answer(self, path: str, base: str) -> tuple[int, dict[str, str], bytes]:
        if path in self.pages:
            content_type, body = self.pages[path]
            return 200, {"Content-Type": content_type}, body
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in sorted(self.pages))
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return 200, {"Content-Type": "application/xml"}, xml.encode()
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode()
        return 404, {"Content-Type": "text/plain"}, b"not found"


def crawl(tmp: Path, home: str) -> Path:
    """A real Scrapy crawl of the site into a crawl folder, plus a manifest row whose record is unreadable."""
    out_dir = tmp / "crawl"
    job = {
        "source": "recorded",
        "run_id": "run-1",
        "out_dir": str(out_dir),
        "home_url": home,
        "polite": False,
        "timeout": 20,
        "rest_api": False,
        "archive_pages": False,
        "allow_private_addresses": True,
    }
    (tmp / "job.json").write_text(json.dumps(job), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "spiders.crawl", str(tmp / "job.json")], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = CrawlFolder(out_dir)
    row = next(r for r in folder.manifest_rows() if r["role"] == "article" and r["status"] == 200)
    broken = {**row, "url": f"{home.rstrip('/')}{BROKEN}", "final_url": None, "warc_offset": 3}  # mid-record
    with (out_dir / CrawlFolder.MANIFEST).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(broken) + "\n")
    return out_dir


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One crawl for every test of the module (the conftest's ``serve`` is per test)."""
    tmp = tmp_path_factory.mktemp("dask")
    with scripted_site(RecordedPages()) as home:
        yield crawl(tmp, home)


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prefect server on loopback, as `trawl run` starts one (stopped at the end)."""
    home = tmp_path_factory.mktemp("prefect-home")
    previous = os.environ.get("PREFECT_HOME")
    os.environ["PREFECT_HOME"] = str(home)
    try:
        with temporary_api(home / "api.log") as ready:
            yield ready()
    finally:
        if previous is None:
            os.environ.pop("PREFECT_HOME", None)
        else:
            os.environ["PREFECT_HOME"] = previous


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_dask_on_a_2_worker_local_cluster_gives_the_local_pool_s_documents(
    crawled: Path, prefect_api: str, tmp_path: Path
) -> None:
    from flows.extract_dask import extract_crawl_on_dask

    refs = article_refs(crawled, FLOOR)
    local = lines(extract_pages(refs, tmp_path / "local.jsonl", workers=2, timeout=TIMEOUT_S))
    settings = ExtractSettings(engine="dask", workers=2, batch_size=2)
    run = extract_crawl_on_dask(crawled, settings, FLOOR, timeout=TIMEOUT_S)

    assert run.target == CrawlFolder(crawled).extracted and run.pages == len(refs) == len(local)
    assert lines(run.target) == local  # the same rows, in the same order: the loader cannot tell
    records = {r.url: r for r in read_extracted(run.target)}
    slow, broken = (next(r for u, r in records.items() if u.endswith(p)) for p in (SLOW, BROKEN))
    assert isinstance(slow, Discard) and slow.reason == "timeout" and f"{TIMEOUT_S:g} s" in slow.detail
    assert isinstance(broken, Discard) and broken.reason == "extraction_error"
    # every recorded page came through its batch as recorded, next to the slow and the broken one
    site = RecordedPages()
    found = {urlsplit(url).path: "article" if isinstance(r, Article) else r.reason for url, r in records.items()}
    assert {path: found.get(path) for path in site.expected} == site.expected
    # the batches ran in the cluster's 2 worker processes, both used, neither this one, all gone now
    assert len(run.workers) == 2 and os.getpid() not in run.workers, run.workers
    assert sum(run.workers.values()) == run.batches == -(-len(refs) // 2) and run.failed_batches == 0
    assert not any(alive(pid) for pid in run.workers)


def test_dask_on_a_running_cluster_by_its_address(crawled: Path, prefect_api: str, tmp_path: Path) -> None:
    import dask
    from distributed import LocalCluster

    from flows.extract_dask import extract_crawl_on_dask

    folder = tmp_path / "crawl"  # the crawl without its slow page: the timeout is the other test's
    shutil.copytree(crawled, folder, ignore=shutil.ignore_patterns("extracted.jsonl"))
    manifest = folder / CrawlFolder.MANIFEST
    rows = [line for line in manifest.read_text(encoding="utf-8").splitlines() if SLOW not in line]
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster,
    ):
        pids = {w.process.pid for w in cluster.workers.values()}  # type: ignore[union-attr]
        table = f'engine = "dask"\naddress = "{cluster.scheduler_address}"\nbatch_size = 2'
        settings = load_extract_settings(_config(tmp_path, table))
        run = extract_crawl_on_dask(folder, settings, FLOOR, timeout=TIMEOUT_S)
        assert set(run.workers) == pids and len(pids) == 2, (run.workers, pids)
    assert run.failed_batches == 0 and run.pages == len(lines(run.target)) == len(article_refs(folder)) > 10


def test_the_nightly_run_extracts_on_dask_when_the_sources_file_says_so(prefect_api: str, tmp_path: Path) -> None:
    import duckdb
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    from flows.nightly import nightly

    def dask_runs() -> list[Any]:
        with get_client(sync_client=True) as client:
            return client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["extract-dask"])))

    before = {run.id for run in dask_runs()}
    with scripted_site(RecordedPages(slow=False)) as home:
        config = _config(tmp_path, 'engine = "dask"\nworkers = 2\nbatch_size = 3')
        config.write_text(
            config.read_text().replace(
                '"https://a.example/"',
                f'"{home}"\ndiscovery = {{ rest_api = false }}\n'
                "crawl = { polite = false, allow_private_addresses = true }",
            ),
            encoding="utf-8",
        )
        (report,) = nightly(sources_file=str(config), db=str(tmp_path / "w.duckdb"), data_dir=str(tmp_path / "data"))
    new = [run for run in dask_runs() if run.id not in before]
    assert [run.state_name for run in new] == ["Completed"]  # the extraction ran as an extract-dask flow run
    (extracted,) = (tmp_path / "data" / "raw" / "a").glob("*/extracted.jsonl")
    local = extract_pages(article_refs(extracted.parent), tmp_path / "local.jsonl", workers=2)
    assert lines(extracted) == lines(local)
    articles = sum(1 for row in lines(local) if row["kind"] == "article")
    assert (report["extracted"], report["discarded"]) == (articles, len(lines(local)) - articles), report
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from extractions").fetchone() == (articles,)
    finally:
        con.close()


def _config(tmp: Path, extract: str) -> Path:
    path = tmp / "sources.toml"
    path.write_text(f'[sources.a]\nurl = "https://a.example/"\n\n[extract]\n{extract}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('engine = "dusk"', "[extract], field 'engine': Input should be 'local' or 'dask' (got 'dusk')"),
        ('engine = "dask"\nworkers = "2"', "[extract], field 'workers': Input should be a valid integer (got '2')"),
        ('engine = "dask"\nbatch_size = 0', "field 'batch_size': Input should be greater than or equal to 1 (got 0)"),
        ('engine = "dask"\nadress = "tcp://h:1"', "[extract], field 'adress': unknown field (did you mean 'address'?)"),
        ('engine = "dask"\naddress = "h:8786"', "field 'address': not a Dask scheduler address like"),
        ('address = "tcp://h:8786"', "[extract], field 'address': only with engine = \"dask\""),
        ('engine = "dask"\naddress = "tcp://h:1"\nworkers = 2', "field 'workers': the cluster at address has its own"),
    ],
)
def test_a_wrong_extract_table_is_named_field_by_field(tmp_path: Path, table: str, expected: str) -> None:
    path = _config(tmp_path, table)
    with pytest.raises(SourcesError) as error:
        load_sources(path)  # `trawl run` reads the file this way before anything starts
    assert expected in str(error.value) and str(path) in str(error.value), error.value


def test_no_table_is_the_local_pool(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[sources.a]\nurl = "https://a.example/"\n', encoding="utf-8")
    assert load_extract_settings(path) == ExtractSettings() and not ExtractSettings().dask
    assert load_extract_settings(_config(tmp_path, 'engine = "dask"\nworkers = 3')).workers == 3


def test_dask_without_a_real_prefect_api_is_an_error_not_a_hang(
    crawled: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.extract_dask import DaskUnavailable, extract_crawl_on_dask

    CrawlFolder(crawled).extracted.unlink(missing_ok=True)
    settings = ExtractSettings(engine="dask", workers=2)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}), pytest.raises(DaskUnavailable) as error:
        extract_crawl_on_dask(crawled, settings, FLOOR)
    assert "needs a real Prefect API" in str(error.value) and "PREFECT_API_URL" in str(error.value)
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}), pytest.raises(DaskUnavailable) as error:
        extract_crawl_on_dask(crawled, settings, FLOOR)
    assert "http://127.0.0.1:9/api does not answer" in str(error.value)
    assert not CrawlFolder(crawled).extracted.exists()
