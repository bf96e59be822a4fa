"""Politeness on a scripted loopback server: Crawl-delay, Retry-After (429, 503), capped backoff, 403 -> blocked,
and the per-run page budget."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from spiders.candidates import read_candidates
from spiders.folder import CrawlFolder
from spiders.politeness import backoff_seconds, retry_after_seconds
from transforms.records import Article
from warehouse.db import connect
from warehouse.load import SourceBatch, load_batch
from warehouse.read import frontier_snapshot

REPO = Path(__file__).resolve().parents[1]
Answer = tuple[int, dict[str, str], bytes]
OK: Answer = (200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><p>fine</p></body></html>")


class Script:
    """Per path, the answers to give in turn (the last one repeats); every request logged with its time."""

    def __init__(self, answers: dict[str, list[Answer]], robots: str = "User-agent: *\nDisallow:\n") -> None:
        self.answers = answers
        self.robots = robots
        self.log: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def answer(self, path: str, base: str) -> Answer:
        with self.lock:
            self.log.append((time.monotonic(), path))
            if path == "/robots.txt":
                return 200, {"Content-Type": "text/plain"}, self.robots.encode()
            if path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in self.answers)
                body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
                return 200, {"Content-Type": "application/xml"}, body.encode()
            if path == "/":
                return 200, {"Content-Type": "text/html"}, b"<html><body>home</body></html>"
            queue = self.answers.get(path)
            if not queue:
                return 404, {"Content-Type": "text/html"}, b"not found"
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def times(self, path: str) -> list[float]:
        return [t for t, p in self.log if p == path]

    def articles(self) -> list[tuple[float, str]]:
        return [(t, p) for t, p in self.log if p in self.answers]


def crawl(tmp: Path, home: str, **job: Any) -> tuple[int, list[dict[str, Any]], dict[str, Any], float]:
    spec = {
        "source": "polite",
        "run_id": "r1",
        "home_url": home,
        "out_dir": str(tmp / "out"),
        "polite": False,
        "concurrency_per_domain": 1,
        "rest_api": False,
        "feeds": [],
        "sitemaps": [home + "sitemap.xml"],
        "timeout": 10,
        "allow_private_addresses": True,  # the test site is on loopback
        **job,
    }
    path = tmp / "job.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "spiders.crawl", str(path)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    elapsed = time.monotonic() - started
    stats = json.loads((tmp / "out" / "stats.json").read_text())
    return proc.returncode, list(CrawlFolder(tmp / "out").manifest_rows()), stats, elapsed


def test_retry_after_on_429_and_503_pauses_the_host(serve: Any, tmp_path: Path) -> None:
    date_at = time.monotonic() + 6  # the HTTP date in Retry-After, on the monotonic clock
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=6), usegmt=True)
    script = Script(
        {
            "/a/": [(429, {"Retry-After": "2"}, b"slow down"), OK],
            "/b/": [(503, {"Retry-After": soon}, b"maintenance"), OK],
            "/c/": [OK],
            "/d/": [OK],
        }
    )
    code, rows, stats, _ = crawl(tmp_path, serve(script))
    assert code == 0
    for path, until in (("/a/", script.times("/a/")[0] + 2), ("/b/", date_at - 1)):  # HTTP dates have 1 s steps
        first, second = script.times(path)
        assert second >= until - 0.05, path  # Retry-After honoured
        # the host was paused: nothing at all was sent to it while waiting
        others = [t for t, _ in script.log if first + 0.05 < t < until - 0.05]
        assert not others, (path, others)
    statuses = {r["url"].rsplit("/", 2)[-2]: r["status"] for r in rows if r["role"] == "article"}
    assert statuses == {"a": 200, "b": 200, "c": 200, "d": 200}
    assert stats["trawl/retry_after/honoured"] == 2


def test_a_retry_after_beyond_the_cap_leaves_the_host_for_a_later_run(serve: Any, tmp_path: Path) -> None:
    script = Script({"/a/": [(429, {"Retry-After": "3600"}, b"")], "/b/": [OK], "/c/": [OK]})
    code, rows, stats, elapsed = crawl(tmp_path, serve(script), max_retry_after=60)
    assert code == 0 and elapsed < 60
    assert len(script.times("/a/")) == 1
    articles = {r["url"].rsplit("/", 2)[-2]: r for r in rows if r["role"] == "article"}
    assert articles["a"]["status"] == 429
    # after the 429 nothing more went to the host: the rest waits for the next run (not counted as failures)
    after = [p for t, p in script.articles() if t > script.times("/a/")[0]]
    assert not after
    assert all(
        r["status"] == 200 or (r["error"] or "").startswith("HostPaused") for k, r in articles.items() if k != "a"
    )
    assert "3600" in stats["trawl/deferred"]


def test_the_waits_of_a_run_are_capped_together(serve: Any, tmp_path: Path) -> None:
    # four pages each asking for 2 s: uncapped they would wait 8 s one after another
    busy: Answer = (503, {"Retry-After": "2"}, b"down")
    script = Script({f"/p{i}/": [busy, OK] for i in range(4)})
    code, rows, stats, elapsed = crawl(tmp_path, serve(script), max_wait_per_run=3, retries=1)
    assert code == 0 and elapsed < 20
    assert stats["trawl/backoff/over_budget"] == 1 and "past 3 s" in stats["trawl/deferred"]
    assert stats["trawl/backoff/milliseconds"] <= 3000
    answered = [r for r in rows if r["role"] == "article" and r["status"] == 200]
    assert len(answered) <= 2  # the rest waits for the next run
    assert (
        len(answered)
        + sum(1 for r in rows if (r["error"] or "").startswith("HostPaused"))
        + sum(1 for r in rows if r["role"] == "article" and r["status"] == 503)
        == 4
    )


def test_backoff_grows_and_is_capped(serve: Any, tmp_path: Path) -> None:
    script = Script({"/x/": [(503, {}, b"down")]})
    code, rows, _, _ = crawl(tmp_path, serve(script), retries=4, backoff_base=0.3, backoff_max=0.5)
    assert code == 0
    times = script.times("/x/")
    assert len(times) == 5  # the first try and 4 retries, then the 503 is kept
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] >= 0.25 and min(gaps[1:]) >= 0.45
    assert sum(gaps) < 3.5  # uncapped (0.3, 0.6, 1.2, 2.4 s) the waits would add up to 4.5 s
    (row,) = [r for r in rows if r["role"] == "article"]
    assert row["status"] == 503
    assert [backoff_seconds(n, 0.3, 0.5) for n in range(4)] == [0.3, 0.5, 0.5, 0.5]


def test_403s_block_the_source_instead_of_hammering_it(serve: Any, tmp_path: Path) -> None:
    script = Script({f"/p{i}/": [(403, {"Content-Type": "text/html"}, b"forbidden")] for i in range(8)})
    code, rows, stats, _ = crawl(tmp_path, serve(script), block_after=3)
    assert code == 0  # the site's answer, not a crash to retry
    assert stats["finish_reason"] == "blocked" and "403" in stats["trawl/blocked"]
    assert len(script.articles()) == 3
    con = connect(tmp_path / "w.duckdb")
    report = load_batch(con, SourceBatch("r1", "polite", rows, list[Article | Any](), crawl_stats=stats))
    assert report.status == "blocked" and "403" in (report.error or "")
    states = dict(con.execute("select state, count(*) from frontier group by 1").fetchall())
    assert states == {"blocked": 3, "new": 5}  # the five never asked stay due for the next run


def test_crawl_delay_is_honoured(serve: Any, tmp_path: Path) -> None:
    script = Script({f"/p{i}/": [OK] for i in range(4)}, robots="User-agent: *\nCrawl-delay: 1\nDisallow:\n")
    code, _, stats, _ = crawl(tmp_path, serve(script), polite=True, download_delay=0.05)
    assert code == 0 and stats["trawl/robots_crawl_delay"] == 1.0
    times = [t for t, p in script.log if p != "/robots.txt"]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # AutoThrottle alone would shrink the delay towards the 0.05 s download_delay
    assert len(gaps) >= 5 and min(gaps) >= 0.9, gaps


def test_retry_after_parsing() -> None:
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Sun, 01 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 01 Nov 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_the_page_budget_leaves_the_rest_due_for_the_next_run(serve: Any, tmp_path: Path) -> None:
    script = Script({f"/p{i}/": [OK] for i in range(5)})
    home = serve(script)
    (tmp_path / "one").mkdir()
    code, rows, stats, _ = crawl(tmp_path / "one", home, max_pages=2)
    assert code == 0 and stats["trawl/candidates/over_budget"] == 3
    first = {p for _, p in script.articles()}
    assert len(first) == 2
    con = connect(tmp_path / "w.duckdb")
    candidates = read_candidates(tmp_path / "one" / "out")
    load_batch(con, SourceBatch("r1", "polite", rows, [], crawl_stats=stats, candidates=candidates))
    known = frontier_snapshot(con, "polite", datetime.now(UTC) + timedelta(hours=1))
    assert sorted(v["due"] for v in known.values()) == [False, False, True, True, True]
    path = tmp_path / "known.json"
    path.write_text(json.dumps(known), encoding="utf-8")
    (tmp_path / "two").mkdir()
    code, rows, _, _ = crawl(tmp_path / "two", home, run_id="r2", known=str(path))
    assert code == 0
    second = {p for _, p in script.articles()} - first
    assert second == {f"/p{i}/" for i in range(5)} - first  # the three left over, and not the two fetched
    assert len([p for _, p in script.articles()]) == 5
