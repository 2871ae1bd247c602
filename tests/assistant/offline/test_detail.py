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


def test_a_point_no_mechanism_passage_holds_is_answered_by_the_sentence_that_does(answer):
    """The closest mechanism says nothing of 常态化服务; the scheme's sentence that does answers instead."""
    a = answer("湖北对链主企业和核心配套企业有没有常态化的服务安排？")
    assert not a.refused and "常态化服务机制" in a.answer.splitlines()[0]
