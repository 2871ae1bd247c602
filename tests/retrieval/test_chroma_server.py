"""Server mode: a real `chroma run` on a loopback port, reached through HttpClient."""

from __future__ import annotations

import json
from pathlib import Path

import chromadb
import pytest

from retrieval.index import KnowledgeIndex
from tests.chroma import CHROMA, free_port, running_chroma

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    if not CHROMA.exists():
        pytest.fail(f"{CHROMA} is missing: the chromadb package installs it")
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as (url, _proc):
        yield url


def test_ingest_and_search_through_the_server(chroma_url, tmp_path):
    data = tmp_path / "data"
    index = KnowledgeIndex.open(KNOWLEDGE, data, chroma_url=chroma_url)
    assert index.stats["built"] and index.stats["store"].startswith("server-127_0_0_1_")
    assert not (data / "chroma").exists()  # nothing embedded: the vectors live in the server

    port = int(chroma_url.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    assert index.vector_collection in [c.name for c in client.list_collections()]
    keys = json.loads((data / "indexes" / index.collection_name / "vector_keys.json").read_text(encoding="utf-8"))
    assert len(keys) == sum(c.kind != "heading" for c in index.chunks)
    assert client.get_collection(index.vector_collection, embedding_function=None).count() == len(set(keys))

    hits = index.search("湖南轨道交通装备集群联系省领导是谁？", k=5, mode="vector")
    assert hits and all(h.chunk.doc_id for h in hits)
    assert any("毛伟明" in h.chunk.text for h in index.search("湖南轨道交通装备集群联系省领导是谁？", k=5))
    assert {h.chunk.province for h in index.search("链长制", k=5, province="湖北", mode="vector")} == {"湖北"}

    again = KnowledgeIndex.open(KNOWLEDGE, data, chroma_url=chroma_url)
    assert not again.stats["built"] and again.collection_name == index.collection_name
    stats = again.refresh(rebuild=True)
    assert stats["built"] and index.search("问题办理机制", k=2)  # the previous snapshot still serves
    assert again.build_stats["added"] == 0  # the same texts: their vectors are in the server already
    other = KnowledgeIndex.open(KNOWLEDGE, tmp_path / "other", chroma_url=chroma_url)
    assert other.vector_collection != index.vector_collection  # another data_dir prunes its own


def test_unreachable_server(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConnectionError, match="unreachable"):
        KnowledgeIndex.open(KNOWLEDGE, tmp_path / "data", chroma_url=url)
    index = KnowledgeIndex.open(KNOWLEDGE, tmp_path / "data", chroma_url=url, fallback_embedded=True)
    assert index.stats["store"] == "embedded" and index.search("问题办理机制", k=1)
