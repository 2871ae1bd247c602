"""The typed rows of the knowledge base: provenance required, list cells split as the CSV tables write them,
blank optional cells empty, merged cells marked, the names a chain row asserts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from retrieval.rows import Action, ChainRow, ProblemRoute, names_in_row


def test_a_row_without_a_real_quote_is_rejected():
    with pytest.raises(ValidationError, match="quote"):
        ChainRow(source="hubei_scheme", quote="x", province="湖北", chain="汽车产业链", leader="李乐成")


def test_action_participants_are_split_on_the_enumeration_comma(tables):
    row = Action(source="hunan_plan", quote="(省商务厅、省贸促会负责)", province="湖南", number="五", action="开放合作促进行动",
                 lead_unit="省商务厅", participants="省发展改革委、省贸促会", rule_quote="排第一的为牵头单位")
    assert row.participants == ["省发展改革委", "省贸促会"]
    six = next(a for a in tables.actions if a.number == "六")
    assert len(six.participants) == 8 and six.participants[-1] == "人民银行长沙中心支行"


def test_route_keywords_and_units_split_and_a_blank_policy_is_none(tables):
    row = ProblemRoute(source="hunan_plan", quote="省财政厅:统筹现有相关资金", province="湖南", problem="财政资金",
                       keywords="财政| 专项资金 、补贴", units="省财政厅、省税务局", basis="direct", policy="")
    assert row.keywords == ["财政", "专项资金", "补贴"] and row.units == ["省财政厅", "省税务局"] and row.policy is None
    hubei = next(r for r in tables.routes if r.province == "湖北" and r.problem == "资金")
    assert hubei.basis == "mechanism" and hubei.policy and "产融对接" in hubei.policy


def test_a_merged_cell_is_inferred_and_a_stated_one_is_not(tables):
    smart = next(r for r in tables.chains if r.chain == "智能制造装备产业链")
    assert smart.inferred("leader", "lead_department") and not smart.inferred("chain")


def test_the_names_a_row_asserts_without_inner_spaces(tables):
    chip = next(r for r in tables.chains if r.chain == "集成电路产业链")
    assert names_in_row(chip) == ["曹广晶", "省经信厅", "郭涛", "电子处"]  # the table prints 郭 涛
    machinery = next(r for r in tables.chains if r.chain == "工程机械")
    assert names_in_row(machinery) == ["许达哲"]  # no department or liaison column in that table
