"""`trawl run` on a sources file that names each site by key and home URL only (polite defaults)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from flows.demo import demo_sites


def test_key_and_url_are_enough(tmp_path: Path) -> None:
    with demo_sites() as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            "".join(
                # the key and the URL, and the opt-in any site on a loopback address needs
                f'[sources.{key}]\nurl = "{url}"\ncrawl = {{ allow_private_addresses = true }}\n\n'
                for key, url in server.urls.items()
            ),
            encoding="utf-8",
        )
        db = tmp_path / "w.duckdb"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "flows.cli",
                "run",
                "--sources",
                str(sources),
                "--db",
                str(db),
                "--data-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"},
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        expected = {key: len(site.articles) for key, site in server.sites.items()}
        robots = server.requests.count(path_prefix="/robots.txt")
        user_agents = {r.headers.get("User-Agent", r.headers.get("user-agent", "")) for r in server.requests.snapshot()}
    con = duckdb.connect(str(db), read_only=True)
    pages = dict(  # the posts (static pages are documents of kind 'page', outside this count)
        con.execute(
            "select source, count(*) from page_versions join documents using (doc_id) "
            "where valid_to is null and kind = 'article' group by 1"
        ).fetchall()
    )
    sitemaps = con.execute(
        "select source, count(*) from fetches where role = 'sitemap' and status = 200 group by 1 order by 1"
    ).fetchall()
    assert pages == expected
    assert [s for s, n in sitemaps if n > 0] == sorted(expected), "both sitemaps discovered without being named"
    assert robots >= 2
    assert all(ua.startswith("trawl/") and "http" in ua for ua in user_agents)
