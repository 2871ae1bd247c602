"""The unit tools: a unit's duties (by any name of its family), which unit handles a problem and the sentence
that assigns it, who leads an action (the unit named first) and which actions a unit leads or joins."""

from __future__ import annotations

from assistant import tools as T
from assistant.tools.units import families, unit_matches


def test_a_units_names_are_one_family(deps):
    assert families(deps, "工信厅") == families(deps, "省工业和信息化厅") != set()
    pool = [d.unit for d in deps.tables.duties if d.province == "湖南"]
    assert unit_matches(deps, "人社厅", pool) == ["省人力资源社会保障厅"]


def test_department_for_problem_quotes_the_duty(deps):
    r = T.department_for_problem(deps, "重大项目建设用地落实不了", "湖南")
    assert r.routes[0].units == ["省自然资源厅"] and any("建设用地保障" in c.quote for c in r.citations)
    assert T.department_for_problem(deps, "园区企业招工难", "湖南").routes[0].units == ["省人力资源社会保障厅"]
    assert T.department_for_problem(deps, "融资难", "湖北").routes[0].units == ["省制造强省建设领导小组办公室"]


def test_a_problem_no_route_covers_lists_the_kinds_there_are(deps):
    miss = T.department_for_problem(deps, "外星人入侵", "湖南")
    assert miss.not_found and not miss.routes and "对应的问题类型" in miss.not_found.message
    assert T.department_for_problem(deps, "融资难", "广东").not_found.suggestions == deps.tables.province_names


def test_duties_and_actions(deps):
    duties = T.department_duties(deps, "人社厅", "湖南").duties
    assert duties[0].unit == "省人力资源社会保障厅" and "用工" in duties[0].duty
    act = T.action_lead(deps, "要素保障").actions[0]
    assert act.lead_unit == "省发展改革委" and "省自然资源厅" in act.participants
    mine = T.department_actions(deps, "工信厅")
    assert len(mine.led) == 3 and mine.joined
    assert len(T.all_actions(deps, "湖南").actions) == 6


def test_an_actions_citations_carry_the_rule_that_the_first_named_leads(deps):
    quotes = [c.quote for c in T.action_lead(deps, "开放合作促进行动").citations]
    assert quotes == ["(省商务厅、省发展改革委、省工业和信息化厅、省贸促会负责)", "排第一的为牵头单位"]


def test_a_unit_no_list_names_is_a_not_found(deps):
    assert T.department_duties(deps, "外交部").not_found
    assert T.department_actions(deps, "外交部").not_found


def test_units_for_duty_finds_whose_listed_duty_a_task_is(deps):
    r = T.units_for_duty(deps, "推动重大科技基础设施项目建设", "湖南")
    assert [d.unit for d in r.duties] == ["省科技厅"] and "重大科技基础设施" in r.matched[0]
    assert all(c.quote in deps.documents[c.doc_id].text for c in r.citations)


def test_units_for_duty_finds_nothing_for_a_task_no_duty_says(deps):
    assert T.units_for_duty(deps, "组织龙舟比赛和春节联欢晚会", "湖南").not_found is not None
