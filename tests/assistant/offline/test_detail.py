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


def test_a_summary_that_only_names_the_point_gets_the_points_own_sentence(answer):
    """The 八个一 definition names the 供需对接(会展)平台; what it is for stands in the scheme's clause on it."""
    a = answer("“八个一”里那个供需对接（会展）平台是干什么用的？")
    assert "招商引资" in a.answer.split("\n")[0]


def test_how_a_named_term_is_used_is_its_definition_not_the_assistants_help(answer):
    a = answer("湖南那个产业长板短板动态表怎么用的？")
    assert "揭榜挂帅" in a.answer.split("\n")[0] and "助手" not in a.answer


def test_what_a_named_thing_is_gets_its_definition_first_not_a_detail(answer):
    assert answer("链长制是什么").answer.startswith("**“链长制”**")


def test_a_long_passage_is_no_detail_of_a_point_the_definition_states(answer):
    """"到2025年的1125目标是什么": the definition states the year; the long paragraph around it is not put first."""
    assert answer("湖南到2025年的1125目标是什么").answer.startswith("**“1125”**")
