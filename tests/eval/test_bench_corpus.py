"""The bench worker's sample of free-text wordings covers every ask, not one."""

from __future__ import annotations

from eval.bench_corpus import VARIANTS, sample_of


def test_the_sample_of_wordings_holds_every_ask():
    asks = [f"问题{i}" for i in range(5)]
    variants = [f"{q}，第{n}个？" for n in range(VARIANTS) for q in asks]  # as the bench words them
    sample = sample_of(variants)
    assert len(sample) == 40 == len(set(sample))
    assert {v.split("，")[0] for v in sample} == set(asks)
    assert sample_of(variants) == sample  # the same sample every run
