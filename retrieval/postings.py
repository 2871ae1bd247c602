"""Term counts: row by row as a build counts a chunk's tokens (`TermCounts`), and term by term, the layout
BM25 scores in, with each row's length (`Postings`). A new snapshot takes
the postings of the chunks it keeps from the previous snapshot's, renumbered, and merges in those of the
chunks it has counted: no ordering of the corpus's postings by term again (at 100× 1.5 M postings, a
radix sort and its gathers were most of BM25's 60 ms), no row-by-row counts kept beside them.

Within a term the postings are in no particular row order (the old before the new): a query adds one
posting per row and term, so the order changes no score."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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


def by_term(terms: np.ndarray) -> np.ndarray:
    """A stable order of the postings by term: two radix passes of 16 bits (a general stable sort of a
    million ids is 0.15 s)."""
    order = np.argsort((terms & 0xFFFF).astype(np.uint16), kind="stable")
    high = (terms >> 16).astype(np.uint16)
    if high.any():
        order = order[np.argsort(high[order], kind="stable")]
    return order


def row_lengths(counts: TermCounts) -> np.ndarray:
    """Tokens per row (the sum of its counts)."""
    sums = np.concatenate([[0], np.cumsum(counts.tf, dtype=np.int64)])
    return sums[counts.indptr[1:]] - sums[counts.indptr[:-1]]


def _narrow(tf: np.ndarray) -> np.ndarray:
    """Counts as uint16 when they all fit (a token 65 536 times in one chunk would not): half the bytes to
    read, copy and write."""
    return tf.astype(np.uint16) if not len(tf) or int(tf.max()) <= 0xFFFF else tf.astype(np.int32)


Moves = Sequence[tuple[int, int, int]]  # rows [a, b) go to the rows from c on
ARRAYS = ("indptr", "rows", "tf", "lengths")


def _placed(moves: Moves, rows: int) -> np.ndarray:
    """Each row's new number, -1 for a row no move takes."""
    where = np.full(rows, -1, dtype=np.int32)
    for a, b, c in moves:
        where[a:b] = np.arange(c, c + b - a, dtype=np.int32)
    return where


@dataclass(frozen=True)
class Postings:
    """Term t's postings are rows[indptr[t]:indptr[t+1]], each `tf` times; lengths[r]: row r's tokens."""

    vocab: list[str]
    indptr: np.ndarray  # int64, len(vocab) + 1
    rows: np.ndarray  # int32
    tf: np.ndarray  # uint16 (int32 should a count not fit)
    lengths: np.ndarray  # int64, one per row

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def of(cls, counts: TermCounts) -> Postings:
        df = np.bincount(counts.terms, minlength=len(counts.vocab))
        indptr = np.zeros(len(counts.vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        row_of = np.repeat(np.arange(counts.rows, dtype=np.int32), np.diff(counts.indptr))
        order = by_term(counts.terms)
        return cls(counts.vocab, indptr, row_of[order], _narrow(counts.tf[order]), row_lengths(counts)).compacted(df)

    def updated(self, moves: Moves, fresh: TermCounts, placed: Moves, size: int) -> Postings:
        """The postings of a table of `size` rows: rows [a, b) of these renumbered from c for each of
        `moves`, rows [a, b) of `fresh` (counted with a vocabulary that extends this one) placed from c
        for each of `placed`; rows no move takes are gone."""
        if fresh.vocab[:len(self.vocab)] != self.vocab:
            raise ValueError("the new counts were not counted with these postings' vocabulary")
        rows, tf, df_old = self._kept(moves, len(fresh.vocab))
        at = np.repeat(_placed(placed, fresh.rows), np.diff(fresh.indptr))
        new = at >= 0
        order = np.argsort(fresh.terms[new], kind="stable")
        new_terms = fresh.terms[new][order]
        ends = np.cumsum(df_old)[new_terms]  # a term's new postings go after its old ones
        new_tf = fresh.tf[new][order]
        tf = tf if tf.dtype == np.int32 or _narrow(new_tf).dtype == tf.dtype else tf.astype(np.int32)
        rows, tf = np.insert(rows, ends, at[new][order]), np.insert(tf, ends, new_tf)
        df = df_old + np.bincount(new_terms, minlength=len(fresh.vocab))
        indptr = np.zeros(len(fresh.vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        return Postings(fresh.vocab, indptr, rows, tf, self._lengths(moves, fresh, placed, size)).compacted(df)

    def _kept(self, moves: Moves, terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows (renumbered) and counts of the postings `moves` keep, still by term, and each term's
        number of them (`terms` of them: the vocabulary may have grown)."""
        df = np.zeros(terms, dtype=np.int64)
        if sum(b - a for a, b, _ in moves) == self.size:  # every row kept (the usual update: rows added)
            df[:len(self.vocab)] = np.diff(self.indptr)
            renumbered = any(a != c for a, _, c in moves)
            return (_placed(moves, self.size)[self.rows] if renumbered else self.rows), self.tf, df
        mapped = _placed(moves, self.size)[self.rows]
        keep = mapped >= 0
        terms_of = np.repeat(np.arange(len(self.vocab), dtype=np.int32), np.diff(self.indptr))[keep]
        df += np.bincount(terms_of, minlength=terms)
        return mapped[keep], self.tf[keep], df

    def _lengths(self, moves: Moves, fresh: TermCounts, placed: Moves, size: int) -> np.ndarray:
        lengths = np.zeros(size, dtype=np.int64)
        for source, where in ((self.lengths, _placed(moves, self.size)), (row_lengths(fresh), _placed(placed, fresh.rows))):
            taken = np.flatnonzero(where >= 0)
            lengths[where[taken]] = source[taken]
        return lengths

    def compacted(self, df: np.ndarray) -> Postings:
        """Without the terms no row holds any more (`df`: each term's postings)."""
        used = df > 0
        if used.all():
            return self
        indptr = np.zeros(int(used.sum()) + 1, dtype=np.int64)
        np.cumsum(df[used], out=indptr[1:])
        return Postings([t for t, u in zip(self.vocab, used.tolist(), strict=True) if u], indptr, self.rows, self.tf,
                        self.lengths)

    def save(self, directory: Path) -> None:
        for name in ARRAYS:
            with (directory / f"{name}.npy").open("wb") as fh:
                np.save(fh, getattr(self, name))

    @classmethod
    def read(cls, directory: Path, mapped: bool = False) -> Postings:
        """Raises on missing or inconsistent files (OSError, ValueError, KeyError). `mapped`: the arrays
        mapped from the files, read-only (a build reads the previous postings once: no copy of them)."""
        vocab = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))["vocab"]
        mode: Literal["r"] | None = "r" if mapped else None
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode=mode, allow_pickle=False) for name in ARRAYS}
        postings = cls(vocab, **arrays)
        if len(postings.indptr) != len(vocab) + 1 or len(postings.rows) != len(postings.tf) or \
                int(postings.indptr[-1]) != len(postings.rows):
            raise ValueError(f"the postings of {directory} do not match their vocabulary")
        return postings
