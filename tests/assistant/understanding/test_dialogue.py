"""Dialogue rules: explicit entities win, follow-ups inherit, pronouns resolve by type, provinces swap."""

from __future__ import annotations


def _frame(understanding, history, ask):
    dialogue = understanding.resolver.history(history)
    return understanding.resolver.resolve(understanding.reader.read(ask), dialogue)


CHIP = [("user", "湖北芯片这条链谁是链长？"), ("assistant", "湖北集成电路产业链的链长是**曹广晶**（副省长）。")]


def test_a_complete_new_question_ignores_the_history(understanding):
    f = _frame(understanding, CHIP, "湖北一共有哪些重点产业链？")
    assert f.intent.name == "list_chains" and not f.slots.get("chain")


def test_ellipsis_inherits_the_chain(understanding):
    f = _frame(understanding, CHIP, "那它的牵头部门呢？")
    assert f.intent.name == "lead_department" and f.keys("chain") == ["集成电路产业链"]


def test_he_is_the_person_the_answer_named(understanding):
    f = _frame(understanding, CHIP, "他还负责哪条？")
    assert f.intent.name == "leader_chains" and "曹广晶" in [m.key for k in ("leader", "person") for m in f.slots.get(k, [])]


def test_it_is_the_unit_the_answer_named(understanding):
    history = [("user", "湖南项目用地落实不了找哪个部门？"), ("assistant", "按分工找**省自然资源厅**。")]
    f = _frame(understanding, history, "该部门还负责什么？")
    assert f.intent.name == "department_duties" and f.keys("department") == ["自然资源厅"]


def test_it_stands_for_the_unit_the_answer_named_rather_than_continue_with_nothing(understanding):
    history = [("user", "湖南那个方案里省领导联系产业集群的日常工作是谁在做？"),
               ("assistant", "附件1写明由省工业和信息化厅承担省领导联系产业集群（产业链）的日常工作。")]
    f = _frame(understanding, history, "它还要给有关部门提供什么东西？")
    assert f.intent.name == "department_duties" and f.keys("department") == ["经信厅/工信厅"]


def test_another_province_keeps_the_intent_and_moves_to_the_counterpart_chain(understanding):
    history = [("user", "湖北生物医药产业链链长是谁？"), ("assistant", "杨云彦。")]
    f = _frame(understanding, history, "那湖南呢？")
    assert f.intent.name == "chain_leader" and f.provinces == ["湖南"]
    assert [(m.key, m.province) for m in f.slots["chain"]] == [("生物医药", "湖南")]


def test_a_follow_up_asking_another_facet_keeps_the_subject(understanding):
    history = [("user", "《壮大湖北制造主力集群》这篇报道是哪天登的？"), ("assistant", "2022年7月15日。")]
    f = _frame(understanding, history, "哪家媒体？")
    assert f.intent.name == "document_info" and "published" in f.facets


LIAISON = [("user", "湖北光通信链的经信厅联络员是谁？"), ("assistant", "湖北光通信产业链的省经信厅联络员是**郭涛**，联络处室是**电子处**。")]


def test_other_is_not_a_pronoun_and_a_named_division_is_not_overridden(understanding):
    """其他 holds 他 but names nobody: the division asked about keeps its own chains."""
    reading = understanding.reader.read("电子处还管其他哪些链？")
    assert "person" not in reading.pronouns
    f = _frame(understanding, LIAISON, "电子处还管其他哪些链？")
    assert f.intent.answerer == "liaison" and f.keys("division") == ["电子处"] and not f.slots.get("chain")


def test_asking_for_another_one_does_not_repeat_the_last_question(understanding):
    history = [("user", "湖南工程机械集群是哪位省领导联系？"), ("assistant", "湖南工程机械集群的联系省领导是**张剑飞**。")]
    f = _frame(understanding, history, "他另外那个是哪个集群？")
    assert f.intent.name == "leader_chains" and "张剑飞" in f.keys("leader") + f.keys("person")


def test_a_department_named_in_a_follow_up_keeps_the_dialogues_province(understanding):
    """How a department's name is printed hints at a province; in a follow-up the dialogue's province wins."""
    history = [("user", "湖南生物医药集群谁联系？"), ("assistant", "湖南生物医药集群的联系省领导是**谢卫江**。")]
    f = _frame(understanding, history, "卫健委在这里面负责什么？")
    assert f.intent.name == "department_duties" and f.provinces == ["湖南"]
    assert _frame(understanding, [], "卫健委负责什么？").provinces == ["湖北"]


def test_a_facet_cue_inside_a_longer_one_does_not_count(understanding):
    f = _frame(understanding, [], "省政协会议上谁作的主题发言？")
    assert f.facets == {"主题发言人"}


def test_a_term_that_is_what_an_intent_asks_for_does_not_end_the_dialogue(understanding):
    """"联络员是谁？" after a chain names a column, not a new subject: the chain is inherited."""
    f = _frame(understanding, CHIP, "联络员是谁？")
    assert f.intent.name == "liaison" and f.keys("chain") == ["集成电路产业链"]
    assert not _frame(understanding, CHIP, "什么是五图作业？").slots.get("chain")


def test_a_bare_ellipsis_asks_the_last_question_or_nothing(understanding):
    history = [("user", "我们企业融资难，湖南找哪个部门"), ("assistant", "按分工找**省地方金融监管局**。")]
    frames = understanding.resolver.candidates(understanding.reader.read("那湖北呢"),
                                               understanding.resolver.history(history))
    assert [f.intent.name for f in frames] == ["problem_department"] and frames[0].provinces == ["湖北"]


def test_still_is_not_another(understanding):
    """"现在还有效吗" after the validity asks it again (还 = still); "另外那条" asks for another one."""
    assert understanding.reader.read("现在还有效吗").another is False
    assert understanding.reader.read("他另外那条是什么").another is True


def test_these_two_after_two_single_answers_are_both(understanding):
    """"这两条链" after one chain, then another: both of them, not only the last one."""
    history = [("user", "湖北软件和信息服务产业链谁是链长"), ("assistant", "湖北软件和信息服务产业链的链长是**张文兵**（副省长）。"),
               ("user", "工业互联网呢"), ("assistant", "湖北工业互联网产业链的链长是**张文兵**（副省长）。")]
    f = _frame(understanding, history, "这两条链的牵头部门分别是哪个")
    assert f.intent.name == "lead_department" and set(f.keys("chain")) == {"软件和信息服务产业链", "工业互联网产业链"}


def test_a_section_both_schemes_have_is_the_one_of_the_dialogues_province(understanding):
    history = [("user", "毛腾飞怎么概括湖南的省领导联系产业链群制度？"),
               ("assistant", "他说该制度明确了“六大行动”“五大机制”，特别是“八个一”工作推进机制。")]
    f = _frame(understanding, history, "这五大机制分别是什么？")
    assert f.keys("section") == ["hunan_plan:工作机制"] and f.provinces == ["湖南"]


def test_this_division_is_the_division_the_answer_named(understanding):
    history = [("user", "现代化工产业链对口省经信厅哪个处室？"), ("assistant", "原材料处，联络员是雷培德。")]
    f = _frame(understanding, history, "这个处室还对口哪条链？")
    assert f.keys("division") == ["原材料处"]


def test_an_ask_about_something_else_does_not_borrow_the_last_chain(understanding):
    history = [("user", "湖北方案里“468”是什么？"), ("assistant", "4个万亿级支柱产业、6个五千亿级优势产业和8个新兴未来产业。"),
               ("user", "同一句里还聚焦什么？"), ("assistant", "还提到聚焦四大国家级产业基地。"),
               ("user", "以哪些领域为突破口？"),
               ("assistant", "以“光芯屏端网”、新能源汽车及智能网联汽车、生物医药及大健康等领域为突破口。")]
    f = _frame(understanding, history, "四大基地分别是哪四个？")
    assert f.intent is None or not f.slots.get("chain"), (f.intent.name, f.keys("chain"))
    assert _frame(understanding, history, "牵头部门是哪个？").keys("chain")  # a bare facet still borrows it


def test_he_is_the_person_the_last_answer_named_not_the_one_asked_about_before(understanding):
    history = [("user", "袁德芳是哪个单位的？"), ("assistant", "省发改委党组成员、副主任。"),
               ("user", "最后一个问题是问谁的？"), ("assistant", "中外新闻社记者问省经信厅如何推进链长制，由郭涛回答。")]
    f = _frame(understanding, history, "他说省经信厅要当好哪三个“员”？")
    assert [m.key for k in ("person", "leader", "liaison") for m in f.slots.get(k, [])][:1] == ["郭涛"]


def test_a_described_pronoun_picks_the_person_whose_post_it_describes(understanding):
    history = [("user", "链长制那场新闻发布会上都有谁发布"),
               ("assistant", "省经信厅副厅长郭涛、省发改委副主任袁德芳、孝感市副市长张志敏、中国信科副总经理何书平。")]
    f = _frame(understanding, history, "孝感那位副市长说孝感打算咋推进链长制？")
    assert [m.key for m in f.slots.get("person", [])] == ["张志敏"]


def test_a_term_in_place_of_the_last_asks_term_asks_the_same_again(understanding):
    history = [("user", "毛腾飞文章里说湖南小巨人多少家"), ("assistant", "今年新增国家级专精特新“小巨人”162家，累计232家。")]
    f = _frame(understanding, history, "单项冠军呢")  # as the splitter hands it on
    assert f.intent is not None and f.intent.name == "figure" and "单项冠军" in f.reading.topic


def test_a_term_an_intent_asks_for_is_no_swap(understanding):
    history = [("user", "湖北汽车链牵头部门是哪个？"), ("assistant", "湖北汽车产业链的牵头部门是**省发改委**。")]
    f = _frame(understanding, history, "链长呢？")
    assert f.intent is not None and f.intent.name != "lead_department"


def test_a_problem_word_holds_no_province(understanding):
    """外贸 is routed in one province's duties table; a target about it may be the other's."""
    f = _frame(understanding, [], "外贸进出口年均增长目标多少")
    assert f.provinces != ["湖南"]
