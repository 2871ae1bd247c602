"""Reading an ask: entities by slot, provinces named or implied, pronouns, answer types, language."""

from __future__ import annotations


def test_slots_and_provinces(understanding):
    r = understanding.reader.read("湖北芯片这条链谁是链长？")
    assert r.keys("chain") == ["集成电路产业链"] and r.provinces == ["湖北"] and r.lang == "zh-Hans"
    assert "person" in r.answer_types and "Ⓒ" in r.delex and "Ⓡ" in r.delex


def test_a_name_implies_its_province(understanding):
    assert understanding.reader.read("许达哲联系哪个集群").about() == ["湖南"]
    assert understanding.reader.read("省经信厅牵头哪些链").about() == ["湖北"]  # printed only in Hubei's texts
    assert understanding.reader.read("孝感准备怎么推进").provinces == ["湖北"]


def test_pronouns_by_type_and_follow_up_words(understanding):
    r = understanding.reader.read("他还负责哪条？")
    assert "person" in r.pronouns and r.follow_up and r.again
    assert "unit" in understanding.reader.read("该部门还参与什么").pronouns
    assert understanding.reader.read("那湖南呢").follow_up


def test_english_and_traditional(understanding):
    en = understanding.reader.read("Who leads the integrated circuit chain in Hubei?")
    assert en.lang == "en" and en.keys("chain") == ["集成电路产业链"] and en.provinces == ["湖北"]
    tw = understanding.reader.read("湖北積體電路產業鏈的鏈長是誰？")
    assert tw.lang == "zh-Hant" and tw.keys("chain") == ["集成电路产业链"]


def test_other_regions(understanding):
    r = understanding.reader.read("广东省汽车产业链链长是谁")
    assert r.regions == ["广东"] and not r.provinces


def test_a_mention_that_holds_a_province_name_names_the_province(understanding):
    """"湖南链长制" is one mention (the mechanism), and the ask is about 湖南 as well as 湖北."""
    reading = understanding.reader.read("湖北和湖南链长制最高层分别是谁负责")
    assert set(reading.provinces) == {"湖北", "湖南"}


def test_a_pointing_group_pronoun_asks_no_count(understanding):
    """"这几条链的牵头部门是哪个" asks a department of each chain, not how many chains."""
    assert "number" not in understanding.reader.read("这几条链的牵头部门是哪个？").answer_types
    assert "number" in understanding.reader.read("湖北有几条链？").answer_types


def test_a_choice_between_two_names_checks_both(understanding):
    r = understanding.reader.read("“八个一”是湖北的还是湖南的？")
    assert "choice" in r.answer_types and {m.key for m in r.checked} == {"湖北", "湖南"}


def test_corner_brackets_read_as_quotes(understanding):
    assert understanding.reader.read("「七個一」是什麼").folded == understanding.reader.read("“七个一”是什么").folded


def test_a_choice_offers_the_words_either_side_of_it(understanding):
    assert understanding.reader.read("王成是副省长还是常委").options == ["副省长", "常委"]
    assert understanding.reader.read("现在还是他吗").options == []  # 还是 as "still", and 他 is no word to offer
