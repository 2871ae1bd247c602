"""The unit answerers: a unit's duties (or, in a province without a duties list, what its scheme says the unit
does), which unit handles a problem (by the duties list, or by the province's problem-handling mechanism), the
actions and who leads them, the units of the duties list."""

from __future__ import annotations

import pytest

from assistant.offline import answer_units as U


def test_a_duty_is_summarised_to_its_first_clauses():
    assert U.summary("负责甲；参与乙。") == "负责甲；参与乙"
    long = "甲" * 100 + "；" + "乙" * 50
    assert U.summary(long) == "甲" * 100 + "等"


def test_a_units_duties_from_the_list(asked):
    reply = U.department_duties(*asked("湖南省统计局在链长制里负责什么？", "department_duties"))
    assert "**省统计局**（湖南）" in reply.lead and "统计指标体系" in reply.lead
    assert [e.citation.doc_id for e in reply.evidence] == ["hunan_plan"]
    assert reply.suggestions and all("湖南" in s for s in reply.suggestions)


def test_a_province_without_a_duties_list_answers_from_its_schemes_statements(asked):
    reply = U.department_duties(*asked("湖北省经信厅的职责是什么", "department_duties"))
    assert reply.tools == ["statements"] and "省经信厅负责提供各产业链基本情况和工作方案参考" in reply.lead
    assert {e.citation.doc_id for e in reply.evidence} == {"hubei_scheme"}


def test_a_problem_routed_by_the_duties_list(asked):
    reply = U.problem_department(*asked("湖南园区企业招工难，找谁", "problem_department"))
    assert "**省人力资源社会保障厅**" in reply.lead and "湖北" not in reply.lead
    assert any("用工" in e.citation.quote for e in reply.evidence)


def test_a_problem_routed_by_the_mechanism_with_the_policy_sentence(asked):
    reply = U.problem_department(*asked("湖北企业融资难找哪个部门", "problem_department"))
    assert "**问题办理机制**" in reply.lead and "**省制造强省建设领导小组办公室**" in reply.lead
    assert "产融对接" in reply.lead and any("产融对接" in e.citation.quote for e in reply.evidence)


def test_a_named_chains_lead_department_joins_the_mechanism_route(asked):
    reply = U.problem_department(*asked("湖北汽车产业链企业融资难找哪个部门", "problem_department"))
    assert "牵头部门**省发改委**" in reply.lead
    assert any(e.shown and "汽车产业链" in e.shown for e in reply.evidence)


def test_a_problem_without_a_province_is_answered_for_each(asked):
    reply = U.problem_department(*asked("我们项目用地落实不了，找省里哪个部门？", "problem_department"))
    assert "在湖北" in reply.lead and "在湖南" in reply.lead and "**省自然资源厅**" in reply.lead


def test_an_actions_lead_unit_is_the_one_named_first(asked):
    reply = U.action_lead(*asked("湖南产业链优质企业培育行动谁牵头？", "action_lead"))
    assert "由**省工业和信息化厅**牵头" in reply.lead and "省发展改革委、省国资委" in reply.lead
    assert [e.citation.quote for e in reply.evidence][-1] == "排第一的为牵头单位"


def test_all_actions_are_numbered_with_their_leads(asked):
    reply = U.all_actions(*asked("湖南的六大行动分别是什么", "all_actions"))
    assert "**6**" in reply.lead and reply.body.count("\n") == 5
    assert "6. **要素保障行动**：省发展改革委牵头" in reply.body


def test_a_units_actions_led_and_joined(asked):
    reply = U.department_actions(*asked("湖南省工信厅牵头哪些行动", "department_actions"))
    assert "**省工业和信息化厅**牵头 3 项" in reply.lead and "参与 3 项" in reply.lead
    assert "产业链优质企业培育行动、产业集群基础能力升级行动、特色产业园区建设行动" in reply.lead


def test_the_units_of_a_duties_list(asked):
    reply = U.list_units(*asked("湖南责任分工涉及多少个单位", "list_units"))
    assert "**22**" in reply.lead and "人民银行长沙中心支行" in reply.lead
    assert U.list_units(*asked("湖北责任分工涉及多少个单位", "list_units")) is None  # the scheme has no such list


def test_a_department_of_a_province_without_a_duties_list_is_not_given_anothers_actions(answer):
    own = answer("湖北省发改委在链长制里负责什么").answer
    assert "汽车产业链" in own and "要素保障行动" not in own  # the 六大行动 are 湖南's
    assert "人工智能产业链" in answer("湖北省科技厅的职责").answer  # the chains it leads


def test_whose_duty_a_task_is_names_the_unit_first(answer):
    a = answer("湖南推动重大科技基础设施项目建设是哪个部门的事？")
    assert not a.refused and "**省科技厅**" in a.answer.splitlines()[0] and a.tools_used == ["units_for_duty"]


def test_a_problem_named_by_a_colloquial_word_is_routed(answer):
    """"拿地" is 用地/土地 in the synonyms: the ask is routed like "用地落实不了"."""
    a = answer("企业拿地遇到困难，按湖北方案找谁？")
    assert not a.refused and a.tools_used == ["department_for_problem"] and "土地" in a.answer.splitlines()[0]


def test_how_many_units_an_action_has_is_counted(answer, after):
    a = answer("一共有几个单位负责这个行动？", after("湖南要素保障行动是谁牵头？"))
    assert "共有 **9** 个单位" in a.answer.split("\n")[0] and "省发展改革委" in a.answer.split("\n")[0]


@pytest.mark.parametrize("question,unit", [("链上企业遇到难题怎么解决", "省制造强省建设领导小组办公室"),
                                           ("湖南的链长碰上跨部门的难题，一般怎么协调？", "各产业链链长")])
def test_a_difficulty_of_no_named_kind_goes_where_the_province_handles_problems(answer, question, unit):
    a = answer(question)
    assert not a.refused and f"**{unit}**" in a.answer.split("\n")[0]


@pytest.mark.parametrize("question,unit", [("我们园区项目环评卡住了，湖南省里谁管", "省生态环境厅"),
                                           ("湖南项目拿地有困难该找哪个厅？", "省自然资源厅")])
def test_a_named_kind_of_problem_wins_over_the_route_for_any_difficulty(answer, question, unit):
    assert f"**{unit}**" in answer(question).answer.split("\n")[0]
