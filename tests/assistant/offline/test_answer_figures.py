"""The figure answerer: numbers reported or targeted, worded as the document words them, the value in bold,
the period or date it holds for."""

from __future__ import annotations

from assistant.offline import answer_figures as F


def test_a_target_in_both_documents_that_state_it(asked):
    reply = F.figure(*asked("湖北要重点培育多少家链主企业？", "figure"))
    assert "**50—80**" in reply.lead and "**50-80**" in reply.lead and "（目标期限：2021-2023年）" in reply.lead
    assert {e.citation.doc_id for e in reply.evidence} == {"hubei_press", "hubei_scheme"}


def test_a_reported_figure_with_its_date(asked):
    reply = F.figure(*asked("湖南国家级专精特新小巨人累计多少家？", "figure"))
    assert "累计**232**家" in reply.lead and "**162**" not in reply.lead and "文章发表于2021年10月" in reply.lead


def test_a_number_the_documents_do_not_report_is_not_answered(asked):
    assert F.figure(*asked("湖北有多少只熊猫", "figure")) is None


def test_a_long_quote_is_cut_to_the_clauses_around_the_value(tables):
    """No record's quote is that long yet: the clause rule is shown on a 232 quote padded with clauses."""
    giant = next(f for f in tables.facts.figures if f.value == "232")
    padded = giant.model_copy(update={"quote": "前面的话很长很长，" * 6 + giant.quote + "，后面还有一句，再一句，又一句。"})
    clause = F._clause(padded)
    assert "**232**" in clause and len(clause) < len(padded.quote) and "又一句" not in clause


def test_a_documents_targets_are_listed_when_no_target_is_named(asked):
    reply = F.figure(*asked("湖北方案定了哪些量化目标", "figure"))
    assert reply is not None and "量化目标共" in reply.lead
    assert "**50-80**" in reply.body and "**1000**" in reply.body and "**3—5**" in reply.body
    quotes = [e.citation.quote for e in reply.evidence]
    assert len(quotes) == len(set(quotes)) == reply.body.count("\n") + 1  # each line cited once


def test_more_targets_are_the_ones_the_last_answer_did_not_give(asked):
    history = [("user", "湖北方案定了哪些量化目标"),
               ("assistant", "比如重点培育产业链链主企业50-80家，力争突破“卡脖子”技术20项。")]
    reply = F.figure(*asked("还有别的吗", "figure", history))
    assert reply is not None and "还有" in reply.lead
    assert "50-80" not in reply.body and "**1000**" in reply.body


def test_a_speakers_figure_is_not_answered_with_the_schemes_list(asked):
    ctx, frame = asked("袁德芳说新能源汽车要突破哪几个核心技术瓶颈？")
    assert frame.intent is None or F.figure(ctx, frame) is None or "量化目标共" not in F.figure(ctx, frame).lead
