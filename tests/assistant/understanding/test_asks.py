"""Splitting a message into asks."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def split(understanding):
    return understanding.splitter.split


@pytest.mark.parametrize("message,asks", [
    ("湖北芯片这条链谁是链长？", ["湖北芯片这条链谁是链长"]),
    ("湖南工程机械谁联系？顺便帮我写个请假条。", ["湖南工程机械谁联系", "帮我写个请假条"]),
    ("湖北芯片链链长是谁，他的手机号多少", ["湖北芯片链链长是谁", "他的手机号多少"]),
    ("1. 湖北总链长是谁 2. 湖南有几个世界级集群", ["湖北总链长是谁", "湖南有几个世界级集群"]),
    ("湖南信创谁联系，另外湖北大数据链的联络员是谁", ["湖南信创谁联系", "湖北大数据链的联络员是谁"]),
    ("湖南工作方案有几个附件，分别是什么？", ["湖南工作方案有几个附件，分别是什么"]),
    ("湖北汽车以及智能制造装备两条链的链长是谁", ["湖北汽车以及智能制造装备两条链的链长是谁"]),
    ("船舶链谁当链长、哪个部门牵头？", ["船舶链谁当链长", "哪个部门牵头"]),
    ("湖南产融合作白名单一共发了几批、多少家企业？", ["湖南产融合作白名单一共发了几批、多少家企业"]),
    ("湖北汽车链链长、牵头部门分别是谁", ["湖北汽车链链长、牵头部门分别是谁"]),
    ("2022年哪个市拿了第一？", ["2022年哪个市拿了第一"]),
    ("两个方案的时间跨度，分别管到哪一年？", ["两个方案的时间跨度，分别管到哪一年"]),  # 分别 goes on with it  # a numbering word that nothing follows starts no ask
])
def test_split(split, message, asks):
    assert split(message) == asks


@pytest.mark.parametrize(("message", "rest", "switched"), [
    ("不聊孝感了，湖北食品产业链牵头部门是哪个？", "湖北食品产业链牵头部门是哪个？", True),
    ("好的谢谢。换个话题，湖南方案哪天印发的", "湖南方案哪天印发的", True),
    ("湖北食品产业链牵头部门是哪个？", "湖北食品产业链牵头部门是哪个？", False),
])
def test_a_change_of_subject_drops_what_came_before(understanding, message, rest, switched):
    assert understanding.splitter.after_switch(message) == (rest, switched)


def test_two_question_words_of_one_predicate_are_one_ask(understanding):
    split = understanding.splitter.split
    assert len(split("这个方案是什么时候、由谁印发的？")) == 1
    assert len(split("湖北汽车链谁当链长、哪个部门牵头？")) == 2


@pytest.mark.parametrize("message,asks", [
    ("湖北方案每年要打造多少家隐形冠军示范企业、引导多少小微企业升规",
     ["湖北方案每年要打造多少家隐形冠军示范企业", "引导多少小微企业升规"]),  # two predicates, two asks
    ("还有别的吗？", ["还有别的吗"]),  # a leading separator that is most of a short follow-up stays
    ("另外，湖北芯片链链长是谁", ["湖北芯片链链长是谁"]),  # one before a whole ask goes
])
def test_enumerations_and_leading_separators(split, message, asks):
    assert split(message) == asks
