"""The labelled retrieval sets: every label is findable in one chunk of its document, and the paraphrase
dev and test splits share no question and no answer (the test split is held out from every choice)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval.retrieval_eval import load_cases
from retrieval.chunking import chunk_documents

DATASETS = Path(__file__).resolve().parents[2] / "eval" / "datasets"
SETS = ["retrieval.jsonl", "retrieval_paraphrase_dev.jsonl", "retrieval_paraphrase_test.jsonl"]
_SPACE = re.compile(r"\s+")


@pytest.fixture(scope="module")
def chunk_texts(documents):
    texts: dict[str, list[str]] = {}
    for chunk in chunk_documents(documents):
        texts.setdefault(chunk.doc_id, []).append(_SPACE.sub("", chunk.text))
    return texts


@pytest.mark.parametrize("name", SETS)
def test_every_label_is_in_a_chunk_of_its_document(name, chunk_texts):
    cases = load_cases(DATASETS / name)
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        for target in [case, *case.get("alt", [])]:
            answer = _SPACE.sub("", target["answer"])
            assert any(answer in t for t in chunk_texts[target["doc_id"]]), (case["id"], target["answer"])


def test_paraphrase_splits_are_disjoint():
    dev, test = (load_cases(DATASETS / f"retrieval_paraphrase_{s}.jsonl") for s in ("dev", "test"))
    assert len(dev) >= 60 and len(test) >= 60
    assert not {c["query"] for c in dev} & {c["query"] for c in test}
    assert not {(c["doc_id"], c["answer"]) for c in dev} & {(c["doc_id"], c["answer"]) for c in test}
    assert {c["doc_id"] for c in dev} == {c["doc_id"] for c in test}  # both cover all five documents
