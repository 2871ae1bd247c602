"""The counterpart chain: after a chain of one province, the other province's chain of the same name or alias,
or a plain statement that it has none (no guess)."""

from __future__ import annotations

from assistant.offline.answer_counterparts import counterpart_chain


def test_the_counterpart_chain_of_another_province(answer, after):
    a = answer("湖南对应的是哪个集群？", after("湖北汽车产业链链长是谁？"))
    assert a.answer.splitlines()[0].count("新能源及智能网联汽车") == 1 and "许显辉" in a.answer
    none = answer("湖北对应的是哪条链？", after("湖南工程机械谁联系？"))
    assert "没有与湖南的“工程机械”同名" in none.answer and "许达哲" not in none.answer


def test_the_counterpart_row_names_where_the_chain_came_from(asked, after):
    reply = counterpart_chain(*asked("湖南对应的是哪个集群？", "counterpart_chain", after("湖北汽车产业链链长是谁？")))
    assert "与湖北的汽车产业链对应，湖南的是**新能源及智能网联汽车**" in reply.lead
    assert [e.citation.doc_id for e in reply.evidence] == ["hunan_plan"] and "许显辉" in reply.evidence[0].shown


def test_no_counterpart_counts_the_chains_the_province_does_have(asked, after):
    reply = counterpart_chain(*asked("湖北对应的是哪条链？", "counterpart_chain", after("湖南工程机械谁联系？")))
    assert "湖北共列 16 条" in reply.lead and reply.evidence == [] and not reply.refused
