"""A chain no table lists: declined as not covered, never answered with what its other words find."""

from __future__ import annotations

import pytest

from assistant.offline.unlisted import unlisted_chain


@pytest.mark.parametrize("question,name", [
    ("湖北氢能产业链链长是谁", "氢能产业链"),
    ("湖北的北斗产业链牵头部门是哪个", "北斗产业链"),
    ("氢能链牵头部门是谁", "氢能链"),
])
def test_a_chain_no_table_lists_is_named_in_the_refusal(understanding, context, question, name):
    reply = unlisted_chain(context(), understanding.reader.read(question))
    assert reply is not None and reply.refused == "not_found" and f"“{name}”" in reply.lead


@pytest.mark.parametrize("question", [
    "湖北汽车产业链链长是谁",  # a listed chain
    "湖北芯片链牵头部门是哪个",  # an alias of one
    "湖北16条重点产业链都是谁当链长",  # the documents' own phrase
    "这条产业链的联络员是谁",  # a pointer, not a name
    "哪些产业链由省经信厅牵头",  # a question word
])
def test_listed_chains_pointers_and_the_documents_phrases_are_no_unlisted_chain(understanding, context, question):
    assert unlisted_chain(context(), understanding.reader.read(question)) is None


def test_the_engine_declines_it_and_says_what_is_missing(service):
    answer = service.ask("湖北氢能产业链链长是谁", [])
    assert answer.refused and answer.refusal_reason == "not_found" and "氢能产业链" in answer.answer
    assert "链长是" not in answer.answer  # not the chain-leader mechanism, nor another chain's leader


@pytest.mark.parametrize("question", [
    "湖南想引进产业集群领军人才，按分工哪个部门负责？",  # 产业集群: the documents' own word
    "想让湖南省属国企跟我们集群对接、用我们的产品，找哪个部门牵线？",  # 我们集群 names none
])
def test_the_documents_words_and_the_askers_own_cluster_are_no_unlisted_chain(understanding, context, question):
    assert unlisted_chain(context(), understanding.reader.read(question)) is None


def test_an_unlisted_chain_is_declined_whatever_reading_wins(service):
    answer = service.ask("湖北的数字经济产业链谁负责", [])
    assert answer.refused and "数字经济产业链" in answer.answer
