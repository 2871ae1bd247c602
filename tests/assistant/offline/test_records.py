"""Choosing narrative records for an ask: what it is about, the speaker and document it names (a department's
one speaker at an event), the best records and the close ones that add something, and the notes of
inferred records."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.records import content_of, document_of, pick, record_notes, speaker_of


def test_the_speaker_named_or_the_one_who_speaks_for_the_department_named(asked):
    ctx, frame = asked("发布会上发改委怎么说")
    assert speaker_of(ctx, frame) == "袁德芳" and document_of(ctx, frame) == "hubei_press"
    ctx, frame = asked("郭涛说了什么")
    assert speaker_of(ctx, frame) == "郭涛" and document_of(ctx, frame) is None
    ctx, frame = asked("湖北方案说了什么")
    assert speaker_of(ctx, frame) is None and document_of(ctx, frame) == "hubei_scheme"
    ctx, frame = asked("政协常委会上有哪些建议")
    assert document_of(ctx, frame) == "hubei_cppcc"  # the event's report


def test_the_ask_keeps_its_entities_for_the_record_search(asked):
    _, frame = asked("孝感确立了哪几条传统产业链？")
    assert "孝感" in content_of(frame)


def test_only_an_inferred_records_note_is_kept_once(tables):
    people = {p.name: p for p in tables.facts.people}
    [note] = record_notes([people["张修富"], people["张修富"], people["郭涛"]])
    assert "推断" in note
    assert record_notes([people["郭涛"]]) == []


def test_again_excludes_what_the_last_answer_said(asked):
    """"他还提到了哪条走廊？" after 汉江汽车走廊: the other corridor, not the one already said."""
    history = [("user", "发改委在发布会上说了汽车产业什么？"), ("assistant", "袁德芳表示要巩固发展“武襄十随”汉江汽车走廊。")]
    ctx, frame = asked("他还提到了哪条走廊？", "statement", history)
    found = T.statements(ctx.deps, content_of(frame), speaker=speaker_of(ctx, frame), source=document_of(ctx, frame), limit=8)
    assert found.matches[0].record.topic == "“武襄十随”汉江汽车走廊"
    assert [r.topic for r in pick(ctx, frame, found)] == ["沿长江汽车走廊"]


def test_a_second_record_must_add_something(answer):
    """One sentence holds 新增162家 and 累计232家: "累计多少家" gets one of them; a statement by another
    speaker that does not name 孝感 is not a second answer to a question about 孝感."""
    figures = answer("湖南国家级专精特新小巨人累计多少家？")
    assert "**232**" in figures.answer and "**162**" not in figures.answer
    statements = answer("孝感确立了哪几条传统产业链？")
    assert "张志敏" in statements.answer and "彭军" not in statements.answer


def test_a_how_ask_lists_every_item_of_the_best_matchs_section(asked):
    """当好联络员 has three items (调度会商, 决策咨询, 制定方案); the first shares most words with the ask."""
    ctx, frame = asked("发布会上说当好联络员具体咋做", "statement")
    topics = [r.topic for r in pick(ctx, frame, T.statements(ctx.deps, content_of(frame), limit=8))]
    assert {"当好联络员：调度会商", "当好联络员：决策咨询", "当好联络员：制定方案"} <= set(topics)


def test_a_single_fact_ask_does_not_list_the_section(asked):
    ctx, frame = asked("郭涛说的调度会商是什么机制", "statement")
    topics = [r.topic for r in pick(ctx, frame, T.statements(ctx.deps, content_of(frame), limit=8))]
    assert "当好联络员：制定方案" not in topics
