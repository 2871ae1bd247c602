"""Pinyin of names: remembered per snapshot, pypinyin only for a name the snapshot does not know."""

from __future__ import annotations

import json

from retrieval.index import KnowledgeIndex
from retrieval.pinyin import FILE, Pinyin
from tests.conftest import KNOWLEDGE


def test_known_names_need_no_pypinyin_and_new_ones_are_computed_once():
    pinyin = Pinyin({"曹广晶": ["cao", "guang", "jing"]})
    assert pinyin("曹广晶") == ["cao", "guang", "jing"] and pinyin.computed == 0
    assert pinyin("柯俊") == ["ke", "jun"] and pinyin.computed == 1
    assert pinyin("柯俊") == ["ke", "jun"] and pinyin.computed == 1  # remembered
    pinyin("柯俊").append("x")  # a caller's copy: what is remembered stays
    assert pinyin("柯俊") == ["ke", "jun"]


def test_a_snapshot_keeps_its_names_pinyin_for_its_next_load(tmp_path):
    built = KnowledgeIndex.open(KNOWLEDGE, tmp_path / "data")
    kept = json.loads((tmp_path / "data" / "indexes" / built.collection_name / FILE).read_text(encoding="utf-8"))
    assert kept["曹广晶"] == ["cao", "guang", "jing"] and len(kept) > 20
    again = KnowledgeIndex.open(KNOWLEDGE, tmp_path / "data")
    assert not again.stats["built"] and again.gazetteer.syllables.computed == 0
    assert "曹广晶" in {m.key for m in again.gazetteer.scan("Cao Guangjing 是哪条链的链长") if m.kind == "leader"}
    assert again.gazetteer.pinyin["曹广晶"] == "Cao Guangjing"
