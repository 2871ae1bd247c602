"""The statement answerer: what a speaker or a document says on a topic, or every point a speaker made on it
(in the document's order)."""

from __future__ import annotations

import re

import pytest

from assistant.offline import answer_statements as S


def test_what_a_speaker_said_on_the_topic(asked):
    reply = S.statement(*asked("孝感对接的是武汉哪个产业集群", "statement"))
    assert "**张志敏**表示" in reply.lead and "“965”产业集群" in reply.lead
    assert [e.citation.doc_id for e in reply.evidence] == ["hubei_press"] and reply.tools == ["statements"]


def test_a_speakers_points_on_a_subject(asked):
    reply = S.statement(*asked("袁德芳讲了汽车产业的哪几点", "statement"))
    assert "**袁德芳**讲了以下 9 点" in reply.lead
    assert reply.lead.index("“武襄十随”汉江汽车走廊") < reply.lead.index("沿长江汽车走廊")  # the document's order
    assert len(reply.evidence) == 1


def test_a_departments_speaker_lists_every_point_in_order(answer, service):
    """"发布会上经信厅讲了哪几点": the department's one speaker at the event, every point, the document's order."""
    a = answer("新闻发布会上省经信厅讲了哪几点？")
    lead = a.answer.split("\n\n>")[0]
    assert "郭涛" in lead.splitlines()[0] and re.search(r"共讲了 \d+ 点，前 \d+ 点", lead)
    points = re.findall(r"^\d+\. \*\*(.+?)\*\*", lead, re.M)
    assert len(points) >= 3 and len(a.citations) == 1
    text = service.deps.documents.get(a.citations[0].doc_id).text
    speaker = {s.topic: s for s in service.deps.tables.facts.statements if s.speaker == "郭涛"}
    at = [text.find(speaker[p].quote) for p in points]
    assert at == sorted(at)


def test_an_ask_no_statement_shares_enough_with_is_not_answered(asked):
    assert S.statement(*asked("天气怎么样")) is None


def test_what_someone_said_with_no_subject_is_his_points_and_more_of_them_after(answer, after):
    first = answer("郭涛在发布会上说了什么")
    assert "**郭涛**共讲了" in first.answer and "statements" in first.tools_used
    more = answer("还有呢", [("user", "郭涛在发布会上说了什么"), ("assistant", first.answer)])
    assert "**郭涛**还讲了" in more.answer
    firsts = {line for line in first.answer.splitlines() if line[:1].isdigit()}
    assert not firsts & {line for line in more.answer.splitlines() if line[:1].isdigit()} - {""}


def test_a_speaker_described_by_organisation_gets_all_their_points(answer):
    """"武大的教授" picks out the CPPCC speaker from 武汉大学; his post's words are not a subject to search."""
    a = answer("武大的教授在政协会上建议了什么")
    assert not a.refused and "**邹薇**讲了以下" in a.answer.splitlines()[0]


def test_a_general_ask_to_a_body_finds_the_point_on_its_subject(answer):
    """"对链长制本身有没有提建议": the bigrams straddling the term (对链, 制本) do not dilute its coverage."""
    a = answer("政协委员对链长制本身有没有提建议？")
    assert not a.refused and "完善产业链链长制度" in a.answer.split("\n\n>")[0]


def test_a_province_the_ask_names_keeps_the_other_provinces_documents_out(answer):
    a = answer("湖北领导小组办公室负责什么")
    assert not a.refused and all("湖南" not in c.doc_title and "省领导联系" not in c.doc_title for c in a.citations)


def test_what_he_said_after_a_speaker_is_all_his_points(answer, after):
    """"他在发布会上说了什么": the pronoun is no subject; every point the speaker made, not one press question."""
    a = answer("他在发布会上说了什么", after("袁德芳是谁"))
    assert "**袁德芳**共讲了" in a.answer.splitlines()[0]


def test_how_many_points_a_speaker_made_counts_all_of_them(answer):
    assert "**邹薇**讲了以下 5 点" in answer("邹薇提了几条建议").answer.split("\n")[0]


def test_an_english_ask_finds_the_record_by_its_translated_words(answer):
    a = answer("What did Mao Tengfei's article say about white lists?")
    assert not a.refused and "白名单" in a.answer.split("\n")[0]


@pytest.mark.parametrize("question", ["湖北方案里有没有提疫情", "新冠疫情跟湖北推链长制有没有关系？"])
def test_whether_a_document_speaks_of_something_is_what_it_says_of_it(answer, question):
    a = answer(question)
    assert not a.refused and "疫情" in a.answer.split("\n")[0]
