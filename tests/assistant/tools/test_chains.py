"""The chain-table tools: each returns the facts with citations (the verbatim row), the table's own column
names and which cells are inferred, and a not_found with close matches instead of raising."""

from __future__ import annotations

from assistant import tools as T
from assistant.tools.chains import rows_for_chain


def test_list_chains_per_province(deps):
    hubei = T.list_chains(deps, "湖北")
    hunan = T.list_chains(deps, "湖南")
    assert len(hubei) == 16 and len(hunan) == 22
    assert {"province", "chain", "leader", "source"} <= set(hubei[0].model_dump())
    assert hubei[0].labels["leader"] == "链长姓名"  # the table's own column names, for display
    assert hunan[0].labels["leader"] == "联系省领导" and hunan[0].cluster_type == "世界级产业集群"


def test_chain_leader_with_alias_and_citation(deps):
    r = T.chain_leader(deps, "芯片", "湖北")
    assert [f.leader for f in r.matches] == ["曹广晶"]
    assert r.citations[0].doc_id == "hubei_scheme" and "曹广晶" in r.citations[0].quote
    assert deps.documents["hubei_scheme"].text[r.citations[0].start:r.citations[0].end] == r.citations[0].quote
    both = T.chain_leader(deps, "航空航天")
    assert {f.province for f in both.matches} == {"湖北", "湖南"}


def test_a_colloquial_name_finds_its_chains_rows(deps):
    assert [(r.province, r.chain) for r in rows_for_chain(deps, "信创", "湖南")] == [("湖南", "信息技术应用创新工程")]
    assert rows_for_chain(deps, "信创", "湖北") == []


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


def test_a_divisions_chains(deps):
    assert [f.chain for f in T.chains_of_division(deps, "原材料处").matches] == ["现代化工产业链", "新材料产业链"]
    miss = T.chains_of_division(deps, "原料处")
    assert miss.not_found and "原材料处" in miss.not_found.suggestions


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


def test_not_found_offers_close_matches(deps):
    assert T.chain_leader(deps, "集成电路链条", "湖北").matches  # alias still resolves
    miss = T.chain_leader(deps, "量子计算", "湖北")
    assert miss.not_found and not miss.matches and "量子计算" in miss.not_found.message
    near = T.chains_of_leader(deps, "曹广")
    assert near.not_found and "曹广晶" in near.not_found.suggestions
