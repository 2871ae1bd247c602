"""BM25 over kept term counts: the same float32 scores as bm25s bit for bit, and counts joined from
parts (an update) score as counts made at once."""

from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from retrieval.bm25 import Bm25, TermCounts

WORDS = [f"w{i}" for i in range(300)] + ["链长", "芯片", "集成电路产业链"]


def _corpus(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(WORDS[: rng.randint(5, len(WORDS))]) for _ in range(rng.randint(0, 40))] for _ in range(n)]


def _queries(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice([*WORDS, "unknown"]) for _ in range(rng.randint(1, 8))] for _ in range(60)]


@pytest.mark.parametrize(("k1", "b"), [(1.2, 0.5), (1.5, 0.75)])
def test_scores_equal_bm25s_bit_for_bit(k1, b):
    corpus = _corpus(1, 400)  # some rows hold no token at all
    reference = bm25s.BM25(k1=k1, b=b)
    reference.index([t or [""] for t in corpus], show_progress=False)
    ours = Bm25.of(TermCounts.count(corpus), k1, b)
    for query in _queries(2):
        ids = reference.get_tokens_ids(query)
        expected = reference.get_scores_from_ids(ids) if ids else np.zeros(len(corpus), dtype=np.float32)
        got = ours.scores(query)
        assert got.dtype == np.float32 and np.array_equal(got, expected)


def test_joined_counts_score_as_counts_made_at_once():
    corpus = _corpus(3, 120)
    before = TermCounts.count(corpus[:80])
    changed = _corpus(4, 40)  # rows 40–79 replaced, 40 rows added at the end
    new = TermCounts.count(changed, vocab=before.vocab)
    extra = TermCounts.count(corpus[80:], vocab=new.vocab)
    joined = extra.join([(before, 0, 40), (new, 0, 40), (extra, 0, 40)])
    whole = TermCounts.count(corpus[:40] + changed + corpus[80:])
    assert set(joined.vocab) == set(whole.vocab)  # the terms only the replaced rows held are gone
    a, b = Bm25.of(joined), Bm25.of(whole)
    for query in _queries(5):
        assert np.array_equal(a.scores(query), b.scores(query))
    assert TermCounts.count([]).join([]).rows == 0
