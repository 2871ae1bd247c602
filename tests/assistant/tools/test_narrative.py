"""The narrative tools: an event's facts and speakers, a person's roles across documents, the press questions,
and statements, figures and mechanisms ranked by how well they match a topic."""

from __future__ import annotations

from assistant import tools as T


def test_an_events_host_and_speakers_in_order(deps):
    host = T.event_info(deps, "发布会")
    assert host.host is not None and host.host.name == "张修富" and len(host.people) == 5
    assert [p.name for p in host.people] == ["郭涛", "袁德芳", "张志敏", "何书平", "张修富"]  # by order, the host last
    assert host.event.date.isoformat() == "2021-04-30"
    miss = T.event_info(deps, "年会")
    assert miss.not_found and miss.event is None


def test_a_persons_roles(deps):
    assert T.person_profile(deps, "袁德芳").people[0].org == "省发改委"
    guo = T.person_profile(deps, "郭涛")
    assert guo.people and guo.liaison_for  # two roles in two documents: the answer says so
    assert {c.doc_id for c in guo.citations} == {"hubei_press", "hubei_scheme"}
    assert [g.post for g in T.person_profile(deps, "王晓东").general] == ["省委副书记、省长"]
    assert T.person_profile(deps, "张三丰").not_found


def test_press_questions_by_outlet_person_or_topic(deps):
    assert T.exchanges(deps, outlet="湖北之声").exchanges[0].answered_by == "袁德芳"
    assert [x.outlet for x in T.exchanges(deps, person="何书平").exchanges] == ["楚天都市报"]
    assert [x.answered_by for x in T.exchanges(deps, topic="孝感如何推进链长制").exchanges] == ["张志敏"]
    assert T.exchanges(deps, outlet="人民日报").not_found


def test_statements_by_speaker_and_topic(deps):
    top = T.statements(deps, "巩固发展汉江汽车走廊", speaker="袁德芳").matches[0].record
    assert "武襄十随" in top.quote
    scheme = T.statements(deps, "统筹协调全省产业链推进工作", source="hubei_scheme", limit=5)
    assert scheme.matches and all(m.record.source == "hubei_scheme" for m in scheme.matches)
    scores = [m.score for m in scheme.matches]
    assert scores == sorted(scores, reverse=True)
    # a colloquial word meets a record's keywords through aliases.yaml `synonyms` (架子 → 总链长)
    def score(topic):
        return next(m.score for m in T.statements(deps, topic, speaker="张志敏", limit=30).matches if "13位" in m.record.quote)
    assert score("孝感的架子") > score("孝感的柜子")


def test_figures_by_province_and_kind(deps):
    fig = T.figures(deps, "重点培育链主企业多少家", province="湖北").matches[0].record
    assert "50" in fig.value
    targets = T.figures(deps, "千亿产业", province="湖南", kind="target", limit=5)
    assert targets.matches and all(m.record.kind == "target" for m in targets.matches)
    assert "20" in targets.matches[0].record.value


def test_a_named_mechanism_comes_first_with_the_top_score(deps):
    assert T.mechanisms(deps, "按季调度", province="湖北").matches[0].record.id == "scheme_mech_dispatch"
    named = T.mechanisms(deps, "八个一")
    assert [m.record.id for m in named.matches] == ["plan_mech_eight_ones"] and named.matches[0].score == 10.0
    assert T.mechanisms(deps, "量子纠缠").not_found


def test_a_figure_whose_number_the_ask_is_about_comes_first(deps):
    top = T.figures(deps, "10%针对指标", quoting="湖北方案里10%是针对什么指标说的").matches[0].record
    assert "进出口" in top.quote
    # a number that counts a thing of its own ("16条链") is not what the ask is about
    assert not T.narrative.quotes_value("为16条链提供决策咨询的是哪个专家机构", top)
