"""A source whose REST API works reads its sitemaps once a week, not nightly; should the API fail, it reads them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from flows.runplan import DISCOVERY_RECHECK, frontier_inputs
from tests.test_politeness import OK, Answer, Script, crawl
from warehouse.db import connect

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


class WordPress(Script):
    """A site advertising a REST API (working or not) and listing its posts in a robots.txt sitemap."""

    def __init__(self, api_works: bool, second_page_fails: bool = False) -> None:
        super().__init__({"/2026/03/post/": [OK], "/2026/02/older/": [OK]})
        self.api_works, self.second_page_fails = api_works, second_page_fails

    def answer(self, path: str, base: str) -> Answer:
        if path == "/robots.txt":
            self.log.append((0.0, path))
            return (
                200,
                {"Content-Type": "text/plain"},
                f"User-agent: *\nDisallow:\nSitemap: {base}/sitemap.xml\n".encode(),
            )
        if path == "/":
            self.log.append((0.0, path))
            home = f'<html><head><link rel="https://api.w.org/" href="{base}/wp-json/"></head><body>home</body></html>'
            return 200, {"Content-Type": "text/html"}, home.encode()
        if urlsplit(path).path == "/wp-json/wp/v2/posts":
            self.log.append((0.0, path))
            if not self.api_works:
                return 404, {"Content-Type": "application/json"}, b'{"code": "rest_no_route"}'
            if "page=2" in path:
                return 400, {"Content-Type": "application/json"}, b'{"code": "rest_post_invalid_page_number"}'
            post = {
                "id": 7,
                "link": f"{base}/2026/03/post/",
                "date_gmt": "2026-03-09T10:00:00",
                "modified_gmt": "2026-03-09T10:00:00",
                "author": 0,
                "categories": [],
                "tags": [],
            }
            pages = "2" if self.second_page_fails else "1"
            return 200, {"Content-Type": "application/json", "X-WP-TotalPages": pages}, json.dumps([post]).encode()
        return super().answer(path, base)

    def paths(self) -> list[str]:
        return [urlsplit(p).path for _, p in self.log]


def test_a_rest_night_leaves_the_sitemaps_out(serve: Any, tmp_path: Path) -> None:
    site = WordPress(api_works=True)
    code, _, stats, _ = crawl(tmp_path, serve(site), rest_api=True, sitemaps=[], inventory=False)
    assert code == 0
    assert "/sitemap.xml" not in site.paths() and stats["trawl/sitemaps/deferred"] == 1
    assert "/2026/03/post/" in site.paths()  # the change the API listed
    assert "/2026/02/older/" not in site.paths()  # only the sitemap knew it
    assert stats["trawl/inventory_complete"] is False  # so nothing is taken as unlisted


def test_an_inventory_night_reads_them(serve: Any, tmp_path: Path) -> None:
    site = WordPress(api_works=True)
    code, _, stats, _ = crawl(tmp_path, serve(site), rest_api=True, sitemaps=[])
    assert code == 0 and "/sitemap.xml" in site.paths() and stats["trawl/inventory_complete"] is True
    assert {"/2026/03/post/", "/2026/02/older/"} <= set(site.paths())


def test_a_failing_api_brings_the_sitemaps_back(serve: Any, tmp_path: Path) -> None:
    site = WordPress(api_works=False)
    code, _, stats, _ = crawl(tmp_path, serve(site), rest_api=True, sitemaps=[], inventory=False)
    assert code == 0 and stats["trawl/rest_api_failed"] == 1
    assert "/sitemap.xml" in site.paths() and {"/2026/03/post/", "/2026/02/older/"} <= set(site.paths())


def test_a_failing_later_page_brings_the_sitemaps_back(serve: Any, tmp_path: Path) -> None:
    site = WordPress(api_works=True, second_page_fails=True)
    code, _, stats, _ = crawl(tmp_path, serve(site), rest_api=True, sitemaps=[], inventory=False)
    assert code == 0 and stats["trawl/rest_api/pages_failed"] == 1
    assert "/sitemap.xml" in site.paths() and "/2026/02/older/" in site.paths()


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "w.duckdb")


def crawled(con: duckdb.DuckDBPyConnection, days_ago: float, stats: dict[str, object]) -> None:
    con.execute(
        "insert into run_sources (run_id, source, status, started_at, crawl_stats) values (?, 'site', 'ok', ?, ?)",
        [f"run-{days_ago}", NOW - timedelta(days=days_ago), json.dumps(stats)],
    )


def inventory(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> bool:
    return bool(frontier_inputs(con, "site", tmp_path / "site", NOW).get("inventory", True))


def test_the_flow_asks_for_an_inventory_weekly_and_only_with_a_working_api(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    assert inventory(con, tmp_path)  # no history
    crawled(con, 3, {"trawl/rest_api": "http://x/wp-json/", "trawl/inventory_complete": True})
    crawled(con, 1, {"trawl/rest_api": "http://x/wp-json/", "trawl/inventory_complete": False})
    assert not inventory(con, tmp_path)
    con.execute("delete from run_sources where run_id = 'run-3'")
    crawled(con, DISCOVERY_RECHECK.days + 1, {"trawl/rest_api": "http://x/wp-json/", "trawl/inventory_complete": True})
    assert inventory(con, tmp_path)  # the last complete inventory is older than a week


def test_a_failed_api_means_an_inventory_the_next_night(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    crawled(con, 3, {"trawl/rest_api": "http://x/wp-json/", "trawl/inventory_complete": True})
    crawled(con, 1, {"trawl/rest_api": "http://x/wp-json/", "trawl/rest_api_failed": 1})
    assert inventory(con, tmp_path)
    assert frontier_inputs(con, "site", tmp_path / "site", NOW).get("rest_probe", True)  # failed is not absent


def test_no_api_means_sitemaps_every_night(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    crawled(con, 1, {"trawl/rest_api/absent": 1, "trawl/inventory_complete": True})
    assert inventory(con, tmp_path)
