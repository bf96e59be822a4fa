"""Near-duplicate detection: trawl's warehouse index beside datasketch's MinHashLSH, one run.

Generates a corpus with known near-duplicate families (default 100,000 documents: unrelated
articles drawn from a Zipf vocabulary, plus copies of some of them with phrases replaced,
sentences inserted or deleted and a new first line, so that their Jaccard similarities spread
across the threshold). The truth is every pair whose exact Jaccard similarity of word
5-shingle sets reaches the threshold, found by an exact set-similarity join (prefix filtering,
then exact verification; no pair can be missed). Then, each in its own process on the same
corpus:

- trawl: documents loaded into a real DuckDB warehouse, ``index_near_duplicates`` run on the
  first 90 % and then incrementally on the last 10 % (new documents matched against the
  stored index); the confirmed pairs are read back from ``near_duplicate_pairs``;
- datasketch: ``MinHash`` over the same shingles (as UTF-8 strings) and ``MinHashLSH`` at
  the same threshold and number of permutations, every document queried; its candidate pairs
  as they come, and filtered by the signatures' estimated Jaccard similarity.

Prints precision, recall, seconds, documents/s and peak memory (growth of the resident set
over what the process held before the method started: the corpus, and for trawl the loaded
documents) of each, and their ratios.

    .venv/bin/python bench/near_dup.py [--docs 100000] [--threshold 0.8] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.minhash import DEFAULT_THRESHOLD, NUM_PERM, SHINGLE_WORDS, LshParams, Shingler, jaccard, words

Pair = tuple[int, int]


# ---------------------------------------------------------------------------------- corpus


def make_corpus(n_docs: int, seed: int) -> tuple[list[str], list[int]]:
    """Texts and, per text, its family (the index of the original it was copied from, or itself)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzáéíóãçõ"))
    vocab_size = 40_000
    lengths = rng.integers(2, 11, size=vocab_size)
    vocab = ["".join(rng.choice(letters, size=k)) for k in lengths]
    weights = 1.0 / np.arange(1, vocab_size + 1) ** 1.05
    cdf = np.cumsum(weights / weights.sum())

    def sentence(k: int) -> list[str]:  # Zipf-distributed words
        return [vocab[i] for i in np.minimum(np.searchsorted(cdf, rng.random(k)), vocab_size - 1)]

    def article() -> list[str]:
        n = int(np.clip(rng.lognormal(mean=5.4, sigma=0.5), 40, 1500))
        return sentence(n)

    n_copies = n_docs // 10  # 10 % of the corpus are edited copies
    n_originals = n_docs - n_copies
    texts: list[list[str]] = [article() for _ in range(n_originals)]
    family = list(range(n_originals))
    originals = rng.choice(n_originals, size=n_copies // 2, replace=False)
    for i in range(n_copies):
        base = int(originals[i % len(originals)])
        doc = list(texts[base])
        # between none and about one edit per 25 words: similarities from 1.0 down to ~0.55
        for _ in range(int(rng.integers(0, max(2, len(doc) // 25) + 1))):
            kind = rng.integers(0, 4)
            at = int(rng.integers(0, len(doc)))
            span = int(rng.integers(1, 7))
            if kind == 0:  # a changed phrase
                doc[at : at + span] = sentence(span)
            elif kind == 1:  # a sentence added
                doc[at:at] = sentence(int(rng.integers(5, 16)))
            elif kind == 2 and len(doc) > 60:  # a phrase cut
                del doc[at : at + span]
            else:  # a new first line (headline, byline)
                doc[0:0] = sentence(int(rng.integers(4, 12)))
        texts.append(doc)
        family.append(base)
    order = rng.permutation(len(texts))  # copies are not next to their originals
    position = np.empty(len(texts), dtype=np.int64)
    position[order] = np.arange(len(texts))
    return [" ".join(texts[i]) for i in order], [int(position[family[i]]) for i in order]


# ---------------------------------------------------------------------------- exact truth


def exact_pairs(texts: list[str], threshold: float) -> dict[Pair, float]:
    """Every pair with Jaccard >= threshold: prefix-filtering set-similarity join, verified exactly."""
    shingler = Shingler(SHINGLE_WORDS)
    sets = [shingler.shingles(t) for t in texts]
    values, counts = np.unique(np.concatenate(sets), return_counts=True)
    rank_of = np.empty(len(values), dtype=np.int64)
    rank_of[np.lexsort((values, counts))] = np.arange(len(values))  # rarest shingles first
    prefix_tokens, prefix_docs = [], []
    for doc, s in enumerate(sets):
        if not len(s):
            continue
        ranks = np.sort(rank_of[np.searchsorted(values, s)])
        keep = len(s) - math.ceil(threshold * len(s)) + 1
        prefix_tokens.append(ranks[:keep])
        prefix_docs.append(np.full(keep, doc, dtype=np.int64))
    tokens, docs = np.concatenate(prefix_tokens), np.concatenate(prefix_docs)
    order = np.argsort(tokens, kind="stable")
    tokens, docs = tokens[order], docs[order]
    bounds = np.flatnonzero(np.diff(tokens)) + 1
    candidates: set[Pair] = set()
    for group in np.split(docs, bounds):
        if len(group) > 1:
            members = sorted(set(group.tolist()))
            candidates.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    truth = {}
    for a, b in candidates:
        la, lb = len(sets[a]), len(sets[b])
        if min(la, lb) < threshold * max(la, lb):
            continue
        j = jaccard(sets[a], sets[b])
        if j >= threshold:
            truth[(a, b)] = j
    return truth


# ---------------------------------------------------------------------------------- workers


def _status_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (resident peak) of this process, in MB.

    Not ru_maxrss: it survives exec, so a worker would report its parent's size at fork time.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> None:
    """Start the resident peak from the current size (Linux >= 4.0: clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def run_trawl(texts: list[str], threshold: float, workdir: Path) -> dict[str, object]:
    """Load the texts as documents into a DuckDB warehouse and index them, 90 % then 10 %."""
    import pyarrow as pa

    from warehouse.db import connect
    from warehouse.neardup import index_near_duplicates

    con = connect(workdir / "bench.duckdb")

    def load(first: int, last: int) -> None:
        rows = pa.table(
            {
                "doc_id": [f"{i:08d}" for i in range(first, last)],
                "text": texts[first:last],
                "seen": pa.array([i for i in range(first, last)], pa.int64()),
            }
        )
        con.register("batch", rows)
        con.execute(
            "insert into documents (doc_id, content_hash, normalizer_version, text, first_source, first_url,"
            " first_seen_at, first_run_id) select doc_id, doc_id, '1', text, 'bench', 'https://bench/' || doc_id,"
            " timestamptz '2026-01-01' + to_microseconds(seen), 'bench' from batch"
        )
        con.unregister("batch")

    split = int(len(texts) * 0.9)
    params = LshParams.for_threshold(threshold)
    load(0, split)  # loading documents is the pipeline's load step, not the index: not measured
    _reset_peak()
    baseline = _status_mb("VmRSS")
    start = time.perf_counter()
    first = index_near_duplicates(con, params)
    middle = time.perf_counter()
    peak = _status_mb("VmHWM") - baseline
    load(split, len(texts))
    _reset_peak()
    baseline = _status_mb("VmRSS")
    incremental_start = time.perf_counter()
    second = index_near_duplicates(con, params)
    end = time.perf_counter()
    peak = max(peak, _status_mb("VmHWM") - baseline)
    rows = con.execute("select doc_a, doc_b from near_duplicate_pairs").fetchall()
    con.close()
    return {
        "pairs": [(int(a), int(b)) for a, b in rows],
        "seconds": (middle - start) + (end - incremental_start),
        "incremental_seconds": end - incremental_start,
        "incremental_docs": len(texts) - split,
        "candidates": first.candidates + second.candidates,
        "bands": params.bands,
        "rows": params.rows,
        "peak_mb": peak,
    }


def run_datasketch(texts: list[str], threshold: float, workdir: Path) -> dict[str, object]:
    """datasketch as documented: MinHash per document, MinHashLSH insert, then query every document."""
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    signatures = []
    for text in texts:
        tokens = words(text)
        k = min(SHINGLE_WORDS, len(tokens))
        shingles = {" ".join(tokens[i : i + k]).encode("utf-8") for i in range(len(tokens) - k + 1)}
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch(list(shingles))
        signatures.append(m)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(signatures):
            session.insert(i, m)
    raw: set[Pair] = set()
    for i, m in enumerate(signatures):
        for j in lsh.query(m):
            if j != i:
                raw.add((min(i, j), max(i, j)))
    seconds = time.perf_counter() - start
    filtered = [p for p in raw if signatures[p[0]].jaccard(signatures[p[1]]) >= threshold]
    return {
        "pairs": sorted(raw),
        "filtered_pairs": sorted(filtered),
        "seconds": seconds,
        "bands": lsh.b,
        "rows": lsh.r,
    }


def worker(method: str, corpus: Path, threshold: float, out: Path) -> None:
    texts = pickle.loads(corpus.read_bytes())
    _reset_peak()
    baseline = _status_mb("VmRSS")  # the corpus itself is not the method's memory
    run = run_trawl if method == "trawl" else run_datasketch
    result = run(texts, threshold, out.parent)
    result.setdefault("peak_mb", _status_mb("VmHWM") - baseline)
    out.write_text(json.dumps(result))


# ---------------------------------------------------------------------------------- report


@dataclass
class Figures:
    name: str
    pairs: int
    precision: float
    recall: float
    seconds: float | None
    docs_per_s: float | None
    peak_mb: float | None


def score(name: str, reported: set[Pair], truth: set[Pair], result: dict[str, object], n: int) -> Figures:
    hit = len(reported & truth)
    seconds = float(result["seconds"]) if "seconds" in result else None  # type: ignore[arg-type]
    return Figures(
        name,
        len(reported),
        hit / len(reported) if reported else 1.0,
        hit / len(truth) if truth else 1.0,
        seconds,
        n / seconds if seconds else None,
        float(result["peak_mb"]) if "peak_mb" in result else None,  # type: ignore[arg-type]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=("trawl", "datasketch"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.corpus, args.threshold, args.out)
        return

    with tempfile.TemporaryDirectory(prefix="trawl-neardup-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        texts, family = make_corpus(args.docs, args.seed)
        corpus = folder / "corpus.pkl"
        corpus.write_bytes(pickle.dumps(texts))
        t1 = time.perf_counter()
        truth_scores = exact_pairs(texts, args.threshold)
        truth = set(truth_scores)
        t2 = time.perf_counter()
        words_total = sum(len(t.split()) for t in texts)
        copies = sum(1 for i, f in enumerate(family) if f != i)
        print(
            f"corpus: {len(texts):,} documents, {words_total / len(texts):.0f} words on average, "
            f"{copies:,} edited copies of {len(set(f for i, f in enumerate(family) if f != i)):,} originals "
            f"(generated in {t1 - t0:.1f} s)"
        )
        print(
            f"truth: {len(truth):,} pairs with exact Jaccard >= {args.threshold} over word {SHINGLE_WORDS}-shingles "
            f"(exact set-similarity join in {t2 - t1:.1f} s)"
        )
        family_pairs = {(a, b) for (a, b) in truth if family[a] == family[b]}
        near = [j for j in truth_scores.values() if j < args.threshold + 0.05]
        print(
            f"       {len(family_pairs):,} of them within known families; "
            f"{len(near):,} within 0.05 above the threshold (the hard ones)\n"
        )
        results = {}
        for method in ("trawl", "datasketch"):
            out = folder / f"{method}.json"
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    method,
                    "--corpus",
                    str(corpus),
                    "--out",
                    str(out),
                    "--threshold",
                    str(args.threshold),
                ],
                check=True,
            )
            results[method] = json.loads(out.read_text())

    n = len(texts)
    tr, ds = results["trawl"], results["datasketch"]
    rows = [
        score("trawl (DuckDB index, LSH + exact Jaccard)", {tuple(p) for p in tr["pairs"]}, truth, tr, n),  # type: ignore[misc]
        score("datasketch MinHashLSH (candidates)", {tuple(p) for p in ds["pairs"]}, truth, ds, n),  # type: ignore[misc]
        score(
            "datasketch + estimated Jaccard >= threshold",
            {tuple(p) for p in ds["filtered_pairs"]},  # type: ignore[misc]
            truth,
            {},
            n,
        ),
    ]
    header = f"{'method':<46} {'pairs':>8} {'precision':>9} {'recall':>7} {'seconds':>8} {'docs/s':>8} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        seconds = f"{r.seconds:8.1f}" if r.seconds else f"{'(same)':>8}"
        rate = f"{r.docs_per_s:8.0f}" if r.docs_per_s else f"{'':>8}"
        peak = f"{r.peak_mb:8.0f}" if r.peak_mb is not None else f"{'':>8}"
        print(f"{r.name:<46} {r.pairs:>8,} {r.precision:9.4f} {r.recall:7.4f} {seconds} {rate} {peak}")
    print(
        f"\ntrawl: threshold {args.threshold}, {NUM_PERM} permutations, {tr['bands']} bands x {tr['rows']} rows, "
        f"{tr['candidates']:,} candidate pairs checked exactly; the last {tr['incremental_docs']:,} documents "
        f"were matched incrementally against the stored index in {tr['incremental_seconds']:.1f} s"
    )
    print(f"datasketch: threshold {args.threshold}, {NUM_PERM} permutations, {ds['bands']} bands x {ds['rows']} rows")
    print(
        f"ratios trawl / datasketch: throughput x{rows[0].docs_per_s / rows[1].docs_per_s:.2f}, "  # type: ignore[operator]
        f"peak memory x{rows[0].peak_mb / max(rows[1].peak_mb, 1):.2f}"  # type: ignore[operator]
    )


if __name__ == "__main__":
    main()
