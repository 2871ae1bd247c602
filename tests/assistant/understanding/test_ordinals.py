"""Ordinal follow-ups: a position in the last answer's list is replaced by the item it points at."""

from __future__ import annotations

import pytest

from assistant.understanding.ordinals import Ordinals, listed

_MEASURES = ["条链", "个", "项", "条", "位"]


def test_the_items_of_a_numbered_list_without_quotes_emphasis_or_asides():
    answer = "共 3 项：\n\n1. **甲机制**（每季度）\n2. 乙机制\n> 3. 引文里的第三项\n3. 丙机制。"
    assert listed(answer) == ["甲机制", "乙机制", "丙机制"]


def test_the_enumeration_of_the_first_sentence_when_nothing_is_numbered():
    assert listed("湖北共有 **3** 条重点产业链：汽车产业链（李乐成）、集成电路产业链（曹广晶）、纺织产业链。其余略。") == [
        "汽车产业链", "集成电路产业链", "纺织产业链"]
    assert listed("链长是**曹广晶**。") == []
    assert listed("省领导领衔推进机制、决策咨询机制、问题办理机制。") == ["省领导领衔推进机制", "决策咨询机制", "问题办理机制"]
    assert listed("李乐成、曹广晶。") == []  # a bare pair is no list


@pytest.mark.parametrize(("ask", "expected"), [
    ("第二条链的链长是谁", "乙链的链长是谁"),
    ("其三呢", "丙链呢"),
    ("最后一个谁牵头", "丙链谁牵头"),
    ("最后那条呢", "丙链呢"),
    ("第3项是什么", "丙链是什么"),
    ("第四条呢", "第四条呢"),  # the list has three items
    ("第一次会议在哪开", "第一次会议在哪开"),  # 次 is no measure of a list
    ("第一个问题：谁是链长", "第一个问题：谁是链长"),  # numbering the user's own questions
])
def test_a_position_is_replaced_by_the_item_when_the_list_has_it(ask, expected):
    assert Ordinals(_MEASURES).resolve(ask, "共 3 条：甲链、乙链、丙链。") == expected


def test_no_list_no_replacement():
    assert Ordinals(_MEASURES).resolve("第二条呢", "链长是曹广晶。") == "第二条呢"


def test_the_other_one_of_a_pair_is_the_one_the_ask_does_not_name():
    ordinals = Ordinals(_MEASURES)
    answer = "现代化工产业链和节能环保产业链：现代化工产业链、节能环保产业链。"
    assert ordinals.resolve("现代化工的联络员是雷培德，那另一条呢？", answer) == "现代化工的联络员是雷培德，那节能环保产业链呢？"
    assert ordinals.resolve("那另一条呢？", answer) == "那另一条呢？"  # which one is "the other" is unknown
    assert ordinals.resolve("现代化工的是雷培德，另一条呢", "现代化工产业链和节能环保产业链。") == "现代化工的是雷培德，节能环保产业链呢"


def test_a_position_in_a_pair_the_answer_says_is_two():
    answer = "现代化工（附件表中写作“现代化工业产业链”）和节能环保两条产业链。"
    assert Ordinals(_MEASURES).resolve("第二条的联络员是谁", answer) == "节能环保的联络员是谁"
    assert Ordinals(_MEASURES).resolve("第二条呢", "智能制造装备产业链也由李乐成担任链长。") == "第二条呢"
