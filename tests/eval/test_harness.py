"""The eval's pass rule (CONTRACT.md): the fact must stand in the answer's own words."""

from assistant.answer import Answer
from eval.harness import Case, check, own_words


def _case(**kw) -> Case:
    return Case(id="x", category="c", question="q", **kw)


def test_fact_only_inside_a_quote_fails():
    answer = Answer(answer="根据原文：\n\n> 李乐成 省委常委、常务副省长 汽车产业链\n>\n> —— 《方案》")
    assert check(_case(must_include=[["李乐成"]]), answer) == ["missing one of ['李乐成']"]


def test_fact_in_own_words_passes_and_emphasis_is_ignored():
    answer = Answer(answer="湖北汽车产业链的链长是**李乐成**（常务副省长）。\n\n> 李乐成 …")
    assert check(_case(must_include=[["李乐成"], ["常务 副省长"]]), answer) == []


def test_must_not_include_also_checks_the_quotes():
    answer = Answer(answer="链长是李乐成。\n\n> 曹广晶 副省长")
    assert check(_case(must_include=[["李乐成"]], must_not_include=["曹广晶"]), answer) == ["contains '曹广晶'"]


def test_refusal_cases():
    assert check(_case(expect_refusal=True), Answer(answer="无法回答", refused=True)) == []
    assert check(_case(expect_refusal=True), Answer(answer="答")) == ["expected a refusal"]


def test_own_words_drops_only_blockquote_lines():
    assert own_words("a\n> b\n  > c\nd") == "a\nd"
