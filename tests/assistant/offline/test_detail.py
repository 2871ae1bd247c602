"""Details of a named thing: a bare "how" about an action gets the first sentence of the action's own passage
before who leads it; an ask the summary answers already is left as it is."""

from __future__ import annotations


def test_a_bare_how_about_an_action_opens_with_its_passage(answer):
    a = answer("湖南产业链优质企业培育行动具体要怎么做")
    first = a.answer.splitlines()[0]
    assert not a.refused and "优质企业梯队培育机制" in first
    assert any("优质企业梯队培育机制" in c.quote for c in a.citations)


def test_an_ask_the_summary_answers_gets_no_detail(answer):
    a = answer("湖南产业链优质企业培育行动由哪个部门牵头")
    assert a.answer.startswith("**产业链优质企业培育行动**由**省工业和信息化厅**牵头")
