"""Pure parts of near-duplicate detection and quality checks: shingles, signatures, bands, clusters, verdicts."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.clusters import merge_clusters
from transforms.minhash import (
    LshParams,
    MinHasher,
    Shingler,
    band_keys,
    candidate_pairs,
    candidate_probability,
    choose_bands,
    confirmed,
    estimate,
    jaccard,
    words,
)
from transforms.quality import OK, SKIPPED, WARNING, SourceStats, Thresholds, boilerplate_only, evaluate

VOCAB = [f"слово{i}" for i in range(3000)] + [f"palavra{i}" for i in range(3000)]


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def python_jaccard(a: str, b: str, k: int = 5) -> float:
    def shingles(t: str) -> set[tuple[str, ...]]:
        w = words(t)
        return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}

    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def test_shingles_ignore_case_and_punctuation() -> None:
    s = Shingler()
    assert np.array_equal(s.shingles("Um texto, com: pontuação!"), s.shingles("um TEXTO com pontuação"))
    assert len(s.shingles("")) == 0
    assert len(s.shingles("duas palavras")) == 1  # a text shorter than a shingle is one shingle


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 12))
def test_exact_jaccard_matches_python_sets(seed: int, edits: int) -> None:
    rng = random.Random(seed)
    a = text(rng, rng.randint(20, 200))
    b = a.split()
    for _ in range(edits):
        b[rng.randrange(len(b))] = rng.choice(VOCAB)
    s = Shingler()
    assert abs(jaccard(s.shingles(a), s.shingles(" ".join(b))) - python_jaccard(a, " ".join(b))) < 1e-12


def test_signatures_estimate_jaccard() -> None:
    rng = random.Random(3)
    s, h = Shingler(), MinHasher()
    errors = []
    for _ in range(40):
        a = text(rng, 300)
        b = a.split()
        for _ in range(rng.randint(0, 30)):
            b[rng.randrange(len(b))] = rng.choice(VOCAB)
        sa, sb = s.shingles(a), s.shingles(" ".join(b))
        sig = h.signatures([sa, sb])
        errors.append(abs(estimate(sig[0], sig[1]) - jaccard(sa, sb)))
    assert np.mean(errors) < 0.04 and max(errors) < 0.15
    same = h.signatures([s.shingles("a b c d e f"), s.shingles("A b, c d e f")])
    assert np.array_equal(same[0], same[1])
    assert np.array_equal(MinHasher().signatures([sa]), h.signatures([sa]))  # same seed, same hash functions


def test_banding_reaches_the_threshold() -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95):
        p = LshParams.for_threshold(threshold)
        assert p.bands * p.rows <= p.num_perm
        assert candidate_probability(threshold, p.bands, p.rows) >= 0.99
        assert candidate_probability(threshold - 0.4, p.bands, p.rows) < 0.5
    assert choose_bands(128, 0.8) == (21, 6)


def test_lsh_finds_near_duplicates_and_confirms_exactly() -> None:
    rng = random.Random(5)
    s, h, p = Shingler(), MinHasher(), LshParams.for_threshold(0.8)
    docs = {f"d{i}": text(rng, 250) for i in range(200)}
    base = docs["d7"].split()
    near = list(base)
    near[100:103] = ["mudou", "uma", "frase"]
    docs["copy"] = " ".join(near)
    far = list(base)
    for i in range(0, len(far), 8):
        far[i] = "outra"
    docs["far"] = " ".join(far)
    ids = sorted(docs)
    sets = {d: s.shingles(docs[d]) for d in ids}
    keys = band_keys(h.signatures([sets[d] for d in ids]), p.bands, p.rows)
    pairs = confirmed(candidate_pairs(keys, ids), sets, p.threshold)
    assert [(a, b) for a, b, _ in pairs] == [("copy", "d7")]
    assert pairs[0][2] == jaccard(sets["copy"], sets["d7"]) >= 0.8


def test_clusters_merge_in_any_order() -> None:
    pairs = [("c", "d"), ("a", "b"), ("b", "c"), ("x", "y")]
    first = merge_clusters({}, pairs)
    assert first == {"a": "a", "b": "a", "c": "a", "d": "a", "x": "x", "y": "x"}
    assert merge_clusters({}, list(reversed(pairs))) == first
    step = merge_clusters({}, pairs[:2])
    later = merge_clusters({**step, **{d: c for d, c in step.items()}}, pairs[2:])
    assert {**step, **later} == first
    assert merge_clusters(first, [("a", "d")]) == {}  # nothing changes


def test_quality_verdicts() -> None:
    t = Thresholds()
    healthy = SourceStats(
        "s", extracted=30, discarded=1, new_documents=30, duplicates=1, days_since_new=0.5, article_fetches=31
    )
    assert {c.check: c.status for c in evaluate(healthy, t)} == {
        "fetch_failure_share": OK,
        "empty_or_discarded_share": OK,
        "missing_title_or_date_share": OK,
        "future_dates": OK,
        "duplicate_share": OK,
        "days_without_new_article": OK,
        "boilerplate_only_documents": OK,
    }
    broken = SourceStats(
        "s", extracted=8, discarded=24, empty=2, missing_metadata=5, future_dates=1, boilerplate_only=3
    )
    verdicts = {c.check: c.status for c in evaluate(broken, t)}
    assert verdicts["empty_or_discarded_share"] == WARNING
    assert verdicts["missing_title_or_date_share"] == WARNING
    assert verdicts["future_dates"] == verdicts["boilerplate_only_documents"] == WARNING
    assert verdicts["days_without_new_article"] == SKIPPED
    quiet = SourceStats("s", extracted=1, discarded=1, days_since_new=30)
    verdicts = {c.check: c.status for c in evaluate(quiet, t)}
    assert verdicts["empty_or_discarded_share"] == SKIPPED and verdicts["days_without_new_article"] == WARNING
    assert {c.status for c in evaluate(quiet, Thresholds(max_days_without_new=60))} == {OK, SKIPPED}


def test_duplicate_share_warns_only_on_a_spike() -> None:
    t = Thresholds()
    usual = SourceStats("s", new_documents=4, duplicates=6, duplicate_baseline=0.55)
    spike = SourceStats("s", new_documents=1, duplicates=9, duplicate_baseline=0.1)
    first = SourceStats("s", new_documents=1, duplicates=9)
    status = {s: next(c.status for c in evaluate(s, t) if c.check == "duplicate_share") for s in (usual, spike, first)}
    assert status == {usual: OK, spike: WARNING, first: WARNING}


def test_boilerplate_only_documents() -> None:
    keys = {"subscribe to our telegram bot", "share this"}
    assert boilerplate_only("Subscribe to our  Telegram bot\nShare this", keys)
    assert not boilerplate_only("Subscribe to our Telegram bot\nA real paragraph.", keys)
    assert not boilerplate_only("", keys)
