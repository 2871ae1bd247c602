"""The people and events answerers: who a person is (every role, in every document), an event's host and
date, who spoke at it in which role, the press questions and who answered them."""

from __future__ import annotations

import pytest

from assistant.offline import answer_people as P


def test_a_person_with_roles_in_two_documents(asked):
    reply = P.person_profile(*asked("郭涛是谁？", "person_profile"))
    assert "发布人" in reply.lead and "集成电路产业链、光通信产业链的省经信厅联络员（电子处）" in reply.lead
    assert "不同文件" in reply.lead  # the sources do not say the two 郭涛 are one person
    assert [e.citation.doc_id for e in reply.evidence][:2] == ["hubei_press", "hubei_scheme"] and reply.about_people


def test_a_chief_chain_leader(asked):
    reply = P.person_profile(*asked("应勇是谁", "person_profile"))
    assert "总链长" in reply.lead and "省委书记、省人大常委会主任" in reply.lead


def test_the_host_rests_on_an_inference_and_says_so(asked):
    reply = P.event_info(*asked("发布会是谁主持的？", "event_info"))
    assert "**张修富**主持" in reply.lead and reply.about_people
    assert reply.notes and "推断" in reply.notes[0]


def test_an_events_date_and_organiser_or_the_report_line_when_undated(asked):
    dated = P.event_info(*asked("新闻发布会哪天开的", "event_info"))
    assert "**2021年4月30日**" in dated.lead and "省政府新闻办" in dated.lead and not dated.about_people
    undated = P.event_info(*asked("政协会议是哪天开的", "event_info"))
    assert "未载明会议日期" in undated.lead and "2022年07月15日" in undated.lead


def test_an_events_speakers_of_a_role_in_their_order(asked):
    reply = P.event_people(*asked("发布会一共几位发布人", "event_people"))
    assert "共 4 位" in reply.lead and len(reply.evidence) == 4
    at = [reply.lead.index(name) for name in ("郭涛", "袁德芳", "张志敏", "何书平")]
    assert at == sorted(at) and "张修富" not in reply.lead


def test_a_speakers_title_names_the_organisation_once(answer):
    a = answer("省政协那次会议上谁作的主题发言？")
    lead = a.answer.split("\n\n")[0]
    assert "彭军" in lead and "省政协省政协" not in a.answer
    assert "的发言人共" not in a.answer  # 主题发言 asks for the keynote speaker, not every speaker


def test_a_press_question_by_outlet_or_by_topic(asked):
    by_outlet = P.exchange(*asked("湖北之声记者问了什么", "exchange"))
    assert by_outlet.lead.startswith("**湖北之声**") and "**袁德芳**回答" in by_outlet.lead
    by_topic = P.exchange(*asked("发布会上哪家媒体问了孝感的问题", "exchange"))
    assert by_topic.lead.startswith("**中新社**") and "**张志敏**回答" in by_topic.lead


def test_a_person_asked_for_by_organisation_at_an_event(answer):
    """"政协那个会上武大那位教授叫啥名": a descriptor (武大) names the speaker, and 叫啥名 asks for the name."""
    a = answer("政协那个会上武大那位教授叫啥名")
    assert not a.refused and a.answer.startswith("**邹薇**")


def test_press_questions_are_not_answered_for_an_event_that_had_none(asked):
    """The CPPCC session had no reporters' questions: the press conference's are not its answer."""
    assert P.exchange(*asked("政协常委会上记者问了什么", "exchange")) is None


def test_a_post_the_table_does_not_give_is_declined_with_what_it_does_say(answer):
    """Hunan's table names 谢卫江 without a post: "什么职务" is declined, and his listed role is said."""
    a = answer("湖南分工表里的谢卫江是什么职务？")
    assert a.refused and "谢卫江" in a.answer and "生物医药" in a.answer
    assert not answer("李乐成是什么职务").refused


def test_the_people_named_at_an_event_are_answered_for_themselves(answer, after):
    a = answer("政协那次会上邓霞飞和杨智分别代表谁发言")
    assert "代表农工党湖北省委会" in a.answer and "代表武汉市政协" in a.answer and "韩民春" not in a.answer
    follow = answer("张锋呢？", after("那次政协常委会上韩民春代表谁发言？"))
    assert "代表民盟湖北省委会" in follow.answer.split("\n")[0] and "韩民春" not in follow.answer


def test_a_post_held_by_one_leader_names_him(answer):
    a = answer("湖北常务副省长是谁")
    assert a.answer.startswith("**李乐成**") and not a.refused
    assert "**徐文海**" in answer("谁兼任省公安厅厅长？").answer.splitlines()[0]


def test_a_table_row_without_a_post_declines_the_post(answer):
    a = answer("湖南分工表里的谢卫江是什么职务？")
    assert a.refused and "没有写明其职务" in a.answer


def test_the_outlet_that_asked_about_a_city_and_another_than_the_last_named(answer, after):
    a = answer("发布会上问孝感的是哪家媒体")
    assert a.answer.startswith("**中新社**")
    follow = answer("那问孝感的是哪家？", after("发布会上是哪家媒体问的中国信科？"))
    assert follow.answer.startswith("**中新社**") and "楚天都市报" not in follow.answer.split("\n")[0]


def test_who_gave_a_named_part_of_an_event_is_found_by_the_part(answer):
    """"谁作的主题发言": 主题发言 is a heading of the session's report, whose event lists who gave it."""
    assert "**彭军**" in answer("谁作的主题发言？").answer.split("\n")[0]


@pytest.mark.parametrize("question", ["发布会上代表发改委发言的是谁",
                                      "Who spoke for the development and reform commission at the press conference?"])
def test_the_speaker_of_a_unit_named_at_an_event(answer, question):
    first = answer(question).answer.split("\n")[0]
    assert "袁德芳" in first and "郭涛" not in first


def test_a_weak_new_question_leans_on_the_dialogues_event(answer):
    """"省发改委来的是谁" read alone says little; after the press conference it asks for that unit's speaker."""
    history = [("user", "4月30日那场链长制新闻发布会是谁主持的？"), ("assistant", "省委宣传部二级巡视员张修富。")]
    assert "**袁德芳**" in answer("省发改委来的是谁？", history).answer.split("\n")[0]
