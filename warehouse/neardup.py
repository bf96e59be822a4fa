"""The near-duplicate index in the warehouse: signatures, LSH bands, confirmed pairs, clusters.

Incremental: only documents without a signature are shingled and hashed; their bands are
joined against the stored bands (the existing index is never recomputed), candidates are
confirmed with the exact Jaccard similarity of their texts' shingles, and the clusters they
touch are merged. Changing the threshold re-bands the stored signatures and matches again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from transforms.clusters import merge_clusters
from transforms.minhash import U32, U64, LshParams, MinHasher, Shingler, band_keys, confirmed
from warehouse.queries import query

CHUNK = 1000  # documents signed and matched per transaction (5,000 held ~300 MB more in the run's process)


@dataclass
class NearDupReport:
    """What one pass of the near-duplicate index did."""

    documents: int = 0
    candidates: int = 0
    pairs: int = 0
    clustered: int = 0
    rebuilt: bool = False


def _arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> list[tuple[Any, ...]]:
    con.register("batch", table)
    try:
        return con.execute(query(name)).fetchall()
    finally:
        con.unregister("batch")


def _band_table(ids: Sequence[str], keys: U64) -> pa.Table:
    bands = keys.shape[1]
    return pa.table(
        {
            "doc_id": pa.array(np.repeat(np.asarray(ids, dtype=object), bands), pa.string()),
            "band": pa.array(np.tile(np.arange(bands, dtype=np.int16), len(ids)), pa.int16()),
            "bucket": pa.array(keys.reshape(-1), pa.uint64()),
        }
    )


def _stored_params(con: duckdb.DuckDBPyConnection) -> LshParams | None:
    row = con.execute(query("minhash_params")).fetchone()
    if row is None:
        return None
    threshold, num_perm, shingle_words, seed, bands, rows = row
    return LshParams(float(threshold), int(num_perm), int(shingle_words), int(seed), int(bands), int(rows))


def _save_params(con: duckdb.DuckDBPyConnection, p: LshParams) -> None:
    con.execute(
        query("upsert_minhash_params"),
        {
            "threshold": p.threshold,
            "num_perm": p.num_perm,
            "shingle_words": p.shingle_words,
            "seed": p.seed,
            "bands": p.bands,
            "rows": p.rows,
        },
    )


def _chunks(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[list[tuple[str, str]]]:
    """The unsigned documents with their texts, ``size`` at a time (texts are read per chunk)."""
    ids = [str(row[0]) for row in con.execute(query("documents_without_signature")).fetchall()]
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        texts = dict(_arrow(con, "document_texts", pa.table({"doc_id": pa.array(part, pa.string())})))
        yield [(doc_id, str(texts[doc_id])) for doc_id in part]


class _Matcher:
    """Confirms candidate pairs and merges clusters, inside the caller's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, params: LshParams, run_id: str | None) -> None:
        self.con, self.params, self.run_id = con, params, run_id
        self.shingler = Shingler(params.shingle_words)

    def match(self, bands: pa.Table, known: dict[str, U64], report: NearDupReport) -> None:
        candidates = [(str(a), str(b)) for a, b in _arrow(self.con, "band_candidates", bands)]
        report.candidates += len(candidates)
        if not candidates:
            return
        missing = sorted({doc for pair in candidates for doc in pair} - set(known))
        if missing:
            rows = _arrow(self.con, "document_texts", pa.table({"doc_id": pa.array(missing, pa.string())}))
            known.update({str(doc_id): self.shingler.shingles(str(text)) for doc_id, text in rows})
        pairs = confirmed(candidates, known, self.params.threshold)
        if not pairs:
            return
        now = datetime.now(UTC)
        _arrow(
            self.con,
            "insert_near_duplicate_pairs",
            pa.Table.from_pylist(
                [{"doc_a": a, "doc_b": b, "jaccard": j, "found_at": now, "run_id": self.run_id} for a, b, j in pairs]
            ),
        )
        report.pairs += len(pairs)
        docs = sorted({doc for a, b, _ in pairs for doc in (a, b)})
        existing = {
            str(doc): str(cluster)
            for doc, cluster in _arrow(self.con, "touched_clusters", pa.table({"doc_id": pa.array(docs, pa.string())}))
        }
        changed = merge_clusters(existing, [(a, b) for a, b, _ in pairs])
        if changed:
            _arrow(
                self.con,
                "upsert_clusters",
                pa.Table.from_pylist(
                    [{"doc_id": d, "cluster_id": c, "updated_at": now} for d, c in sorted(changed.items())]
                ),
            )
        report.clustered += len(changed)


def _rebuild(con: duckdb.DuckDBPyConnection, params: LshParams, matcher: _Matcher, report: NearDupReport) -> None:
    """New banding over the stored signatures, then every document is matched again."""
    for name in ("delete_minhash_bands", "delete_near_duplicate_pairs", "delete_near_duplicate_clusters"):
        con.execute(query(name))
    rows = con.execute(query("all_signatures")).fetchall()
    if not rows:
        return
    ids = [str(r[0]) for r in rows]
    signatures: U32 = np.vstack([np.frombuffer(bytes(r[1]), dtype="<u4") for r in rows]).astype(np.uint32)
    bands = _band_table(ids, band_keys(signatures, params.bands, params.rows))
    _arrow(con, "insert_bands", bands)
    matcher.match(bands, {}, report)
    report.rebuilt = True


def index_near_duplicates(
    con: duckdb.DuckDBPyConnection, params: LshParams | None = None, run_id: str | None = None, chunk: int = CHUNK
) -> NearDupReport:
    """Sign, band and match the documents not indexed yet (and re-band if the parameters changed)."""
    params = params or LshParams.for_threshold()
    report = NearDupReport()
    matcher = _Matcher(con, params, run_id)
    hasher = MinHasher(params.num_perm, params.seed)
    stored = _stored_params(con)
    if stored != params:
        con.execute("begin transaction")
        try:
            same_hashes = stored is not None and (stored.num_perm, stored.shingle_words, stored.seed) == (
                params.num_perm,
                params.shingle_words,
                params.seed,
            )
            if not same_hashes:
                con.execute(query("delete_minhash_signatures"))
            _save_params(con, params)
            _rebuild(con, params, matcher, report)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    for rows in _chunks(con, chunk):
        con.execute("begin transaction")
        try:
            ids = [doc_id for doc_id, _ in rows]
            sets = [matcher.shingler.shingles(text) for _, text in rows]
            signatures = hasher.signatures(sets)
            now = datetime.now(UTC)
            _arrow(
                con,
                "insert_signatures",
                pa.table(
                    {
                        "doc_id": pa.array(ids, pa.string()),
                        "shingles": pa.array([len(s) for s in sets], pa.int32()),
                        "signature": pa.array([row.astype("<u4").tobytes() for row in signatures], pa.binary()),
                        "computed_at": pa.array([now] * len(ids), pa.timestamp("us", tz="UTC")),
                    }
                ),
            )
            signed = [i for i, s in enumerate(sets) if len(s)]  # a text without words is matched with nothing
            if signed:
                keys = band_keys(signatures[signed], params.bands, params.rows)
                bands = _band_table([ids[i] for i in signed], keys)
                _arrow(con, "insert_bands", bands)
                matcher.match(bands, {ids[i]: sets[i] for i in signed}, report)
            report.documents += len(ids)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return report
