"""Writing the answer: each ask's fact first, its evidence once (table rows with their column names), its notes;
asks numbered when there are several, declined ones saying why; the whole answer's notes last (other regions,
an ended period, posts that rest on a dated document, an ignored instruction); Traditional where asked."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.offline.compose import Composer, Outcome
from assistant.offline.reply import Evidence, Reply
from assistant.policy import RefusalReason


@pytest.fixture(scope="module")
def composer(service, understanding):
    return Composer(service.deps.tables, service.prompts, understanding.converter, dt.date(2026, 12, 1),
                    set(service.deps.gazetteer.pinyin))


@pytest.fixture(scope="module")
def press_quote(deps):
    return Evidence(deps.cite("hubei_press", "省发改委党组成员、副主任袁德芳先生"))


def test_the_fact_then_its_quote_with_document_and_section(composer, press_quote):
    a = composer.answer([Outcome("袁德芳是谁", Reply("**袁德芳**是发布人。", [press_quote]))], "zh-Hans", False, [])
    lead, quote = a.answer.split("\n\n")[:2]
    assert lead == "**袁德芳**是发布人。" and quote.startswith("> 省发改委党组成员、副主任袁德芳先生\n>\n> —— 《")
    assert [c.doc_id for c in a.citations] == ["hubei_press"] and not a.refused and a.asks[0].text == "袁德芳是谁"


def test_a_quote_two_asks_share_is_printed_and_cited_once(composer, press_quote):
    outcomes = [Outcome("谁", Reply("甲。", [press_quote])), Outcome("什么职务", Reply("乙。", [press_quote]))]
    a = composer.answer(outcomes, "zh-Hans", False, [])
    assert a.answer.startswith("**1. 谁**\n\n甲。") and "**2. 什么职务**\n\n乙。" in a.answer
    assert a.answer.count("> 省发改委党组成员") == 1 and len(a.citations) == 1


def test_a_declined_ask_says_why_beside_the_answered_one(composer, press_quote):
    outcomes = [Outcome("他是谁", Reply("**袁德芳**。", [press_quote])),
                Outcome("他的手机号", refused=RefusalReason.PERSONAL_DATA)]
    a = composer.answer(outcomes, "zh-Hans", False, [])
    assert not a.refused and "个人信息" in a.answer and [x.refused for x in a.asks] == [False, True]
    assert a.asks[1].refusal_reason == "personal_data"


def test_nothing_answered_is_a_refusal_that_says_what_is_covered(composer, tables):
    a = composer.answer([Outcome("广东汽车链链长", refused=RefusalReason.OTHER_PROVINCE, regions=["广东"])],
                        "zh-Hans", False, ["起步问题一", "二", "三", "四"])
    assert a.refused and a.refusal_reason == "other_province" and "广东" in a.answer
    assert all(p in a.answer for p in tables.province_names) and a.suggestions == ["起步问题一", "二", "三"]


def test_the_closing_notes(composer, deps):
    row = Evidence(deps.cite("hubei_scheme", "鄂政办发〔2021〕23号"))
    reply = Reply("文号是**鄂政办发〔2021〕23号**。", [row], about_people=True)
    a = composer.answer([Outcome("湖北和广东的文号", reply, regions=["广东"])], "zh-Hans", True, [])
    notes = a.answer.split("\n\n")[2:]
    assert "知识库没有广东的资料" in notes[0] and "2021—2023年" in notes[1] and "现已结束" in notes[1]
    assert "职务依据" in notes[2] and "2021年4月9日" in notes[2] and "已忽略" in notes[3]


def test_a_scheme_whose_period_ended_says_so_once(answer):
    a = answer("湖北芯片链和光通信链的链长分别是谁？")
    assert a.answer.count("实施期为2021—2023年") == 1


def test_traditional_answers_in_traditional(answer):
    tw = answer("湖北積體電路產業鏈的鏈長是誰？")
    first = tw.answer.splitlines()[0]
    assert "曹广晶" in first and "鏈長" in first and "產業鏈" in first  # people's names keep their characters
    assert tw.citations[0].quote.startswith("| 曹广晶 |")  # quotes stay verbatim


def test_english_refusals_and_notes_are_in_english(composer):
    a = composer.answer([Outcome("Guangdong?", refused=RefusalReason.OTHER_PROVINCE, regions=["广东"])], "en", False, [])
    assert a.refused and "Hubei" in a.answer and "Hunan" in a.answer
