"""Keep a source's block counts and learn its structural boilerplate, inside its load's transaction.

Called from ``warehouse.load``, it counts the pages whose blocks the source has not counted yet
(one page per distinct extracted text, as the line counts do; a page extracted before blocks
were read counts once re-extracted): their block keys (``Article.blocks``, see
``transforms.structure``) add to ``block_counts`` (pages with the block; pages whose extracted
text held its text) and the pages to ``block_pages`` (the source's counted pages). The learned list is
then derived from all the counts, so it depends on the set of pages only, and stored in
``boilerplate_blocks``; it is part of the source's cleaning version (``Boilerplate.version``).

Fail-soft: should counting the batch's pages fail, they are left out of the counts (and not
marked counted, so a later load or a reextract counts them), the list is learned from the counts
stored before, and the load goes on. A page without blocks (an older extraction, a fault reading
them) is neither counted nor stripped by them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from transforms.records import Article
from transforms.structure import MAX_BODY_SHARE, MIN_PAGES, MIN_SHARE, BlockCount, count_blocks, learn_blocks
from warehouse.queries import query
from warehouse.rows import insert_rows

if TYPE_CHECKING:
    from warehouse.load import SourceBatch

log = logging.getLogger(__name__)


def stored_blocks(con: duckdb.DuckDBPyConnection, source: str) -> frozenset[str]:
    """The blocks the source's documents were last cleaned with."""
    return frozenset(str(row[0]) for row in con.execute(query("boilerplate_blocks"), {"source": source}).fetchall())


def _counts(source: str, fresh: dict[str, Article]) -> tuple[dict[str, BlockCount], list[str]]:
    """The block counts over the pages not counted before, and the raw hashes of those pages."""
    pages = {h: a for h, a in fresh.items() if a.blocks}
    try:
        return count_blocks((tuple(a.blocks), a.text) for _, a in sorted(pages.items())), sorted(pages)
    except Exception as error:  # never the load: these pages are left out of the counts
        log.warning("%s: block counts skipped for %d page(s): %s: %s", source, len(pages), type(error).__name__, error)
        return {}, []


def _fresh(con: duckdb.DuckDBPyConnection, source: str, hashed: list[tuple[str, Article]]) -> dict[str, Article]:
    """The pages whose blocks the source has not counted, by extracted text (``raw_hash``), each once."""
    by_hash = dict(hashed)
    if not by_hash:
        return {}
    con.register("batch", pa.Table.from_pylist([{"source": source, "raw_hash": h} for h in by_hash]))
    try:
        known = {row[0] for row in con.execute(query("counted_block_pages")).fetchall()}
    finally:
        con.unregister("batch")
    return {h: a for h, a in by_hash.items() if h not in known}


def count_structure(
    con: duckdb.DuckDBPyConnection, batch: SourceBatch, hashed: list[tuple[str, Article]], now: datetime
) -> None:
    """Add the blocks of the pages new to the source to its counts (pages given with their ``raw_hash``)."""
    source = batch.source
    counts, pages = _counts(source, _fresh(con, source, hashed))
    insert_rows(
        con,
        "upsert_block_counts",
        [
            {
                "source": source,
                "block_key": key,
                "pages": c.pages,
                "body_pages": c.body_pages,
                "line": c.line,
                "seen_at": now,
            }
            for key, c in sorted(counts.items())
        ],
    )
    insert_rows(con, "upsert_block_pages", [{"source": source, "raw_hash": h, "seen_at": now} for h in pages])


def learn_blocks_of(con: duckdb.DuckDBPyConnection, source: str, run_id: str) -> frozenset[str]:
    """Learn the source's structural boilerplate from all its block counts; store and return it."""
    rows = con.execute(query("source_block_counts"), {"source": source, "min_pages": MIN_PAGES}).fetchall()
    source_pages = int(rows[0][4]) if rows else 0
    learned = learn_blocks(
        {str(key): (int(on), int(body)) for key, on, body, _, _ in rows},
        source_pages,
        MIN_PAGES,
        MIN_SHARE,
        MAX_BODY_SHARE,
    )
    con.execute("delete from boilerplate_blocks where source = ?", [source])
    insert_rows(
        con,
        "replace_boilerplate_blocks",
        [
            {
                "source": source,
                "block_key": key,
                "line": line,
                "pages": on,
                "body_pages": body,
                "source_pages": source_pages,
                "learned_run_id": run_id,
            }
            for key, on, body, line, _ in rows
            if key in learned
        ],
    )
    return learned
