"""The mechanism answerer: the mechanism asked about in each province asked about, with its parts, frequency
and who reports to whom; "有没有" answered yes first; a counterpart asked of another province."""

from __future__ import annotations

from assistant.offline import answer_mechanisms as M


def test_a_mechanism_with_frequency_reporting_line_and_parts(asked):
    reply = M.mechanism(*asked("湖北的调度督导机制是怎样的", "mechanism"))
    assert "湖北的**调度督导机制**" in reply.lead and "频次：按季调度、半年通报、年度会商" in reply.lead
    assert "报送：各产业链牵头部门→领导小组办公室" in reply.lead
    assert reply.body.startswith("1. ") and reply.body.count("\n") == 3
    assert [e.citation.doc_id for e in reply.evidence] == ["hubei_scheme"]


def test_a_yes_no_ask_is_answered_yes_first(asked):
    reply = M.mechanism(*asked("湖北有没有问题办理机制", "mechanism"))
    assert reply.lead.startswith("有。") and "**问题办理机制**" in reply.lead


def test_the_frequency_asked_for(asked):
    reply = M.mechanism(*asked("湖南综合协调机制多久报告一次", "mechanism"))
    assert "湖南的**综合协调机制**" in reply.lead and "频次：每季度" in reply.lead


def test_each_province_asked_about_gets_its_own(asked):
    reply = M.mechanism(*asked("两省的调度机制分别是怎样的", "mechanism"))
    assert reply.lead.index("湖北的**") < reply.lead.index("湖南的**") and len(reply.evidence) == 2


def test_the_same_ask_of_the_other_province_finds_its_counterpart(asked, after):
    reply = M.mechanism(*asked("湖南呢？", "mechanism", after("湖北的调度督导机制是怎样的")))
    assert "**综合协调机制**" in reply.lead and "每季度" in reply.lead


def test_a_cadence_asked_of_no_one_mechanism_lists_every_cadence(answer):
    """"湖北多久开一次会" names no mechanism: every mechanism of the province that sets a cadence, with it."""
    a = answer("湖北多久开一次会")
    first = a.answer.splitlines()[0]
    assert not a.refused and "调度督导机制" in first and "按季调度" in first


def test_the_other_province_of_a_mechanism_it_has_no_namesake_of_is_its_compared_side(answer, after):
    """"那湖南呢" after Hubei's 问题办理机制: Hunan's side of the prepared comparison on 问题办理."""
    a = answer("那湖南呢", after("湖北的问题办理机制是怎样的"))
    assert not a.refused and a.answer.startswith("湖南在“问题办理”这一点上的做法")


def test_the_mechanism_an_ask_describes_by_its_own_words_not_the_systems_name(asked, answer):
    """"链长制" names the whole system; "招商" is what the ask is about. After a mechanism, a follow-up's term
    ("链长") keeps to that mechanism."""
    reply = M.mechanism(*asked("湖北链长制是怎么抓招商的？", "mechanism"))
    assert "**重大项目推进机制**" in reply.lead.split("\n")[0]
    follow = answer("链长具体用什么方式推进？", [("user", "湖南的综合协调机制是怎么安排的？"),
                                              ("assistant", "省委、省政府适时开会听取汇报；各产业链链长根据需要协调推进。")])
    assert "**综合协调机制**" in follow.answer.split("\n")[0]


def test_a_follow_up_naming_nothing_stays_with_the_last_mechanism(answer, after):
    a = answer("多久督办一次", after("湖北的问题办理机制是怎么运作的"))
    assert "**问题办理机制**" in a.answer.split("\n")[0] and "资金这类问题" not in a.answer


def test_a_bare_follow_up_in_the_other_province_asks_the_same_of_its_mechanism(answer):
    history = [("user", "湖北各链推进情况最后呈报给谁？"),
               ("assistant", "各牵头部门每季度反馈至领导小组办公室，由办公室汇总后呈报省委、省政府主要领导。")]
    a = answer("那湖南呢？", history)
    assert not a.refused and "分管省领导" in a.answer and "每季度" in a.answer
