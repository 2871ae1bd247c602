"""The narrative facts' fallback: an ask no answerer settled gets the record that matches it best, when it
shares enough with the ask, stated by that record's own answerer."""

from __future__ import annotations

from assistant.offline.answer_facts import lookup


def test_an_ask_the_intent_missed_is_answered_by_the_matching_figure(asked):
    ctx, frame = asked("孝感的战略性新兴产业链有几条")
    assert frame.intent is not None and frame.intent.answerer == "list_chains"  # not what it asks
    reply = lookup(ctx, frame)
    assert reply.tools == ["figures"] and "**5**条战略性新兴产业链" in reply.lead


def test_a_date_that_a_figure_records(asked):
    reply = lookup(*asked("中国信科集团是哪年联合重组成立的"))
    assert "**2018年7月**" in reply.lead and [e.citation.doc_id for e in reply.evidence] == ["hubei_press"]


def test_a_statement_when_that_matches_best(asked):
    reply = lookup(*asked("湖南的一链一行解决了多少融资"))
    assert reply.tools == ["statements"] and "**毛腾飞**" in reply.lead and "700亿元" in reply.lead


def test_too_little_in_common_is_no_answer(asked):
    assert lookup(*asked("天气")) is None
    assert lookup(*asked("明天武汉天气怎么样？")) is None
