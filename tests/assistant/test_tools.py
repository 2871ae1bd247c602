"""Each tool returns the facts with citations, and a not_found with close matches instead of raising."""

from __future__ import annotations

from assistant import tools as T
from assistant.tools.schema import tool_specs


def test_list_chains_per_province(deps):
    hubei = T.list_chains(deps, "湖北")
    hunan = T.list_chains(deps, "湖南")
    assert len(hubei) == 16 and len(hunan) == 22
    assert {"province", "chain", "leader", "source"} <= set(hubei[0].model_dump())
    assert hubei[0].labels["leader"] == "链长姓名"  # the table's own column names, for display


def test_chain_leader_with_alias_and_citation(deps):
    r = T.chain_leader(deps, "芯片", "湖北")
    assert [f.leader for f in r.matches] == ["曹广晶"]
    assert r.citations[0].doc_id == "hubei_scheme" and "曹广晶" in r.citations[0].quote
    assert deps.documents["hubei_scheme"].text[r.citations[0].start:r.citations[0].end] == r.citations[0].quote
    both = T.chain_leader(deps, "航空航天")
    assert {f.province for f in both.matches} == {"湖北", "湖南"}


def test_an_unknown_province_is_a_not_found_naming_the_covered_ones(deps):
    r = T.chain_leader(deps, "汽车", "广东")
    assert r.not_found and "湖北" in r.not_found.message and "湖南" in r.not_found.message


def test_lead_department_says_when_inferred(deps):
    fact = T.lead_department(deps, "智能制造装备", "湖北").matches[0]
    assert fact.lead_department == "省发改委" and "lead_department" in fact.inferred_fields
    assert T.lead_department(deps, "汽车", "湖北").matches[0].inferred_fields == []


def test_liaison_both_ways(deps):
    fact = T.liaison(deps, "节能环保", "湖北").matches[0]
    assert (fact.liaison, fact.division) == ("陈恺民", "节能处")
    assert [f.chain for f in T.chains_of_liaison(deps, "郭 涛").matches] == ["集成电路产业链", "光通信产业链"]


def test_chains_of_leader_and_of_department(deps):
    r = T.chains_of_leader(deps, "陈 飞")
    assert {f.chain for f in r.chains} == {"中小航空发动机及航空航天装备", "先进钢铁材料", "碳基材料"}
    assert T.chains_of_leader(deps, "李乐成").post == "省委常委、常务副省长"
    assert {f.chain for f in T.chains_of_department(deps, "军民融合办").matches} == \
        {"船舶和海洋工程装备产业链", "航空航天产业链"}


def test_general_leaders(deps):
    assert [x["name"] for x in T.general_leaders(deps, "湖北").leaders] == ["应勇", "王晓东"]
    hunan = T.general_leaders(deps, "湖南")
    assert hunan.statement and not hunan.leaders and "挂帅" in hunan.statement


def test_department_for_problem_quotes_the_duty(deps):
    r = T.department_for_problem(deps, "重大项目建设用地落实不了", "湖南")
    assert r.routes[0].units == ["省自然资源厅"] and any("建设用地保障" in c.quote for c in r.citations)
    assert T.department_for_problem(deps, "园区企业招工难", "湖南").routes[0].units == ["省人力资源社会保障厅"]
    assert T.department_for_problem(deps, "融资难", "湖北").routes[0].units == ["省制造强省建设领导小组办公室"]


def test_duties_and_actions(deps):
    duties = T.department_duties(deps, "人社厅", "湖南").duties
    assert duties[0].unit == "省人力资源社会保障厅" and "用工" in duties[0].duty
    act = T.action_lead(deps, "要素保障").actions[0]
    assert act.lead_unit == "省发展改革委" and "省自然资源厅" in act.participants
    mine = T.department_actions(deps, "工信厅")
    assert len(mine.led) == 3 and mine.joined
    assert len(T.all_actions(deps, "湖南").actions) == 6


def test_narrative_tools(deps):
    host = T.event_info(deps, "发布会")
    assert host.host is not None and host.host.name == "张修富" and len(host.people) == 5
    assert T.person_profile(deps, "袁德芳").people[0].org == "省发改委"
    guo = T.person_profile(deps, "郭涛")
    assert guo.people and guo.liaison_for  # two roles in two documents: the answer says so
    assert T.exchanges(deps, outlet="湖北之声").exchanges[0].answered_by == "袁德芳"
    top = T.statements(deps, "巩固发展汉江汽车走廊", speaker="袁德芳").matches[0].record
    assert "武襄十随" in top.quote
    fig = T.figures(deps, "重点培育链主企业多少家", province="湖北").matches[0].record
    assert "50" in fig.value
    assert T.mechanisms(deps, "按季调度", province="湖北").matches[0].record.id == "scheme_mech_dispatch"


def test_document_tools(deps):
    info = T.document_info(deps, "湖北方案")
    assert info.meta.doc_number == "鄂政办发〔2021〕23号" and "doc_number" in info.facts
    parts = T.outline(deps, "hubei_scheme")
    assert len(parts.items) == 6 and parts.items[0] == "一、总体要求"
    assert len(T.outline(deps, "hubei_scheme", "工作机制").items) == 5
    assert T.define(deps, "五图").terms[0].term == "五图作业"
    assert T.compare(deps, "五图作业").rows[0].topic == "五图作业"


def test_not_found_offers_close_matches(deps):
    assert T.chain_leader(deps, "集成电路链条", "湖北").matches  # alias still resolves
    miss = T.chain_leader(deps, "量子计算", "湖北")
    assert miss.not_found and not miss.matches and "量子计算" in miss.not_found.message
    near = T.chains_of_leader(deps, "曹广")
    assert near.not_found and "曹广晶" in near.not_found.suggestions
    assert T.department_duties(deps, "外交部").not_found


def test_one_schema_per_tool_from_its_signature():
    specs = tool_specs()
    assert set(specs) == set(T.TOOLS)
    schema = specs["chain_leader"].args.model_json_schema()
    assert schema["required"] == ["chain"] and "province" in schema["properties"]
    assert specs["chain_leader"].description.startswith("Who heads a chain")
