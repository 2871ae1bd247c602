"""The bench's content-safety figure: 10,000 distinct terms compiled, every spread-in term found (no timing
is asserted: the p50/p95 are numbers of `chainqa bench`)."""

from __future__ import annotations

from eval import bench_lexicon


def test_ten_thousand_terms_and_every_spread_term_found():
    questions = ["湖北芯片这条链谁是链长？", "湖南产业链链长制的工作机制是什么？"] * 5
    result = bench_lexicon.measure(questions, rounds=1)
    assert result["terms"] == bench_lexicon.TERMS == 10_000 and result["texts"] == 10
    assert result["with_hit"] >= 5  # half the texts carry a term with spaces or punctuation inside
    assert set(result["match_ms"]) == {"p50", "p95"} and result["match_ms"]["p50"] <= result["match_ms"]["p95"]
    assert "10000 terms" in bench_lexicon.render(result)
