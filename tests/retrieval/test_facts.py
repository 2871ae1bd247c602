"""Narrative facts: every quote verbatim, every number and name of a record's own words in its quote."""

from __future__ import annotations

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.facts import Facts, Figure, load_facts, problems, unsupported


def test_every_fact_has_provenance(tables, documents):
    texts = {k: d.text for k, d in documents.items()}
    assert problems(tables.facts, texts) == []
    facts = tables.facts
    assert len(facts.statements) > 100 and len(facts.figures) > 50 and len(facts.people) >= 10
    assert {e.id for e in facts.events} >= {"hubei_press_conference", "hubei_cppcc_session"}


def test_an_unsupported_number_is_caught():
    fig = Figure(id="x", kind="figure", what="国家重点实验室", value="18", unit="个", source="hunan_article",
                 quote="目前,全省已拥有17个国家重点实验室")
    assert unsupported(fig, set()) == ["18"]
    facts = Facts(figures=[fig])
    assert problems(facts, {"hunan_article": "目前,全省已拥有17个国家重点实验室"}) == \
        ["Figure x: ['18'] not in its quote"]


def test_a_quote_that_is_not_verbatim_is_caught():
    fig = Figure(id="y", kind="figure", what="实验室", value="17", unit="个", source="d", quote="拥有17个实验室")
    assert "not verbatim" in problems(Facts(figures=[fig]), {"d": "拥有 17 个实验室"})[0]


def test_a_malformed_facts_file_names_the_file_and_field(tmp_path):
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "x.yaml").write_text("figures:\n  - id: a\n    kind: guess\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match=r"x\.yaml: figures\.0"):
        load_facts(tmp_path)
    (tmp_path / "facts" / "x.yaml").write_text("gossip: []\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="unknown section"):
        load_facts(tmp_path)
