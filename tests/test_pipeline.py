"""The pipeline module, stage by stage, on a recorded page: plan -> crawl -> extract -> read -> load.

A loopback site serves one recorded article page (``tests/golden``: its bytes and its charset as
archived) listed in a sitemap; each stage of ``flows/pipeline.py`` is called on its own and its
output checked before the next one takes it: a real Scrapy crawl, a real extraction from the
WARC, a real DuckDB warehouse.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from flows import pipeline, settings
from flows.extract import read_extracted
from flows.sources import load_sources
from spiders.folder import CrawlFolder
from transforms.records import Article
from warehouse.load import record_chunks, rows_of

GOLDEN = Path(__file__).parent / "golden" / "kprf_demo" / "kprf-17-zhkh"


class RecordedSite:
    """The recorded page at its own path, a sitemap that lists it, nothing else."""

    def __init__(self) -> None:
        request = json.loads(GOLDEN.with_suffix(".request.json").read_text(encoding="utf-8"))
        self.path = urlsplit(request["url"]).path
        self.content_type = request["content_type"]
        self.body = GOLDEN.with_suffix(".html").read_bytes()

    def answer(self, path: str, base: str) -> tuple[int, dict[str, str], bytes]:
        if path == self.path:
            return 200, {"Content-Type": self.content_type}, self.body
        if path == "/sitemap.xml":
            xml = (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}{self.path}</loc></url></urlset>"
            )
            return 200, {"Content-Type": "application/xml"}, xml.encode()
        if path == "/":
            return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>Home</h1></body></html>"
        return 404, {"Content-Type": "text/plain"}, b"not found"


def test_a_recorded_page_goes_through_every_stage_into_the_warehouse(serve: Any, tmp_path: Path) -> None:
    site = RecordedSite()
    home = serve(site)
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[sources.recorded]\nurl = "{home}"\nlanguage = "ru"\n'
        "crawl = { polite = false, allow_private_addresses = true }\n",
        encoding="utf-8",
    )
    sources = load_sources(config)
    (source,) = sources
    paths = settings.resolve_paths(tmp_path / "w.duckdb", tmp_path / "data")
    expected = json.loads(GOLDEN.with_suffix(".expected.json").read_text(encoding="utf-8"))

    run = pipeline.plan(paths.db, sources, paths)  # 1. the run and its frontier inputs
    assert not run.resumed and set(run.inputs) == {"recorded"}
    folder = CrawlFolder(paths.run_dir("recorded", run.run_id))
    assert Path(run.inputs["recorded"]["known"]).parent == folder.path

    crawled = pipeline.crawl(source, folder, run.run_id, run.inputs["recorded"])  # 2. discover, fetch, archive
    assert crawled.returncode == 0, crawled.log_tail
    pages = [r for r in folder.manifest_rows() if r["role"] == "article"]
    assert [(urlsplit(r["url"]).path, r["status"]) for r in pages] == [(site.path, 200)]
    assert (folder.path / pages[0]["warc_file"]).exists()

    extracted = pipeline.extract(source, folder)  # 3. from the archive, never the network
    (article,) = read_extracted(extracted)
    assert isinstance(article, Article), article
    assert article.title == expected["title"] and article.authors == tuple(expected["authors"])
    assert article.text == expected["text"]

    batch = pipeline.read_batch(source, folder, run.run_id, extracted)  # 4. the crawl folder, as the load reads it
    assert [f["url"] for f in rows_of(batch.fetches) if f["role"] == "article"] == [pages[0]["url"]]
    assert [r for chunk in record_chunks(batch.records, 10) for r in chunk] == [article] and batch.crawl_stats[
        "finish_reason"
    ] == "finished"

    report = pipeline.load(paths.db, batch)  # 5. decide and write, one transaction
    assert (report.status, report.new_documents, report.fetched, report.discarded) == ("ok", 1, 1, 0)
    con = duckdb.connect(str(paths.db), read_only=True)
    try:
        rows = con.execute("select title, published_at, language, url from articles").fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    title, published, language, url = rows[0]
    assert (title, language, urlsplit(url).path) == (expected["title"], "ru", site.path)
    assert published == datetime.fromisoformat(expected["published_at"])

    again = pipeline.load(paths.db, batch)  # the same batch again changes nothing
    assert (again.new_documents, again.duplicates, again.new_versions) == (0, 0, 0)
