"""BM25 over term counts that are kept per chunk, so an update reuses the counts of unchanged chunks and
recomputes only the corpus statistics (document frequencies, average length), vectorised.

The scores are those of bm25s (Lucene variant) bit for bit: the IDF by `math.log` in double precision
stored as float32, the term-frequency part in double precision, their product stored as float32, and a
query's score summed in float32 term by term in query order (tests/retrieval/test_bm25.py compares)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TermCounts:
    """Row-major counts: row i holds the terms terms[indptr[i]:indptr[i+1]] (ids into `vocab`), each
    `tf` times. A row with no token holds the empty token once, as bm25s indexes it."""

    vocab: list[str]
    indptr: np.ndarray  # int64, rows + 1
    terms: np.ndarray  # int32
    tf: np.ndarray  # int32

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    @classmethod
    def count(cls, token_lists: Iterable[Sequence[str]], vocab: list[str] | None = None) -> TermCounts:
        """Counts of the token lists, with ids from `vocab` (extended by the tokens it lacks)."""
        vocab = list(vocab or [])
        ids = {t: i for i, t in enumerate(vocab)}
        lengths, terms, tf = [], [], []
        for tokens in token_lists:
            counted = Counter(tokens or [""])
            for token, n in counted.items():
                if token not in ids:
                    ids[token] = len(vocab)
                    vocab.append(token)
                terms.append(ids[token])
                tf.append(n)
            lengths.append(len(counted))
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return cls(vocab, indptr, np.asarray(terms, dtype=np.int32), np.asarray(tf, dtype=np.int32))

    def join(self, parts: Sequence[tuple[TermCounts, int, int]]) -> TermCounts:
        """Rows [start, end) of each part, in order; every part's ids index `self.vocab` (a part counted
        with it, or a part whose vocabulary it extends). Terms no row holds any more are dropped."""
        terms = np.concatenate([p.terms[p.indptr[a]:p.indptr[b]] for p, a, b in parts] or [self.terms[:0]])
        tf = np.concatenate([p.tf[p.indptr[a]:p.indptr[b]] for p, a, b in parts] or [self.tf[:0]])
        lengths = np.concatenate([np.diff(p.indptr[a:b + 1]) for p, a, b in parts] or [self.indptr[:0]])
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        used = np.flatnonzero(np.bincount(terms, minlength=len(self.vocab)))
        if len(used) == len(self.vocab):
            return TermCounts(self.vocab, indptr, terms, tf)
        remap = np.full(len(self.vocab), -1, dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        return TermCounts([self.vocab[i] for i in used], indptr, remap[terms], tf)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"indptr": self.indptr, "terms": self.terms, "tf": self.tf}


def _by_term(terms: np.ndarray) -> np.ndarray:
    """A stable order of the postings by term: two radix passes of 16 bits (a general stable sort of a
    million ids is 0.15 s)."""
    order = np.argsort((terms & 0xFFFF).astype(np.uint16), kind="stable")
    high = (terms >> 16).astype(np.uint16)
    if high.any():
        order = order[np.argsort(high[order], kind="stable")]
    return order


@dataclass(frozen=True)
class Bm25:
    """Precomputed scores, column-major: term t's postings are rows[indptr[t]:indptr[t+1]] with `data`."""

    vocab: dict[str, int]
    indptr: np.ndarray
    rows: np.ndarray
    data: np.ndarray  # float32
    size: int

    @classmethod
    def of(cls, counts: TermCounts, k1: float = 1.2, b: float = 0.5) -> Bm25:
        n = counts.rows
        lengths = _row_lengths(counts)
        df = np.bincount(counts.terms, minlength=len(counts.vocab))
        idf = _idf(df, n)
        row_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(counts.indptr))
        norm = k1 * ((1 - b) + b * lengths.astype(np.float64) / lengths.mean()) if n else lengths.astype(np.float64)
        tf = counts.tf.astype(np.float32)
        data = (idf[counts.terms] * (tf / (tf + norm[row_of]))).astype(np.float32)
        order = _by_term(counts.terms)
        indptr = np.zeros(len(counts.vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        return cls({t: i for i, t in enumerate(counts.vocab)}, indptr, row_of[order], data[order], n)

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """The score of every row for the query tokens (repeats count again); unknown tokens add nothing."""
        scores = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            t = self.vocab.get(token)
            if t is not None:
                a, z = self.indptr[t], self.indptr[t + 1]
                scores[self.rows[a:z]] += self.data[a:z]
        return scores


def _row_lengths(counts: TermCounts) -> np.ndarray:
    """Tokens per row (the sum of its counts)."""
    sums = np.concatenate([[0], np.cumsum(counts.tf, dtype=np.int64)])
    return sums[counts.indptr[1:]] - sums[counts.indptr[:-1]]


def _idf(df: np.ndarray, n: int) -> np.ndarray:
    """log(1 + (N - df + 0.5) / (df + 0.5)) by math.log, once per distinct frequency; 0 for an unused term."""
    values, inverse = np.unique(df, return_inverse=True)
    idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) if d else 0.0 for d in values.tolist()],
                   dtype=np.float32)
    return idf[inverse.reshape(-1)]
