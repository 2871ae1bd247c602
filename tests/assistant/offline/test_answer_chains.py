"""The chain-table answerers: a chain's leader, lead department (with the press conference's confirmation) and
liaison, a leader's, a division's or a department's chains, the chief leaders, the list of chains, a column,
and the refusals for a chain or a column a province's table does not have."""

from __future__ import annotations

import pytest

from assistant.offline import answer_chains as A
from assistant.policy import RefusalReason
from assistant.understanding.dialogue import Dialogue


def test_a_chains_leader_with_post_row_and_suggestions(asked):
    reply = A.chain_leader(*asked("湖北芯片这条链谁是链长？", "chain_leader"))
    assert "**曹广晶**（副省长）" in reply.lead and reply.tools == ["chain_leader"] and reply.about_people
    assert [e.citation.doc_id for e in reply.evidence] == ["hubei_scheme"] and reply.notes == []
    assert "曹广晶还负责哪些产业链？" in reply.suggestions and not any("{" in s for s in reply.suggestions)


def test_a_chain_the_province_does_not_have_is_a_refusal_that_names_it(asked):
    reply = A.chain_leader(*asked("湖南汽车产业链链长是谁", "chain_leader"))
    assert reply.refused == RefusalReason.NOT_FOUND and "湖南" in reply.lead and "汽车产业链" in reply.lead


def test_english_names_the_leader_in_pinyin_with_the_chinese(asked):
    reply = A.chain_leader(*asked("Who leads the integrated circuit chain in Hubei?", "chain_leader", lang="en"))
    assert "Cao Guangjing (曹广晶)" in reply.lead and "Vice Governor" in reply.lead


def test_a_lead_department_the_press_conference_confirms(asked):
    reply = A.lead_department(*asked("湖北汽车产业链牵头部门是哪个", "lead_department"))
    assert "**省发改委**" in reply.lead and any("袁德芳" in n for n in reply.notes)
    assert [e.citation.doc_id for e in reply.evidence] == ["hubei_scheme", "hubei_press"]
    assert "湖北之声" in reply.evidence[1].citation.quote  # the question that names 省发改委 the lead department


def test_an_inferred_lead_department_carries_the_merged_cell_note(asked):
    reply = A.lead_department(*asked("智能制造装备产业链的牵头部门是哪个？", "lead_department"))
    assert "**省发改委**" in reply.lead and reply.notes and "牵头部门" in reply.notes[0] and "推定" in reply.notes[0]


def test_a_column_the_provinces_table_lacks_is_a_refusal_that_shows_the_row(asked):
    reply = A.lead_department(*asked("湖南工程机械的牵头部门是哪个？", "lead_department"))
    assert reply.refused == RefusalReason.NOT_FOUND and "牵头部门" in reply.lead and "许达哲" in reply.lead
    assert [e.citation.doc_id for e in reply.evidence] == ["hunan_plan"]


def test_a_liaison_and_division_with_the_merged_division_cell(asked):
    reply = A.liaison(*asked("湖北大数据链的联络员是谁？", "liaison"))
    assert "**王梅汉**" in reply.lead and "**智数处**" in reply.lead
    assert reply.notes and "省经信厅联络处室" in reply.notes[0]


def test_a_divisions_chains(asked):
    reply = A.liaison(*asked("原材料处对接哪几条产业链", "liaison"))
    assert reply.tools == ["chains_of_division"] and "现代化工产业链、新材料产业链" in reply.lead
    assert len(reply.evidence) == 2


def test_a_leaders_chains_with_the_merged_leader_cell(asked):
    reply = A.leader_chains(*asked("曹广晶负责哪些产业链？", "leader_chains"))
    assert "2 条" in reply.lead and "集成电路产业链、光通信产业链" in reply.lead and reply.about_people
    assert reply.notes and "链长姓名" in reply.notes[0]  # 光通信's leader cell is merged


def test_a_departments_chains(asked):
    reply = A.department_chains(*asked("省委军民融合办牵头哪些产业链", "department_chains"))
    assert "船舶和海洋工程装备产业链、航空航天产业链" in reply.lead and reply.tools == ["chains_of_department"]


def test_the_chief_chain_leaders_or_what_a_province_says_instead(asked):
    named = A.general_leader(*asked("湖北省产业链的总链长由谁来当", "general_leader"))
    assert "**应勇**" in named.lead and "**王晓东**" in named.lead and "2 位" in named.lead
    unnamed = A.general_leader(*asked("湖南的总链长是谁", "general_leader"))
    assert "挂帅" in unnamed.lead and "应勇" not in unnamed.lead
    assert [e.citation.doc_id for e in unnamed.evidence] == ["hunan_plan"]


def test_lists_name_every_row(answer):
    a = answer("湖南一共有哪些产业链？")
    assert "**22**" in a.answer and "许达哲" in a.answer and len(a.citations) == 22


def test_a_list_narrowed_to_an_industry_group(asked):
    reply = A.list_chains(*asked("湖南材料产业有哪些集群", "list_chains"))
    assert "（材料）" in reply.lead and "**5**" in reply.lead and len(reply.evidence) == 5
    assert "先进陶瓷材料（黄兰香）" in reply.lead and "碳基材料（陈飞※）" in reply.lead and "工程机械" not in reply.lead


def test_a_column_asked_by_name(asked):
    kind = A.chain_column(*asked("工程机械是世界级还是国家级集群", "chain_column"))
    assert "**世界级产业集群**" in kind.lead
    post = A.chain_column(*asked("湖北汽车产业链链长是什么职务", "chain_column"))
    assert "**李乐成**" in post.lead and "**省委常委、常务副省长**" in post.lead


def test_several_columns_of_one_row_in_one_ask(asked, understanding):
    question = "湖北人工智能链的链长、牵头部门、经信厅联络员分别是？"
    frame = understanding.resolver.resolve(understanding.reader.read(question), Dialogue())
    assert frame.intent.name == "chain_column"
    reply = A.chain_column(*asked(question, "chain_column"))
    assert [line.rsplit("**", 2)[-2] for line in reply.lead.splitlines() if line] == ["肖菊华", "省科技厅", "蔡小勇"]
    inferred = A.chain_column(*asked("湖北节能环保链的链长和经信厅联络员各是谁？", "chain_column"))
    assert "**赵海山**" in inferred.lead and "**陈恺民**" in inferred.lead and any("推定" in n for n in inferred.notes)


def test_one_main_column_alone_is_left_to_its_own_answerer(asked):
    assert A.chain_column(*asked("湖南各产业链链长一般通过什么方式协调解决问题", "chain_column")) is None


def test_a_missing_chain_points_at_the_provinces_chain_of_a_like_name(answer):
    """"湖北新能源汽车链": Hubei's table has no such chain; its 汽车产业链 is named as a pointer, not as the answer."""
    a = answer("湖北新能源汽车链的链长是谁")
    assert a.refused and "“汽车产业链”" in a.answer and "李乐成" not in a.answer


def test_a_name_the_scheme_does_not_give_is_declined_and_whether_it_is_given_is_no(answer):
    """Hunan names the post that coordinates (分管省领导), no person: a name asked for is declined, and whether the
    plan writes one is answered no — while a province that names its chief leaders answers with them."""
    asked = answer("湖南负责统筹协调链长制日常工作的那位分管省领导，叫什么名字？")
    assert asked.refused and "分管省领导" in asked.answer
    stated = answer("湖南方案里有没有写总链长的名字？")
    assert not stated.refused and stated.answer.startswith("没有。") and "主要领导" in stated.answer
    assert "**应勇**" in answer("湖北总链长叫什么名字").answer.split("\n")[0]


def test_a_lead_department_a_table_lacks_is_the_unit_whose_duty_is_that_cluster(answer):
    """Hunan's table has no lead-department column; its division of duties gives 生物医药 to 省卫生健康委, which is
    said as the duty it is. A cluster no duty names is still declined."""
    a = answer("湖南是哪个部门配合生物医药的？")
    assert not a.refused and "**省卫生健康委**" in a.answer.split("\n")[0] and "没有“牵头部门”一栏" in a.answer
    assert answer("湖南农业机械集群的牵头部门").refused


@pytest.mark.parametrize("question,verdict", [("宁咏负责船舶链吗", "不是。"), ("宁咏负责航空航天链吗", "是的。"),
                                              ("船舶链是宁咏负责的吗", "不是。")])
def test_whether_a_leader_heads_a_chain_is_answered_yes_or_no(answer, question, verdict):
    assert answer(question).answer.startswith(verdict)


def test_a_clusters_class_and_its_leader_in_one_ask_with_the_provinces_measure_word(answer):
    a = answer("湖南工程机械在分工表里归哪类，谁联系？")
    assert "世界级产业集群" in a.answer and "**许达哲**" in a.answer
    assert "共有 **3** 个产业集群" in answer("湖南世界级的有几个？").answer
    assert "共有 **16** 条重点产业链" in answer("湖北有几条链").answer


def test_a_post_the_table_lacks_is_declined_for_the_leaders_the_dialogue_named(answer):
    history = [("user", "湖南工程机械谁联系？"), ("assistant", "许达哲。"),
               ("user", "轨道交通装备呢？"), ("assistant", "先进轨道交通装备（含磁浮）由毛伟明联系。")]
    a = answer("这两位分别是什么职务？", history)
    assert a.refused and ("没有“职务”一栏" in a.answer or "没有写明其职务" in a.answer)


def test_a_column_the_other_provinces_table_lacks_is_the_answer_to_what_about_it(answer):
    history = [("user", "Who leads Hubei's automobile chain?"), ("assistant", "Li Lecheng (李乐成)."),
               ("user", "And which department?"), ("assistant", "The Provincial Development and Reform Commission (省发改委).")]
    a = answer("What about Hunan?", history)
    assert a.refused and "牵头部门" in a.answer and "湖北之声" not in a.answer
