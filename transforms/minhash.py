"""Near-duplicate detection by MinHash over word shingles, with LSH banding and exact Jaccard.

A document becomes the set of its word ``k``-shingles (casefolded words, 64-bit hashes). Its
signature holds, for each of ``num_perm`` hash functions, the smallest hash of any shingle:
two signatures agree in a position with probability equal to the Jaccard similarity of the
sets. Banding cuts a signature into ``bands`` groups of ``rows``; documents that agree on all
rows of any band become candidates, and each candidate pair is then confirmed with the exact
Jaccard similarity of its shingle sets, so a reported pair is never below the threshold.

Pure: numpy in, numpy out; the same parameters give the same signatures in every process.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# defaults: a republished statement with a changed phrase or two stays above 0.8 on
# 5-word shingles; unrelated articles of one site stay far below it
DEFAULT_THRESHOLD = 0.8
SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 1
# banding is chosen so that a pair exactly at the threshold becomes a candidate this often
CANDIDATE_RECALL = 0.99

_WORD = re.compile(r"\w+", re.UNICODE)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_POLY = np.uint64(0x100000001B3)


@dataclass(frozen=True, slots=True)
class LshParams:
    """Everything that decides signatures and bands; stored beside them in the warehouse."""

    threshold: float = DEFAULT_THRESHOLD
    num_perm: int = NUM_PERM
    shingle_words: int = SHINGLE_WORDS
    seed: int = SEED
    bands: int = 0
    rows: int = 0

    @classmethod
    def for_threshold(cls, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> LshParams:
        """Parameters whose banding catches a pair at ``threshold`` with ``CANDIDATE_RECALL``."""
        if not 0 < threshold <= 1:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
        bands, rows = choose_bands(num_perm, threshold)
        return cls(threshold=threshold, num_perm=num_perm, bands=bands, rows=rows)


def candidate_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that two documents with this Jaccard similarity share at least one band."""
    return float(1.0 - (1.0 - jaccard**rows) ** bands)


def choose_bands(num_perm: int, threshold: float, recall: float = CANDIDATE_RECALL) -> tuple[int, int]:
    """(bands, rows) with the most rows per band (fewest false candidates) that still reach
    ``recall`` at the threshold; rows = 1 when none does."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if candidate_probability(threshold, bands, rows) >= recall:
            best = (bands, rows)
    return best


def words(text: str) -> list[str]:
    """The words of a text, casefolded (punctuation and spacing never make two texts differ)."""
    return _WORD.findall(text.casefold())


def _mix(values: U64) -> U64:
    """splitmix64's finalizer: a bijection of 64-bit values that spreads every input bit."""
    z = values ^ (values >> np.uint64(30))
    z = z * _MIX1
    z = z ^ (z >> np.uint64(27))
    z = z * _MIX2
    mixed: U64 = z ^ (z >> np.uint64(31))
    return mixed


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class Shingler:
    """Turns texts into sorted, distinct 64-bit shingle hashes (word hashes cached per instance)."""

    def __init__(self, shingle_words: int = SHINGLE_WORDS) -> None:
        if shingle_words < 1:
            raise ValueError("a shingle has at least one word")
        self.k = shingle_words
        self._cache: dict[str, int] = {}

    def _ids(self, tokens: Sequence[str]) -> U64:
        cache = self._cache
        ids = list(map(cache.get, tokens))
        if None in ids:
            for i, value in enumerate(ids):
                if value is None:
                    ids[i] = cache.setdefault(tokens[i], _word_hash(tokens[i]))
        return np.array(ids, dtype=np.uint64)

    def shingles(self, text: str) -> U64:
        """Sorted distinct hashes of the text's ``k``-word shingles (a shorter text is one shingle)."""
        ids = self._ids(words(text))
        n = len(ids)
        if n == 0:
            return np.empty(0, dtype=np.uint64)
        k = min(self.k, n)
        combined = ids[: n - k + 1].copy()
        with np.errstate(over="ignore"):
            for j in range(1, k):
                combined = combined * _POLY + ids[j : n - k + 1 + j]
        hashed = np.sort(_mix(combined))
        keep = np.empty(len(hashed), dtype=bool)
        keep[0] = True
        np.not_equal(hashed[1:], hashed[:-1], out=keep[1:])
        return hashed[keep]


def jaccard(a: U64, b: U64) -> float:
    """Exact Jaccard similarity of two sorted distinct hash sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0  # a text without words is nobody's near-duplicate
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


class MinHasher:
    """``num_perm`` hash functions h_i(x) = (a_i x + b_i mod 2^64) >> 32 over shingle hashes."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = SEED) -> None:
        rng = np.random.Generator(np.random.PCG64(seed))
        self.num_perm = num_perm
        self._a = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False) | np.uint64(1)
        self._b = rng.integers(0, 2**64, size=num_perm, dtype=np.uint64, endpoint=False)

    def signatures(self, shingle_sets: Sequence[U64]) -> U32:
        """One signature row per shingle set; an empty set gets the all-ones signature."""
        out = np.full((len(shingle_sets), self.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        present = [i for i, s in enumerate(shingle_sets) if len(s)]
        if not present:
            return out
        values = np.concatenate([shingle_sets[i] for i in present])
        starts = np.cumsum([0] + [len(shingle_sets[i]) for i in present[:-1]])
        rows = np.asarray(present)
        shift = np.uint64(32)
        with np.errstate(over="ignore"):
            for p in range(self.num_perm):
                hashed = (values * self._a[p] + self._b[p]) >> shift
                out[rows, p] = np.minimum.reduceat(hashed, starts).astype(np.uint32)
        return out


def band_keys(signatures: U32, bands: int, rows: int) -> U64:
    """One 64-bit key per document and band: equal keys mean the band's rows are all equal."""
    n = signatures.shape[0]
    keys = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            key = np.full(n, band + 1, dtype=np.uint64)
            for column in range(band * rows, (band + 1) * rows):
                key = _mix(key * _POLY + signatures[:, column].astype(np.uint64))
            keys[:, band] = key
    return keys


def estimate(a: U32, b: U32) -> float:
    """Jaccard similarity estimated from two signatures."""
    return float(np.mean(a == b))


def candidate_pairs(keys: U64, ids: Sequence[str]) -> set[tuple[str, str]]:
    """Pairs (smaller id first) sharing any band key; for tests and benchmarks (the warehouse joins)."""
    buckets: dict[tuple[int, int], list[str]] = {}
    for row, doc in enumerate(ids):
        for band, key in enumerate(keys[row].tolist()):
            buckets.setdefault((band, key), []).append(doc)
    pairs: set[tuple[str, str]] = set()
    for members in buckets.values():
        if len(members) > 1:
            for i, x in enumerate(members):
                for y in members[i + 1 :]:
                    if x != y:
                        pairs.add((x, y) if x < y else (y, x))
    return pairs


def confirmed(
    pairs: Iterable[tuple[str, str]], shingle_sets: dict[str, U64], threshold: float
) -> list[tuple[str, str, float]]:
    """The candidate pairs whose exact Jaccard similarity reaches the threshold, with it."""
    out = []
    for a, b in sorted(pairs):
        similarity = jaccard(shingle_sets[a], shingle_sets[b])
        if similarity >= threshold:
            out.append((a, b, similarity))
    return out
