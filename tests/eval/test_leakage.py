"""No leakage from the blind test split into the engine's data: no intent example, alias or glossary entry
is a near-duplicate of a test question (the test split is never tuned on)."""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

from assistant.curated import normalised

TEST = Path(__file__).resolve().parents[2] / "eval" / "datasets" / "test.jsonl"
NEAR = 0.9


def _questions() -> list[str]:
    cases = [json.loads(line) for line in TEST.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [normalised(c["question"]) for c in cases] + [normalised(t["content"]) for c in cases
                                                           for t in c["history"] if t["role"] == "user"]


def _near_duplicates(ours: list[str], theirs: list[str]) -> list[tuple[str, str, float]]:
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).fit(ours + theirs)
    sims = (vec.transform(ours) @ vec.transform(theirs).T).toarray()
    return [(ours[i], theirs[j], float(sims[i, j])) for i, j in zip(*(sims >= NEAR).nonzero(), strict=True)]


def test_no_intent_example_is_a_test_question(tables):
    examples = [normalised(e) for i in tables.catalog.intents for e in i.examples]
    assert _near_duplicates(examples, _questions()) == []


def test_no_alias_or_term_is_a_test_question(tables):
    names = [normalised(a) for chains in tables.chain_aliases.values() for aliases in chains.values() for a in aliases]
    names += [normalised(a) for t in tables.terms for a in (t.term, *t.aliases)]
    names = [n for n in names if len(n) >= 6]  # a short name cannot be a whole question
    assert _near_duplicates(names, _questions()) == []
