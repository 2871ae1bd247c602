"""BM25 over kept term counts: the same float32 scores as bm25s bit for bit, and postings updated by rows
(kept, moved, replaced, added) score as postings counted at once."""

from __future__ import annotations

import json
import random

import bm25s
import numpy as np
import pytest

from retrieval import bm25
from retrieval.bm25 import Bm25
from retrieval.postings import Postings, TermCounts, row_lengths

WORDS = [f"w{i}" for i in range(300)] + ["链长", "芯片", "集成电路产业链"]


def _corpus(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice(WORDS[: rng.randint(5, len(WORDS))]) for _ in range(rng.randint(0, 40))] for _ in range(n)]


def _queries(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[rng.choice([*WORDS, "unknown"]) for _ in range(rng.randint(1, 8))] for _ in range(60)]


@pytest.mark.parametrize(("k1", "b", "block"), [(1.2, 0.5, None), (1.5, 0.75, None), (1.2, 0.5, 7)])
def test_scores_equal_bm25s_bit_for_bit(k1, b, block, monkeypatch):
    if block:  # scored in blocks of 7 postings: blocks begin and end inside a term's postings
        monkeypatch.setattr(bm25, "_BLOCK", block)
    corpus = _corpus(1, 400)  # some rows hold no token at all
    reference = bm25s.BM25(k1=k1, b=b)
    reference.index([t or [""] for t in corpus], show_progress=False)
    ours = Bm25.of(TermCounts.count(corpus), k1, b)
    for query in _queries(2):
        ids = reference.get_tokens_ids(query)
        expected = reference.get_scores_from_ids(ids) if ids else np.zeros(len(corpus), dtype=np.float32)
        got = ours.scores(query)
        assert got.dtype == np.float32 and np.array_equal(got, expected)


def _same_scores(updated: Postings, whole: TermCounts) -> None:
    assert set(updated.vocab) == set(whole.vocab)  # the terms only replaced rows held are gone
    assert np.array_equal(updated.lengths, row_lengths(whole))
    a, b = Bm25.scored(updated), Bm25.of(whole)
    for query in _queries(5):
        assert np.array_equal(a.scores(query), b.scores(query))


def test_updated_postings_score_as_postings_counted_at_once():
    corpus, changed = _corpus(3, 120), _corpus(4, 40)
    before = Postings.of(TermCounts.count(corpus[:80]))
    # rows 40–79 replaced, rows 0–39 moved after them, 40 rows added at the end
    fresh = TermCounts.count(changed + corpus[80:], vocab=before.vocab)
    _same_scores(before.updated([(0, 40, 40)], fresh, [(0, 40, 0), (40, 80, 80)], 120),
                 TermCounts.count(changed + corpus[:40] + corpus[80:]))
    # every row kept: rows added at the end, or in front (the old ones renumbered)
    added = TermCounts.count(corpus[80:], vocab=before.vocab)
    _same_scores(before.updated([(0, 80, 0)], added, [(0, 40, 80)], 120), TermCounts.count(corpus))
    _same_scores(before.updated([(0, 80, 40)], added, [(0, 40, 0)], 120),
                 TermCounts.count(corpus[80:] + corpus[:80]))
    emptied = before.updated([], TermCounts.count([], vocab=before.vocab), [], 0)
    assert emptied.size == 0 and emptied.vocab == [] and Bm25.scored(emptied).scores(["w1"]).shape == (0,)
    with pytest.raises(ValueError, match="vocabulary"):
        before.updated([], TermCounts.count(changed), [(0, 40, 0)], 40)


def test_postings_saved_and_read(tmp_path):
    postings = Postings.of(TermCounts.count(_corpus(6, 50)))
    postings.save(tmp_path)
    (tmp_path / "lexical.json").write_text(json.dumps({"vocab": postings.vocab}), encoding="utf-8")
    read = Postings.read(tmp_path)
    assert read.vocab == postings.vocab
    assert all(np.array_equal(getattr(read, k), getattr(postings, k)) for k in ("indptr", "rows", "tf", "lengths"))
    (tmp_path / "lexical.json").write_text(json.dumps({"vocab": postings.vocab[:-1]}), encoding="utf-8")
    with pytest.raises(ValueError, match="vocabulary"):
        Postings.read(tmp_path)


def test_a_count_beyond_16_bits_is_kept_whole():
    small = Postings.of(TermCounts.count([["w1"], ["w2"]]))
    assert small.tf.dtype == np.uint16
    grown = small.updated([(0, 2, 0)], TermCounts.count([["w1"] * 70_000], vocab=small.vocab), [(0, 1, 2)], 3)
    assert grown.tf.dtype == np.int32 and sorted(grown.tf.tolist()) == [1, 1, 70_000]
    assert Postings.of(TermCounts.count([["w1"] * 70_000])).tf.dtype == np.int32
