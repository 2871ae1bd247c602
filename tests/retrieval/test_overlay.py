"""Operators' overlays: checked against the knowledge base, applied without touching knowledge/."""

from __future__ import annotations

from retrieval.gazetteer import Gazetteer
from retrieval.overlay import Alias, Curated, Example, Overlay, apply, problems


def test_an_alias_and_an_example_take_effect(tables, documents):
    texts = {k: d.text for k, d in documents.items()}
    overlay = Overlay(aliases=[Alias(kind="chain", target="集成电路产业链", province="湖北", alias="晶圆链")],
                      examples=[Example(intent="chain_leader", question="晶圆那摊子谁在管")])
    assert problems(tables, overlay, texts) == []
    changed = apply(tables, overlay)
    assert ("集成电路产业链", "湖北") in {(m.key, m.province) for m in Gazetteer(changed, texts).scan("晶圆链") if
                                           m.kind == "chain"}
    assert "晶圆那摊子谁在管" in changed.catalog.intent("chain_leader").examples
    assert "晶圆那摊子谁在管" not in tables.catalog.intent("chain_leader").examples  # the base is untouched


def test_bad_overlays_are_refused_with_reasons(tables, documents):
    texts = {k: d.text for k, d in documents.items()}
    overlay = Overlay(aliases=[Alias(kind="chain", target="量子链", province="湖北", alias="量子")],
                      examples=[Example(intent="no_such_intent", question="?")],
                      curated=[Curated(question="q", answer="a", doc_id="hubei_scheme", quote="不在文件里的话")])
    found = problems(tables, overlay, texts)
    assert len(found) == 3 and "not verbatim" in found[2]
