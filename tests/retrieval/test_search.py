"""Hybrid search over the real knowledge base: fusion, filters, expansion, the LangChain retriever."""

from __future__ import annotations

import json

import pytest
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever

from retrieval.retriever import ChainQARetriever
from retrieval.search import AnswerTypes, QueryExpander, fuse


def test_reciprocal_rank_fusion():
    lexical = [(1, 9.0), (2, 5.0), (3, 1.0)]
    vector = [(3, 0.9), (1, 0.8)]
    fused = dict(fuse([lexical, vector], [1.0, 1.0], rrf_k=10))
    assert fused[1] == pytest.approx(1 / 11 + 1 / 12)
    assert fused[3] == pytest.approx(1 / 13 + 1 / 11)
    assert [i for i, _ in fuse([lexical, vector], [1.0, 1.0], 10)] == [1, 3, 2]
    assert [i for i, _ in fuse([lexical, vector], [0.1, 1.0], 10)][0] == 3  # weights matter


@pytest.fixture(scope="module")
def expander(tables, gazetteer):
    return QueryExpander(tables, gazetteer)


@pytest.mark.parametrize(("query", "expected"), [
    ("湖北芯片产业链谁当链长", {"集成电路产业链"}),
    ("项目用地有困难", {"土地", "建设用地"}),
    ("企业融资难", {"资金", "金融", "贷款"}),
    ("招工难怎么办", {"用工", "人力资源"}),
    ("工信厅负责什么", {"省经信厅"}),
])
def test_query_expansion(expander, query, expected):
    extra = expander.expand(query)
    assert expected <= set(extra)
    assert len(extra) == len(set(extra)) and not any(w in query for w in extra)


def test_answer_types(tables):
    types = AnswerTypes(tables, ["链长 李乐成", "省自然资源厅负责用地", "培育 30 家企业", "总体要求"])
    assert types.asked("汽车产业链的链长是谁？") == ["person", "unit"]
    assert types.asked("每年培育多少家？") == ["number"]
    assert types.asked("How many projects?") == ["number"]
    assert types.holds["person"].tolist() == [True, False, False, False]
    assert types.holds["unit"].tolist() == [False, True, False, False]
    assert types.holds["number"].tolist() == [False, False, True, False]


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "vector"])
def test_modes_return_ranked_chunks(knowledge_index, mode):
    hits = knowledge_index.search("湖北链长制调度会商机制", k=4, mode=mode)
    assert 1 <= len(hits) <= 4
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.chunk.kind != "heading" for h in hits)


@pytest.mark.parametrize(("query", "answer"), [
    ("湖北芯片产业链谁当链长？", "曹广晶"),  # alias → 集成电路产业链, a table row
    ("项目拿地有困难该找哪个厅？", "建设用地保障"),  # 拿地 → 土地/用地
    ("“五图作业”是哪五张图？", "技术结构图"),
    ("湖南轨道交通装备集群联系省领导是谁？", "毛伟明"),
    ("湖北汽車產業鏈的鏈長是誰？", "李乐成"),  # Traditional characters
])
def test_hybrid_finds_the_passage(knowledge_index, query, answer):
    hits = knowledge_index.search(query, k=5)
    assert any(answer in h.chunk.text for h in hits), [h.chunk.text[:30] for h in hits]


def test_filters(knowledge_index):
    hits = knowledge_index.search("链长制工作机制", k=8, province="湖南")
    assert hits and {h.chunk.province for h in hits} == {"湖南"}
    for mode in ("lexical", "vector", "hybrid"):
        hits = knowledge_index.search("链长制", k=5, doc_id="hubei_press", mode=mode)
        assert hits and {h.chunk.doc_id for h in hits} == {"hubei_press"}
    assert knowledge_index.search("链长制", k=5, province="湖北", doc_id="hunan_plan") == []
    assert knowledge_index.search("链长制", k=5, province="广东") == []


def test_a_named_province_is_preferred(knowledge_index):
    hits = knowledge_index.search("湖南 企业融资难找哪个部门", k=3)
    assert hits[0].chunk.province == "湖南"
    hits = knowledge_index.search("湖北 企业融资", k=3)
    assert hits[0].chunk.province == "湖北"


def test_bad_input(knowledge_index):
    assert knowledge_index.search("   ", k=5) == []
    assert knowledge_index.search("链长", k=0) == []
    with pytest.raises(ValueError, match="mode"):
        knowledge_index.search("链长", mode="fuzzy")


def test_langchain_retriever(knowledge_index):
    retriever = knowledge_index.retriever(k=3, province="湖北")
    assert isinstance(retriever, BaseRetriever) and isinstance(retriever, ChainQARetriever)
    docs = retriever.invoke("问题办理机制是怎样的？")
    assert 1 <= len(docs) <= 3 and all(isinstance(d, LCDocument) for d in docs)
    for d in docs:
        m = d.metadata
        assert {"doc_id", "doc_title", "section", "start", "end"} <= m.keys()
        assert m["doc_id"] in ("hubei_scheme", "hubei_press", "hubei_cppcc")
        if m["kind"] == "text":
            assert knowledge_index.documents[m["doc_id"]].text[m["start"]:m["end"]] == d.page_content
    assert any(d.metadata["section"] == "五、工作机制 > （四）建立问题办理机制" for d in docs)


def test_repeated_searches_answer_every_time(knowledge_index):
    """How fast is `chainqa bench`'s business (a wall-clock bound here fails on a busy machine)."""
    queries = ["湖北链长制怎么帮企业解决融资？", "湖南农机产业链联系省领导是谁？", "每条链要配几个专家？",
               "What does Hunan's 1125 target stand for?"] * 25
    assert all(knowledge_index.search(q, k=5) for q in queries)


def test_retrieval_eval(knowledge_index, tmp_path):
    from eval.retrieval_eval import evaluate, is_hit, main

    dataset = tmp_path / "cases.jsonl"
    cases = [{"id": "a", "query": "湖南轨道交通装备集群联系省领导是谁？", "doc_id": "hunan_plan", "answer": "毛伟明"},
             {"id": "b", "query": "量子计算机的价格", "doc_id": "hubei_scheme", "answer": "不存在的答案"},
             {"id": "c", "query": "“五图作业”是哪五张图？", "doc_id": "hubei_press", "answer": "不在这里",
              "alt": [{"doc_id": "hubei_scheme", "answer": "技术结构图、应用领域图"}]}]
    dataset.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases), encoding="utf-8")
    hit = knowledge_index.search(cases[0]["query"], k=1)[0]
    assert is_hit(hit.chunk, cases[0]) and not is_hit(hit.chunk, cases[1])
    metrics = evaluate(knowledge_index, dataset, k=5)
    assert set(metrics) == {"hybrid", "lexical", "vector"}
    hybrid = metrics["hybrid"]
    assert hybrid.queries == 3 and hybrid.misses == ["b"] and hybrid.recall_at_k == round(2 / 3, 3)
    assert hybrid.recall_at_1 <= hybrid.mrr <= hybrid.recall_at_k

    out = tmp_path / "report.json"
    argv = ["--dataset", str(dataset), "--data-dir", str(tmp_path / "data"), "--embeddings", "hashing",
            "--default-embedding", "hashing", "--output", str(out), "--markdown", str(tmp_path / "t.md")]
    assert main([*argv, "--min-recall", "0.6"]) == 0
    assert main([*argv, "--min-recall", "0.9"]) == 1
    assert {r["mode"] for r in json.loads(out.read_text(encoding="utf-8"))} == {"hybrid", "lexical", "vector"}
    assert (tmp_path / "t.md").read_text(encoding="utf-8").startswith("| embedding | mode | recall@1 |")


def test_hybrid_degrades_to_bm25_when_the_vector_store_is_down(knowledge_index, monkeypatch, caplog):
    class Down:
        def query(self, **kwargs):
            raise ConnectionError("chroma server gone")

    searcher = knowledge_index._current.searcher
    expected = [h.chunk.id for h in knowledge_index.search("问题办理机制", k=3, mode="lexical")]
    searcher.vectors.check()
    monkeypatch.setattr(searcher.vectors, "_opened", (Down(), 0))
    assert [h.chunk.id for h in knowledge_index.search("问题办理机制", k=3)] == expected
    assert "vector search failed" in caplog.text
    with pytest.raises(ConnectionError):
        knowledge_index.search("问题办理机制", k=3, mode="vector")


def test_filtered_vector_search_paths_agree(knowledge_index, monkeypatch):
    import retrieval.search as search_module

    query = "链长制工作机制"
    paths = {"exact": {}, "overfetch": {"_EXACT_MAX": 0}, "where": {"_EXACT_MAX": 0, "_OVERFETCH_MAX": 1}}
    for kwargs in ({"province": "湖南"}, {"doc_id": "hubei_cppcc"}, {"province": "湖北", "doc_id": "hubei_press"}):
        found = {}
        for path, limits in paths.items():
            with monkeypatch.context() as m:
                for name, value in limits.items():
                    m.setattr(search_module, name, value)
                found[path] = [h.chunk.id for h in knowledge_index.search(query, k=5, mode="vector", **kwargs)]
        assert len(found["exact"]) == 5 and found["exact"] == found["overfetch"] == found["where"], kwargs
