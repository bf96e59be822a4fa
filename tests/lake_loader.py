"""One shard's loader as its own process, for the lake tests and bench/scaleout_lake.py.

usage: python tests/lake_loader.py STAGING CATALOG DATA_PATH SHARD SOURCE RUN_ID N [GO_FILE]

Loads a batch of N generated articles of SOURCE, plus one article every source shares word for
word, into the shard's STAGING file and publishes it to the lake; waits for GO_FILE to exist
first (so that several loaders start at once), and prints what it did as one JSON line.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.records import Article
from warehouse.lake.catalog import lake_of
from warehouse.lake.shard import load_to_lake
from warehouse.load import SourceBatch

CTA = "Subscribe to our Telegram bot to get the news first!"
JOINT = "A joint statement of the left forces on the city budget.\nSigned by many organizations across the region."


def batch(source: str, run_id: str, n: int) -> SourceBatch:
    """N articles of ``source`` with a recurring call to action (site boilerplate), and the joint statement."""
    site = f"{source}.example"
    items = [
        Article(
            url=f"http://{site}/post-{i}/",
            title=f"{source} post {i}",
            text=f"Paragraph one of post {i} on {site}.\nParagraph two, number {i * 13} of {source}.\n{CTA}",
            markdown=f"Paragraph one of post {i} on {site}.\n\nParagraph two, number {i * 13}.\n\n{CTA}",
        )
        for i in range(n)
    ]
    items.append(Article(url=f"http://{site}/joint/", title="Joint statement", text=f"{JOINT}\n{CTA}", markdown=JOINT))
    fetches = [
        {"url": a.url, "role": "article", "status": 200, "fetched_at": "2026-12-01T02:00:00+00:00"} for a in items
    ]
    return SourceBatch(run_id, source, fetches, items)


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")  # retries on stderr
    staging, catalog, data_path, shard, source, run_id, n = argv[:7]
    work = batch(source, run_id, int(n))
    if len(argv) > 7:  # say it is ready, then wait for the others
        go = Path(argv[7])
        Path(f"{go}.{shard}.{os.getpid()}.ready").touch()
        while not go.exists():
            time.sleep(0.01)
    started = time.monotonic()
    done = load_to_lake(Path(staging), lake_of(catalog, data_path), work, shard)
    seconds = time.monotonic() - started
    print(
        json.dumps(
            {
                "shard": shard,
                "batch_id": done.published.batch_id,
                "landed": done.published.landed,
                "rows": done.published.rows,
                "retries": done.retries,
                "new_documents": done.report.new_documents,
                "seconds": seconds,
                "load_seconds": done.load_seconds,
                "publish_seconds": done.publish_seconds,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
