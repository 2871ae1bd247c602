"""Incremental re-indexing: after one document is added, the next build tokenises and embeds only that
document's chunks (counted by a counting embedding, not mocked), and searches exactly as a build from
scratch does."""

from __future__ import annotations

from pathlib import Path

from eval.synthetic import add_document, generate
from retrieval.index import IndexConfig, KnowledgeIndex
from retrieval.vectors import VectorStore
from tests.conftest import KNOWLEDGE
from tests.fakes.embeddings import CountingEmbedding


def _index(knowledge: Path, data: Path, embedding: CountingEmbedding) -> KnowledgeIndex:
    config = IndexConfig(knowledge, data, embedding="hashing")
    config._shared["embedding"] = embedding  # the one embedding an index keeps for its lifetime
    index = KnowledgeIndex(config, VectorStore(data))
    index.refresh()
    return index


def test_adding_a_document_embeds_and_tokenises_only_its_chunks(tmp_path):
    knowledge = Path(generate(KNOWLEDGE, tmp_path / "k", 2)["knowledge_dir"])
    counting = CountingEmbedding()
    index = _index(knowledge, tmp_path / "data", counting)
    before = len([c for c in index.chunks if c.kind != "heading"])
    assert counting.texts == before and index.build_stats["tokenised"] == before
    new_id = add_document(KNOWLEDGE, knowledge, copy=2)
    counting.texts = 0
    index.refresh()
    added = [c for c in index.chunks if c.kind != "heading" and c.doc_id == new_id]
    assert added and counting.texts == len(added) == index.build_stats["embedded"]
    assert index.build_stats["tokenised"] == len(added)
    scratch = _index(knowledge, tmp_path / "scratch", CountingEmbedding())
    for query in ("芯片这条链谁是链长", "链长制工作机制", "问题办理"):
        assert [(h.chunk.id, round(h.score, 6)) for h in index.search(query, k=8)] == \
            [(h.chunk.id, round(h.score, 6)) for h in scratch.search(query, k=8)]
