"""Incremental builds: after a document is added, changed or removed, the next build chunks and
tokenises only what changed, and its chunks, marks and searches are those of a build from scratch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from eval.synthetic import add_document, generate
from retrieval.bm25 import Bm25
from retrieval.document_names import DocumentNames
from retrieval.index import KnowledgeIndex
from tests.conftest import KNOWLEDGE

QUERIES = ("芯片这条链谁是链长", "链长制工作机制", "问题办理", "要素保障 建设用地", "联络员")


def _searches(index: KnowledgeIndex) -> list:
    out = []
    for query in QUERIES:
        for mode in ("hybrid", "lexical"):
            for province in (None, "湖北"):
                hits = index.search(query, k=8, mode=mode, province=province)
                out.append([(h.chunk, round(h.score, 9)) for h in hits])
    return out


def _same_as_scratch(index: KnowledgeIndex, knowledge: Path, scratch: Path) -> None:
    fresh = KnowledgeIndex.open(knowledge, scratch, rebuild=True)
    assert list(index.chunks) == list(fresh.chunks)
    ours, theirs = index._current.searcher, fresh._current.searcher
    assert all(np.array_equal(ours.answer_types.holds[k], theirs.answer_types.holds[k]) for k in ("person", "unit"))
    assert list(ours.keys) == list(theirs.keys)
    assert index.gazetteer._index == fresh.gazetteer._index  # the documents' names kept, or folded anew
    assert _searches(index) == _searches(fresh)


def _manifest(knowledge: Path) -> dict:
    return yaml.safe_load((knowledge / "manifest.yaml").read_text(encoding="utf-8"))


def _indexed(index: KnowledgeIndex, doc_id: str) -> int:
    return sum(c.doc_id == doc_id and c.kind != "heading" for c in index.chunks)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    knowledge = Path(generate(KNOWLEDGE, tmp / "k", 2)["knowledge_dir"])
    return knowledge, tmp


def test_added_changed_and_removed_documents(corpus):
    knowledge, tmp = corpus
    index = KnowledgeIndex.open(knowledge, tmp / "data")
    assert index.build_stats["tokenised"] == index.build_stats["chunks"]  # the first build: everything
    added = add_document(KNOWLEDGE, knowledge, copy=2)
    index.refresh()
    assert index.build_stats["tokenised"] == _indexed(index, added) > 0 and index.build_stats["named"] == 1
    _same_as_scratch(index, knowledge, tmp / "scratch-added")

    changed = next(d for d in _manifest(knowledge)["documents"]
                   if d["id"].startswith("syn001") and not d["id"].endswith("scheme"))  # no province names it
    path = knowledge / changed["file"]
    path.write_text(path.read_text(encoding="utf-8") + "\n\n新增一段：量子联络机制每旬召开一次。\n", encoding="utf-8")
    index.refresh()
    assert index.build_stats["tokenised"] == _indexed(index, changed["id"]) and index.build_stats["named"] == 1
    assert index.search("量子联络机制", k=1, mode="lexical")[0].chunk.doc_id == changed["id"]
    _same_as_scratch(index, knowledge, tmp / "scratch-changed")

    manifest = _manifest(knowledge)
    manifest["documents"] = [d for d in manifest["documents"] if d["id"] != changed["id"]]
    (knowledge / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    index.refresh()
    assert index.build_stats["tokenised"] == index.build_stats["named"] == 0 and changed["id"] not in index.documents
    directory = index.config.data_dir / "indexes" / index.collection_name
    assert len(DocumentNames.read(directory).known) == len(index.documents)  # the removed one's names dropped
    assert "量子" not in index._current.searcher.lexical._bm25.vocab  # the words only it held are gone
    _same_as_scratch(index, knowledge, tmp / "scratch-removed")


def test_a_rebuild_reuses_nothing(corpus):
    knowledge, tmp = corpus
    index = KnowledgeIndex.open(knowledge, tmp / "rebuilt")
    index.refresh(rebuild=True)
    assert index.build_stats["tokenised"] == index.build_stats["chunks"]


def test_bm25_of_the_stored_counts_is_the_index_in_service(corpus):
    knowledge, tmp = corpus
    index = KnowledgeIndex.open(knowledge, tmp / "data")
    directory = index.config.data_dir / "indexes" / index.collection_name
    from retrieval.chunk_build import previous_table

    previous = previous_table(directory)
    assert previous is not None and previous.postings.size == len(previous.table.vector_keys)
    stored, served = Bm25.scored(previous.postings), index._current.searcher.lexical
    for query in QUERIES:
        tokens = served.tokenizer.tokens(query)
        assert np.array_equal(stored.scores(tokens), served.scores(tokens))


def test_a_build_loads_the_parts_it_holds_and_its_files_hold_the_same(corpus, monkeypatch):
    knowledge, tmp = corpus
    import retrieval.snapshot as snapshot

    def read_back(*args):
        raise AssertionError("the build's own load read its files back")

    with monkeypatch.context() as patch:
        patch.setattr(snapshot, "read_parts", read_back)
        built = KnowledgeIndex.open(knowledge, tmp / "handed-over", rebuild=True)
    loaded = KnowledgeIndex.open(knowledge, tmp / "handed-over")  # another process: from the files
    assert not loaded.stats["built"] and loaded.collection_name == built.collection_name
    assert loaded.documents == built.documents and loaded.tables == built.tables
    assert list(loaded.chunks) == list(built.chunks)
    assert _searches(loaded) == _searches(built)
