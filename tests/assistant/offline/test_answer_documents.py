"""The document and glossary answerers: a term (or its counterpart in the province asked about), comparisons
(prepared points, document facts side by side, or each province's mechanism), a section's items, a
document's facts, and what the assistant covers."""

from __future__ import annotations

import pytest

from assistant.offline import answer_documents as D


def _own(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(">"))


def test_a_term_with_its_defining_sentence(asked):
    reply = D.define_term(*asked("什么是五图作业？", "define_term"))
    assert reply.lead.startswith("**“五图作业”**") and "技术结构图、应用领域图、产业布局图、发展路线图和招商目标图" in reply.lead
    assert [e.citation.doc_id for e in reply.evidence] == ["hubei_scheme"] and reply.tools == ["define"]


def test_a_term_asked_of_the_other_province_is_its_counterpart(asked):
    reply = D.define_term(*asked("湖南的七个一是什么", "define_term"))
    assert reply.lead.startswith("**“八个一”**") and any("“七个一”" in n for n in reply.notes)
    assert [e.citation.doc_id for e in reply.evidence] == ["hunan_plan"]


def test_a_prepared_comparison_cites_both_sides(asked):
    reply = D.compare(*asked("湖北的七个一和湖南的八个一有什么区别？", "compare"))
    assert reply.lead.startswith("**工作模式**") and "湖北：“七个一”" in reply.lead and "湖南：“八个一”" in reply.lead
    assert [e.citation.doc_id for e in reply.evidence] == ["hubei_scheme", "hunan_plan"]


def test_a_point_only_one_province_has_says_so_and_gives_the_nearest(asked):
    reply = D.compare(*asked("湖北和湖南的五图作业有什么不同", "compare"))
    assert "只见于湖北的方案" in reply.lead and "产业长板短板动态表" in reply.lead
    assert {e.citation.doc_id for e in reply.evidence} == {"hubei_scheme", "hunan_plan"}


def test_which_provinces_scheme_came_first_compares_the_dates(answer, service):
    a = answer("两个省的方案哪个先出台？")
    metas = sorted((service.deps.tables.meta(p.scheme) for p in service.deps.tables.provinces), key=lambda m: m.date)
    first = a.answer.splitlines()[0]
    assert first.startswith(metas[0].province) and first.index(metas[0].title) < first.index(metas[-1].title)
    assert {c.doc_id for c in a.citations} == {m.id for m in metas}


def test_a_document_fact_of_both_provinces_cites_each_issuer_line(answer, service):
    a = answer("两省的链长制方案分别是哪个单位印发的？")
    for p in service.deps.tables.provinces:
        meta = service.deps.tables.meta(p.scheme)
        assert meta.issuer in a.answer
        quote = next(c.quote for c in a.citations if c.doc_id == meta.id)
        assert "办公厅" in quote and quote in service.deps.documents.get(meta.id).text


@pytest.mark.parametrize("first, follow, expected", [
    ("什么是七个一", "湖南有类似的吗", "八个一"),
    ("湖北的专家咨询是怎么安排的？", "湖南也有类似安排吗", "智囊团队"),
])
def test_a_similar_arrangement_is_the_one_the_last_question_asked_about(answer, after, first, follow, expected):
    a = answer(follow, after(first))
    assert "compare" in a.tools_used and expected in _own(a.answer)


def test_a_sections_items_and_a_documents_parts(asked):
    tasks = D.outline(*asked("湖北方案的重点任务有哪几项", "outline"))
    assert "“重点任务”部分共 **5** 项" in tasks.lead and tasks.body.startswith("1. 推进产业基础再造，提升自主创新能力")
    mechanisms = D.outline(*asked("湖北方案建立了哪些工作机制", "outline"))
    assert "5. 建立调度督导机制" in mechanisms.body
    parts = D.outline(*asked("湖北方案有哪几部分", "outline"))
    assert "共分 **6** 个部分" in parts.lead and parts.body.splitlines()[-1] == "6. 六、保障措施"


@pytest.mark.parametrize(("question", "history", "item", "says"), [
    ("湖北方案重点任务第一条讲了什么？", (), "第 **1** 项“推进产业基础再造，提升自主创新能力”", "“五基”领域"),
    ("宣传那块具体说了什么", (("user", "湖北链长制有哪些保障措施？"), ("assistant", "保障措施有三项。")),
     "第 **3** 项“强化宣传引导”", "广电、报刊、网络"),
])
def test_an_item_of_a_section_by_its_position_or_its_words(asked, question, history, item, says):
    reply = D.outline(*asked(question, "outline", history))
    assert item in reply.lead and says in reply.lead and not reply.body
    assert reply.evidence[0].citation.quote in reply.lead


def test_a_section_asked_for_without_pointing_at_an_item_lists_them_all(asked):
    reply = D.outline(*asked("湖北方案保障措施有哪些", "outline"))
    assert "共 **3** 项：强化组织领导、强化政策支持、强化宣传引导" in reply.lead


def test_a_documents_facts_each_cited(asked):
    number = D.document_info(*asked("湖北方案的文号是什么？", "document_info"))
    assert "**鄂政办发〔2021〕23号**" in number.lead and number.evidence[0].citation.quote == "鄂政办发〔2021〕23号"
    validity = D.document_info(*asked("湖北方案的有效期是哪几年", "document_info"))
    assert "**2021—2023年**" in validity.lead
    effective = D.document_info(*asked("湖南方案什么时候开始施行", "document_info"))
    assert "自发布之日起施行" in effective.lead and "2021年8月17日" in effective.lead
    supersedes = D.document_info(*asked("湖南方案废止了哪个文件", "document_info"))
    assert "湘办发〔2020〕7号" in supersedes.lead and "湘办发〔2020〕7号" in supersedes.evidence[0].citation.quote


def test_what_the_assistant_covers(asked, tables):
    reply = D.capabilities(*asked("我可以问你什么"))
    assert all(p in reply.lead for p in tables.province_names)
    assert all(f"《{d.title}》" in reply.lead for d in tables.documents)
    assert reply.body.count("- ") == 6 and len(reply.suggestions) == 3 and reply.evidence == []


def test_a_known_topic_is_a_glossary_term_in_the_text(context):
    assert D.known_topic(context(), "七个一是什么") and not D.known_topic(context(), "明天天气")


def test_a_repeal_quoted_from_the_document_is_said_once(service):
    a = service.ask("湖南方案废止了哪个文件")
    own = "\n".join(line for line in a.answer.splitlines() if not line.startswith(">"))
    assert "湘办发〔2020〕7号" in own and own.count("同时废止") == 1


def test_a_section_written_as_a_paragraph_is_answered_by_its_opening(answer):
    """"主要目标有哪些": the section has no numbered items; its own sentences answer, not the chain list."""
    a = answer("湖北方案的主要目标有哪些")
    assert a.tools_used == ["outline"] and "50-80" in a.answer.split("\n\n>")[0]


def test_which_province_says_a_point_no_comparison_prepares(answer):
    """"哪个省要求每年梳理…攻关目录清单": the one province whose documents say it, and that the other's do not."""
    a = answer("哪个省要求每年梳理集群关键核心（共性）技术研发攻关目录清单？")
    first = a.answer.splitlines()[0]
    assert first.startswith("是**湖南**") and "湖北的文件中没有找到" in first


@pytest.mark.parametrize("question", ["湖南方案的文号是多少", "湖南方案文号", "What is the document number of Hunan's plan?"])
def test_a_document_fact_the_text_does_not_give_is_declined_saying_so(answer, question):
    a = answer(question)
    assert a.refused and ("没有载明文号" in a.answer or "does not" in a.answer) and a.tools_used == []


@pytest.mark.parametrize("question", ["湖南那个方案有没有写执行到哪年？", "湖南方案有文号吗"])
def test_whether_a_document_gives_a_fact_it_lacks_is_answered_no(answer, question):
    a = answer(question)
    assert not a.refused and a.answer.startswith("没有。") and "没有载明" in a.answer.splitlines()[0]


def test_whether_the_earlier_document_still_counts_is_its_repeal(answer):
    a = answer("湖南这个方案出来以后，之前那个产业链的文件还算数吗？")
    assert not a.refused and "废止" in a.answer.split("\n")[0] and "新兴优势产业链" in a.answer.split("\n")[0]


def test_the_parts_of_a_term_the_documents_never_list_are_declined_with_what_they_say(answer):
    for question in ("湖南说的“3+3+2”领域具体指哪几个领域？", "湖南的“3+3+2”领域具体指哪几个产业？"):
        a = answer(question)
        assert a.refused and "未列明" in a.answer, question
    assert not answer("“3+3+2”是什么").refused


def test_the_other_province_of_a_term_without_counterpart_is_its_compared_side(answer, after):
    """"湖北呢" after Hunan's 竞赛评价机制 (no Hubei namesake): Hubei's side of the comparison, not the Hunan term."""
    a = answer("湖北呢", after("湖南的竞赛评价机制是什么"))
    assert a.answer.startswith("湖北在“评价考核”这一点上的做法") and "竞赛活动" not in a.answer.splitlines()[0]


def test_the_other_province_of_an_action_it_does_not_have_is_no_answer_about_the_action(answer, after):
    a = answer("湖北呢", after("湖南的要素保障行动谁牵头"))
    assert "省发展改革委**牵头" not in a.answer


@pytest.mark.parametrize("question", ["湖北链长制哪年结束", "湖北方案什么时候结束"])
def test_when_a_scheme_ends_is_its_period(answer, question):
    assert "2021—2023" in answer(question).answer.split("\n")[0]


def test_which_province_has_more_chains_counts_both(answer):
    a = answer("两省谁的产业链更多")
    assert "共有 **16** 条" in a.answer and "共有 **22** 个" in a.answer


def test_whether_both_provinces_have_a_thing_is_a_comparison(answer):
    a = answer("湖北和湖南都有揭榜挂帅吗")
    first = a.answer.split("\n")[0]
    assert "湖北" in first and "湖南" in first


@pytest.mark.parametrize("question", ["湖北实施方案工作机制的第四项讲的是什么？", "湖北实施方案“五、工作机制”里的第（四）项讲的是什么？"])
def test_an_item_of_a_section_that_is_a_heading_is_told_by_its_passage(answer, question):
    first = answer(question).answer.split("\n\n")[0]
    assert "建立问题办理机制" in first and "销号管理" in first


def test_a_comparison_no_point_covers_is_not_answered_with_an_unnamed_mechanism(answer):
    """"湖南有类似的吗" after a target no prepared comparison covers: not a mechanism the ask never named."""
    history = [("user", "湖北方案对小微企业升规有什么目标？"), ("assistant", "每年培育引导1000家成长性好的小微企业。")]
    a = answer("湖南有类似的吗？", history)
    assert "重大项目推进机制" not in a.answer


def test_a_comparison_of_one_chain_in_both_provinces_is_left_to_the_tables(answer):
    a = answer("软件链对比下两省负责领导")
    assert "张文兵" in a.answer and "李殿勋" in a.answer


def test_each_document_an_ask_names_gets_its_fact(answer):
    a = answer("湖北链长制方案和湖南这份工作方案分别是哪个机关印发的？")
    assert "湖北省人民政府办公厅" in a.answer and "中共湖南省委办公厅" in a.answer


def test_when_a_scheme_began_is_its_period(answer):
    assert "2021—2023" in answer("湖北链长制是哪年开始的").answer.split("\n")[0]
