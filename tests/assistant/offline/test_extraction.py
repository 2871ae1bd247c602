"""Typed extraction from the documents: the span of the ask's answer type (date, number, …) from the
best-supported sentence, stated in a lead and the sentence quoted; no sentence of that type with enough support
is no answer, never a passage dump."""

from __future__ import annotations

from assistant.offline.extraction import Extractor, _nearest
from retrieval.overlap import grams


def test_a_date_from_the_sentence_that_states_it(asked, deps):
    ctx, frame = asked("中国信科集团是哪年联合重组成立的")
    reply = Extractor(ctx).answer(frame)
    assert "**2018年7月**" in reply.lead and reply.tools == ["search"]
    [ev] = reply.evidence
    assert ev.citation.doc_id == "hubei_press" and ev.citation.quote in deps.documents["hubei_press"].text


def test_a_number_with_its_unit(asked):
    ctx, frame = asked("湖南的一链一行解决了多少融资")
    reply = Extractor(ctx).answer(frame)
    assert "**700亿元**" in reply.lead and reply.evidence[0].citation.doc_id == "hunan_article"


def test_a_sentence_without_a_span_of_the_type_asked_is_no_answer(asked):
    """The press conference names 东风岚图, but no sentence about it holds a number."""
    ctx, frame = asked("东风岚图去年卖了多少辆车？")
    assert Extractor(ctx).answer(frame) is None


def test_an_ask_with_too_little_to_match_is_no_answer(asked):
    ctx, frame = asked("谁？")
    assert Extractor(ctx).answer(frame) is None


def test_of_several_numbers_the_one_beside_the_asks_words():
    sentence = "全省累计培育企业232家，其中在各方面的共同努力之下新增162家"
    assert _nearest(sentence, ["232家", "162家"], grams("累计培育多少家")) == "232家"
    assert _nearest(sentence, ["232家", "162家"], grams("共同努力新增多少家")) == "162家"
