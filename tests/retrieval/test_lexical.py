"""BM25 over jieba tokens with the registry's names in a private jieba dictionary."""

from __future__ import annotations

import jieba
import numpy as np
import pytest

from retrieval.lexical import LexicalIndex, Tokenizer, registry_words


@pytest.fixture(scope="module")
def tokenizer(tables):
    return Tokenizer(registry_words(tables))


def test_registry_words_cover_names_aliases_departments_and_terms(tables):
    words = set(registry_words(tables))
    assert {"集成电路产业链", "芯片", "李乐成", "曹广晶", "省经信厅", "省工业和信息化厅", "五图作业",
            "要素保障行动", "建设用地"} <= words
    assert all(len(w) >= 2 and " " not in w for w in words)


def test_names_stay_whole(tokenizer):
    assert {"芯片", "集成电路产业链", "曹广晶"} <= set(tokenizer.tokens("湖北芯片和集成电路产业链的链长曹广晶"))
    assert {"经信厅", "联络员"} <= set(tokenizer.tokens("省经信厅联络员"))
    assert "宁咏" in tokenizer.tokens("宁 咏副省长")  # folded: the gap inside a name is gone


def test_folding_stopwords_and_punctuation(tokenizer):
    assert tokenizer.tokens("湖北汽車產業鏈的鏈長是誰？") == tokenizer.tokens("湖北汽车产业链的链长是谁?")
    tokens = tokenizer.tokens("哪个部门负责什么？")
    assert "哪个" not in tokens and "什么" not in tokens and "？" not in tokens and "部门" in tokens


def test_english_words_are_not_cut_around_aliases(tokenizer):
    # "ai" is an alias (人工智能); jieba alone would cut "chain" into ch/ai/n
    assert tokenizer.tokens("the chain leader of AI") == ["chain", "leader", "ai"]
    assert "5g" in tokenizer.tokens("湖南5G应用")


def test_private_tokenizer(tokenizer):
    assert tokenizer._jieba is not jieba.dt
    assert "曹广晶" not in jieba.dt.FREQ  # the global dictionary did not learn our words


TEXTS = ["湖北 汽车产业链 链长 李乐成 牵头部门 省发改委", "湖南 工程机械 联系省领导 许达哲",
         "企业融资难 金融机构 贷款 融资渠道", "建设用地 保障 省自然资源厅", "湖北 集成电路产业链 链长 曹广晶"]


@pytest.fixture(scope="module")
def lexical(tokenizer):
    return LexicalIndex.build(TEXTS, tokenizer)


def test_bm25_ranks_and_filters(lexical, tokenizer):
    scores = lexical.scores(tokenizer.tokens("集成电路产业链链长是谁"))
    top = lexical.top(scores, 3)
    assert top[0][0] == 4 and top[0][1] > top[1][1] > 0
    mask = np.array([True, True, True, True, False])
    assert 4 not in [i for i, _ in lexical.top(scores, 3, mask)]
    assert all(s > 0 for _, s in lexical.top(scores, 5))  # zero scores are not results


def test_unknown_or_empty_query(lexical, tokenizer):
    assert lexical.top(lexical.scores(tokenizer.tokens("量子纠缠")), 3) == []
    assert lexical.scores([]).shape == (len(TEXTS),)


def test_save_and_load(lexical, tokenizer, tmp_path):
    lexical.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    query = tokenizer.tokens("建设用地保障")
    assert np.allclose(loaded.scores(query), lexical.scores(query))
    assert loaded.tokenizer.words == tokenizer.words
