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
