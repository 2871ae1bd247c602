"""Every alias family resolves: chain nicknames, departments, leaders with and without spaces, 繁体, pinyin."""

from __future__ import annotations

import pytest

from retrieval.gazetteer import PEOPLE, Mention, _word_ok
from retrieval.normalize import fold_words


def _keys(gazetteer, text, kind):
    return {(m.key, m.province) for m in gazetteer.scan(text) if m.kind == kind}


@pytest.mark.parametrize("text,chain,province", [
    ("芯片", "集成电路产业链", "湖北"), ("AI这条链", "人工智能产业链", "湖北"), ("车链", "汽车产业链", "湖北"),
    ("化工", "现代化工产业链", "湖北"), ("信创", "信息技术应用创新工程", "湖南"), ("农机", "农业机械", "湖南"),
    ("动力电池", "先进储能材料及动力电池", "湖南"), ("储能", "先进储能材料及动力电池", "湖南"),
    ("磁浮", "先进轨道交通装备(含磁浮)", "湖南"), ("轨道交通", "先进轨道交通装备(含磁浮)", "湖南"),
    ("積體電路", "集成电路产业链", "湖北"), ("ＡＩ", "人工智能产业链", "湖北"), ("chip chain", "集成电路产业链", "湖北"),
])
def test_chain_aliases(gazetteer, text, chain, province):
    assert (chain, province) in _keys(gazetteer, text, "chain")


@pytest.mark.parametrize("text,family", [
    ("发改委", "发展改革委"), ("发展和改革委员会", "发展改革委"), ("省发展改革委", "发展改革委"),
    ("工信厅", "经信厅/工信厅"), ("经信厅", "经信厅/工信厅"), ("人社厅", "人力资源社会保障厅"),
    ("卫健委", "卫生健康委"), ("人行", "人民银行长沙中心支行"),
])
def test_department_families(gazetteer, text, family):
    assert family in {k for k, _ in _keys(gazetteer, text, "department")}


@pytest.mark.parametrize("text,name", [("郭涛", None), ("柯 俊", "柯俊"), ("宁咏", "宁咏"), ("陈 飞", "陈飞"),
                                       ("Cao Guangjing", "曹广晶"), ("曹廣晶", "曹广晶")])
def test_leader_names(gazetteer, text, name):
    found = {k for k, _ in _keys(gazetteer, text, "leader")}
    assert (name in found) if name else not found  # 郭涛 is a liaison officer, not a chain leader


@pytest.mark.parametrize("text,name", [("常务副省长", "李乐成"), ("省公安厅厅长", "徐文海"), ("公安厅长", "徐文海"),
                                       ("省委书记", "应勇"), ("宁咏副省长", "宁咏")])
def test_a_post_one_leader_holds_names_him_and_a_shared_post_names_nobody(gazetteer, text, name):
    """"副省长" is held by many: it names no one, and the "省长" inside it is not 王晓东."""
    assert {k for k, _ in _keys(gazetteer, text, "leader")} == {name}


def test_ascii_alias_needs_a_word_boundary(gazetteer):
    assert not _keys(gazetteer, "email address", "chain")


@pytest.mark.parametrize("text,kind,key", [
    ("湖北之声记者问了什么", "outlet", "湖北之声"), ("发布会上", "event", "hubei_press_conference"),
    ("鄂政办发〔2021〕23号", "document", "hubei_scheme"), ("孝感", "city", "湖北"), ("深圳", "region", "广东"),
    ("按季调度", "mechanism", "scheme_mech_dispatch"), ("张志敏", "person", "张志敏"),
    ("用地落实不了", "problem", "用地"), ("工作机制", "section", "hubei_scheme:工作机制"),
])
def test_entities_of_the_narrative_facts_places_and_documents(gazetteer, text, kind, key):
    assert key in {m.key for m in gazetteer.scan(text) if m.kind == kind}


def test_covered_provinces_are_not_other_regions(gazetteer):
    assert not [m for m in gazetteer.scan("湖北和湖南") if m.kind == "region"]
    assert {m.key for m in gazetteer.scan("湖北和湖南") if m.kind == "province"} == {"湖北", "湖南"}


def test_keys_of_one_kind(gazetteer):
    """省经信厅 and 工信厅 are one department family; a chain in the same text is not a department."""
    assert gazetteer.keys("湖北省经信厅", "department") == gazetteer.keys("湖南省工信厅", "department") != set()
    assert gazetteer.keys("芯片这条链找省经信厅", "chain") == {"集成电路产业链"}


def test_a_heading_that_names_its_speaker_names_him_too(gazetteer):
    mentions = gazetteer.scan("省经信厅党组成员、副厅长郭涛。")
    assert {m.kind for m in mentions} >= {"section", "person"}
    assert any(m.kind == "person" and m.key == "郭涛" for m in mentions)


def _every_size(gazetteer, folded: str, i: int, low: int, high: int):
    """Sizes high…low, longest first, each looked up (what a scan without the length table would try)."""
    return ((size, gazetteer._index.get(folded[i:i + size])) for size in range(high, low - 1, -1))


def _brute_longest(gazetteer, folded: str, i: int, high: int) -> int:
    return next((size for size, hits in _every_size(gazetteer, folded, i, 1, min(high, len(folded) - i))
                 if hits and _word_ok(folded, i, size)), 0)


def _brute_scan(gazetteer, text: str) -> list:
    """Longest match trying every size at every position (a match yields its last character to a longer one
    starting there when it names the same without it): the reference `scan` must equal."""
    folded, out, i = fold_words(text), [], 0
    longest = max(len(k) for k in gazetteer._index)
    while i < len(folded):
        size = _brute_longest(gazetteer, folded, i, longest)
        if not size:
            i += 1
            continue
        if size > 1 and _brute_longest(gazetteer, folded, i + size - 1, longest) > 1 \
                and _brute_longest(gazetteer, folded, i, size - 1) == size - 1 \
                and gazetteer._index[folded[i:i + size - 1]] == gazetteer._index[folded[i:i + size]]:
            size -= 1
        hits = gazetteer._index[folded[i:i + size]]
        out += [Mention(k, key, prov, i, i + size) for k, key, prov in hits if k != "word"]  # not_names: matched, unsaid
        if all(k == "section" for k, _, _ in hits):
            out += _brute_people(gazetteer, folded, i, i + size, longest)
        i += size
    return out


def _brute_people(gazetteer, folded: str, start: int, end: int, longest: int) -> list:
    out = []
    for i in range(start, end):
        for size, hits in _every_size(gazetteer, folded, i, 2, min(longest, end - i)):
            people = [h for h in hits or [] if h[0] in PEOPLE]
            if people:
                out += [Mention(k, key, prov, i, i + size) for k, key, prov in people]
                break
    return out


def test_scan_equals_trying_every_size_over_the_knowledge_text(gazetteer, documents):
    texts = [line for d in documents.values() for line in d.text.splitlines() if line.strip()]
    texts += ["Cao Guangjing 和 曹廣晶", "AI这条链找谁", "email address"]
    assert len(texts) > 250
    assert [gazetteer.scan(t) for t in texts] == [_brute_scan(gazetteer, t) for t in texts]
    assert sum(len(gazetteer.scan(t)) for t in texts) > 500  # the texts do mention things


def test_a_name_yields_its_last_character_to_a_longer_one(gazetteer):
    """"光通信链长": the chain is 光通信 and the term 链长 stays whole."""
    kinds = {(m.kind, m.key) for m in gazetteer.scan("光通信链长是谁")}
    assert ("chain", "光通信产业链") in kinds and ("term", "链长") in kinds


def test_every_section_alias_names_a_heading_of_its_document(tables, documents):
    """An alias under a heading the document lacks would name nothing, silently."""
    from retrieval.document_names import headings

    texts = {d.id: d.text for d in documents} if isinstance(documents, list) else {k: v.text for k, v in documents.items()}
    for doc_id, named in tables.section_aliases.items():
        assert set(named) <= set(headings(texts[doc_id])), doc_id


@pytest.mark.parametrize("text,heading", [("湖南的五大机制", "hunan_plan:工作机制"), ("湖北的五大任务", "hubei_scheme:重点任务")])
def test_a_sections_other_name_is_the_section(gazetteer, text, heading):
    assert heading in {k for k, _ in _keys(gazetteer, text, "section")}


def test_a_thing_is_found_by_its_canonical_name_and_kind(gazetteer):
    assert {(m.kind, m.key) for m in gazetteer.named("李乐成", "leader")} == {("leader", "李乐成")}
    assert gazetteer.named("李乐成", "chain") == []


def test_a_word_that_holds_a_name_is_not_the_name(gazetteer):
    """aliases.yaml `not_names`: "推广东湖高新区" holds 广东 but names no region."""
    assert not _keys(gazetteer, "要推广东湖高新区的经验", "region")
    assert _keys(gazetteer, "推广广东的经验", "region")


def test_a_provincial_post_cut_short_is_not_read_inside_a_city_post(gazetteer):
    """"省委书记" names its one holder; "委书记" inside "市委书记" names nobody."""
    assert not _keys(gazetteer, "我市由市委书记、市长担任总链长", "leader")
    assert _keys(gazetteer, "省委书记是谁", "leader")
