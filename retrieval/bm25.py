"""BM25 over term counts kept term by term (retrieval/postings.py), so an update reuses the postings of
unchanged chunks and recomputes only the corpus statistics (document frequencies, average length) and the
scores, vectorised.

The scores are those of bm25s (Lucene variant) bit for bit: the IDF by `math.log` in double precision
stored as float32, the term-frequency part in double precision, their product stored as float32, and a
query's score summed in float32 term by term in query order (tests/retrieval/test_bm25.py compares)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.postings import Postings, TermCounts


@dataclass(frozen=True)
class Bm25:
    """Precomputed scores, column-major: term t's postings are rows[indptr[t]:indptr[t+1]] with `data`."""

    vocab: dict[str, int]
    indptr: np.ndarray
    rows: np.ndarray
    data: np.ndarray  # float32
    size: int
    k1: float = 1.2
    b: float = 0.5

    @classmethod
    def of(cls, counts: TermCounts, k1: float = 1.2, b: float = 0.5) -> Bm25:
        return cls.scored(Postings.of(counts), k1, b)

    @classmethod
    def scored(cls, postings: Postings, k1: float = 1.2, b: float = 0.5) -> Bm25:
        """Every posting's score, in the postings' own order (each score as bm25s computes it)."""
        n, lengths, df = postings.size, postings.lengths, np.diff(postings.indptr)
        idf = _idf(df, n)
        norm = k1 * ((1 - b) + b * lengths.astype(np.float64) / lengths.mean()) if n else lengths.astype(np.float64)
        data = np.empty(len(postings.rows), dtype=np.float32)
        part = np.empty(min(_BLOCK, len(data)), dtype=np.float64)
        for start in range(0, len(data), _BLOCK):
            _score(postings, idf, norm, start, min(start + _BLOCK, len(data)), part, data)
        return cls({t: i for i, t in enumerate(postings.vocab)}, postings.indptr, postings.rows, data, n, k1, b)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """The score of every row for the query tokens (repeats count again); unknown tokens add nothing."""
        scores = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            t = self.vocab.get(token)
            if t is not None:
                a, z = self.indptr[t], self.indptr[t + 1]
                scores[self.rows[a:z]] += self.data[a:z]
        return scores


_BLOCK = 1 << 16  # postings scored at a time: the float64 temporaries stay in cache, and fresh memory (each
# new page a fault, costly in a VM) is the float32 scores alone


def _score(postings: Postings, idf: np.ndarray, norm: np.ndarray, start: int, end: int, part: np.ndarray,
           data: np.ndarray) -> None:
    """data[start:end] = float32(idf[term] · tf / (tf + norm[row])), the product and quotient in float64."""
    tf, part = postings.tf[start:end], part[:end - start]
    first, last = np.searchsorted(postings.indptr, [start, end - 1], side="right") - 1
    bounds = np.clip(postings.indptr[first:last + 2], start, end)
    np.take(norm, postings.rows[start:end], out=part)
    np.add(part, tf, out=part)
    np.divide(tf, part, out=part)
    np.multiply(part, np.repeat(idf[first:last + 1], np.diff(bounds)), out=part)
    data[start:end] = part


def _idf(df: np.ndarray, n: int) -> np.ndarray:
    """log(1 + (N - df + 0.5) / (df + 0.5)) by math.log, once per distinct frequency; 0 for an unused term."""
    values, inverse = np.unique(df, return_inverse=True)
    idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) if d else 0.0 for d in values.tolist()],
                   dtype=np.float32)
    return idf[inverse.reshape(-1)]
