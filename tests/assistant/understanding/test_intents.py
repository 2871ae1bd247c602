"""Intent ranking: slot fit, cues and similarity to the examples pick the intent; knowledge is data."""

from __future__ import annotations

import pytest

from assistant.understanding.dialogue import Dialogue


@pytest.mark.parametrize("ask,intent", [
    ("湖北芯片这条链谁是链长？", "chain_leader"), ("光通信归谁管", "chain_leader"),
    ("曹广晶负责哪些产业链", "leader_chains"), ("汽车产业链的牵头部门是哪个", "lead_department"),
    ("大数据链的联络员是谁", "liaison"), ("湖北一共有哪些重点产业链", "list_chains"),
    ("我们项目用地落实不了，找省里哪个部门", "problem_department"), ("湖南省统计局负责什么", "department_duties"),
    ("要素保障行动谁牵头", "action_lead"), ("什么是五图作业", "define_term"),
    ("湖北的调度督导机制是怎样的", "mechanism"), ("湖北方案的文号是多少", "document_info"),
    ("湖北和湖南的链长制有什么不同", "compare"), ("湖北要重点培育多少家链主企业", "figure"),
    ("发布会是谁主持的", "event_info"), ("湖北之声记者问了什么", "exchange"),
    ("袁德芳提到要巩固发展哪条汽车走廊", "statement"), ("郭涛是谁", "person_profile"),
    ("湖北的总链长是谁", "general_leader"), ("湖南附件1列了哪些有关单位", "list_units"),
])
def test_intent(understanding, ask, intent):
    frame = understanding.resolver.resolve(understanding.reader.read(ask), Dialogue())
    assert frame.intent is not None and frame.intent.name == intent, (ask, frame.intent and frame.intent.name)


def test_an_ask_no_intent_fits_goes_to_the_document_path(understanding):
    frame = understanding.resolver.resolve(understanding.reader.read("量子通信卫星"), Dialogue())
    assert frame.intent is None


def test_a_needed_slot_nobody_supplies_rules_an_intent_out(understanding):
    ranked = understanding.ranker.rank(understanding.reader.read("牵头部门是哪个"), set())
    lead = next(r for r in ranked if r.intent.name == "lead_department")
    assert lead.slots < 0 and lead.score < ranked[0].score
    with_chain = understanding.ranker.rank(understanding.reader.read("牵头部门是哪个"), {"chain"})
    assert next(r for r in with_chain if r.intent.name == "lead_department").inherits == ("chain",)


def test_the_rankers_facets_are_those_of_facets_of(understanding):
    from assistant.understanding.intents import facets_of
    from retrieval.normalize import fold_words

    ranker = understanding.ranker
    asks = ["主题发言人是谁", "哪家媒体报道的", "什么时候印发的、发文字号是多少", "链长和联络员各是谁"]
    faceted = [i for i in ranker.catalog.intents if i.facets]
    assert faceted
    for intent in faceted:
        for ask in asks:
            assert ranker.facets(intent, fold_words(ask)) == facets_of(intent, fold_words(ask))
    changed = faceted[0].model_copy(update={"facets": {"only": ["发言人"]}})  # not the catalogue's: its own cues
    assert ranker.facets(changed, fold_words("主题发言人是谁")) == {"only"}
    assert any(ranker.facets(i, fold_words(a)) for i in faceted for a in asks)  # the asks do cue facets


def test_a_documents_name_asks_for_no_column(understanding):
    """"湖北链长制方案…拜访哪些类型的企业": the 链长 of the document's name and a 类型 of companies are no two
    columns of the chain table."""
    reading = understanding.reader.read("湖北链长制方案在招商方面，要定期拜访哪些类型的企业？")
    top = understanding.ranker.rank(reading, set())[0]
    assert top.intent.name != "chain_column" or top.score < understanding.resolver.threshold


def test_an_ask_for_a_unit_is_not_for_an_intent_whose_answers_name_people(understanding):
    reading = understanding.reader.read("湖北是哪个机构统筹协调全省产业链工作的？")
    assert understanding.ranker.rank(reading, set())[0].intent.name != "general_leader"
    reading = understanding.reader.read("湖北的总链长是谁？")
    assert understanding.ranker.rank(reading, set())[0].intent.name == "general_leader"


def test_a_figure_needs_an_ask_for_a_number_or_a_target(understanding):
    reading = understanding.reader.read("湖北每条产业链的牵头部门要干哪些活？")
    assert understanding.ranker.rank(reading, set())[0].intent.name != "figure"
    reading = understanding.reader.read("湖北要培育多少家链主企业？")
    assert understanding.ranker.rank(reading, set())[0].intent.name == "figure"
