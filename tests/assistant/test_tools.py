"""Each tool returns the facts with citations, and a not_found with close matches instead of raising."""

from __future__ import annotations

from assistant import tools as T


def test_list_chains_per_province(deps):
    hubei = T.list_chains(deps, "湖北")
    hunan = T.list_chains(deps, "湖南")
    assert len(hubei) == 16 and len(hunan) == 22
    assert {"province", "chain", "leader", "source"} <= set(hubei[0].model_dump())


def test_chain_leader_with_alias_and_citation(deps):
    r = T.chain_leader(deps, "芯片", "湖北")
    assert [f.leader for f in r.matches] == ["曹广晶"]
    assert r.citations[0].doc_id == "hubei_scheme" and "曹广晶" in r.citations[0].quote
    assert deps.documents["hubei_scheme"].text[r.citations[0].start:r.citations[0].end] == r.citations[0].quote


def test_lead_department_says_when_inferred(deps):
    r = T.lead_department(deps, "智能制造装备", "湖北")
    fact = r.matches[0]
    assert fact.lead_department == "省发改委" and "lead_department" in fact.inferred_fields
    assert T.lead_department(deps, "汽车", "湖北").matches[0].inferred_fields == []


def test_liaison(deps):
    fact = T.liaison(deps, "节能环保", "湖北").matches[0]
    assert (fact.liaison, fact.division) == ("陈恺民", "节能处")


def test_chains_of_leader_accepts_spaced_names(deps):
    r = T.chains_of_leader(deps, "陈 飞")
    assert {f.chain for f in r.chains} == {"中小航空发动机及航空航天装备", "先进钢铁材料", "碳基材料"}
    assert T.chains_of_leader(deps, "李乐成").post == "省委常委、常务副省长"


def test_general_leaders(deps):
    r = T.general_leaders(deps, "湖北")
    assert [x["name"] for x in r.leaders] == ["应勇", "王晓东"]
    assert T.general_leaders(deps, "湖南").statement and not T.general_leaders(deps, "湖南").leaders


def test_department_for_problem_quotes_the_duty(deps):
    r = T.department_for_problem(deps, "重大项目建设用地落实不了", "湖南")
    assert r.routes[0].units == ["省自然资源厅"]
    assert any("建设用地保障" in c.quote for c in r.citations)
    r = T.department_for_problem(deps, "园区企业招工难", "湖南")
    assert r.routes[0].units == ["省人力资源社会保障厅"]
    hubei = T.department_for_problem(deps, "融资难", "湖北")
    assert hubei.routes[0].units == ["省制造强省建设领导小组办公室"]


def test_department_duties_and_actions(deps):
    duties = T.department_duties(deps, "人社厅", "湖南").duties
    assert duties[0].unit == "省人力资源社会保障厅" and "用工" in duties[0].duty
    act = T.action_lead(deps, "要素保障").actions[0]
    assert act.lead_unit == "省发展改革委" and "省自然资源厅" in act.participants


def test_not_found_offers_close_matches(deps):
    r = T.chain_leader(deps, "集成电路链条", "湖北")
    assert r.matches  # alias still resolves
    miss = T.chain_leader(deps, "量子计算", "湖北")
    assert miss.not_found and not miss.matches and "量子计算" in miss.not_found.message
    near = T.chains_of_leader(deps, "曹广")
    assert near.not_found and "曹广晶" in near.not_found.suggestions
    assert T.department_duties(deps, "外交部").not_found
