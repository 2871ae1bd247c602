"""The knowledge index: fingerprint, rebuild, atomic switch, broken knowledge keeps the old index."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.index import KnowledgeIndex
from retrieval.vectors import VectorStore

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
NEW_WORDS = "测试专用段落：量子纠缠联络机制每旬召开一次。"


@pytest.fixture
def knowledge(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def _append(knowledge: Path, text: str, doc: str = "hubei_scheme.md") -> None:
    path = knowledge / "documents" / doc
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{text}\n", encoding="utf-8")


def _state(index: KnowledgeIndex) -> tuple:
    data = index.config.data_dir
    return (sorted(index.store.names()), sorted(p.name for p in (data / "indexes").iterdir()),
            index._pointer.read_text(encoding="utf-8"), sorted(_stored_keys(index)))


def _stored_keys(index: KnowledgeIndex) -> list[str]:
    return index.store.get(index.vector_collection, None).get(include=[])["ids"]


def _keys(index: KnowledgeIndex, name: str) -> set[str]:
    return set(json.loads((index.config.data_dir / "indexes" / name / "vector_keys.json").read_text(encoding="utf-8")))


def test_open_reuses_then_rebuilds_aside_and_keeps_the_previous(knowledge, tmp_path):
    data = tmp_path / "data"
    first = KnowledgeIndex.open(knowledge, data)
    assert first.stats["built"] and first.stats["documents"] == 5 and first.stats["chunks"] == len(first.chunks)
    again = KnowledgeIndex.open(knowledge, data)
    assert not again.stats["built"] and again.collection_name == first.collection_name

    _append(knowledge, NEW_WORDS)
    second = KnowledgeIndex.open(knowledge, data)
    assert second.stats["built"] and second.fingerprint != first.fingerprint
    assert "量子纠缠联络机制" in second.search("量子纠缠联络机制多久召开", k=1)[0].chunk.text
    assert first.search("量子纠缠联络机制多久召开", k=3)  # the old instance still serves its snapshot
    assert not any("量子纠缠" in h.chunk.text for h in first.search("量子纠缠联络机制", k=3))
    assert not any("量子纠缠" in h.chunk.text for h in first.search("量子纠缠联络机制", k=3, mode="vector"))
    # loaded before the second build added its texts, the first goes deeper past them: all its chunks
    old = first._current.searcher
    nearest = old._nearest(old.embed_query(NEW_WORDS), len(old.chunks))
    assert old.extra == 0 and sorted(p for p, _ in nearest) == list(range(len(old.chunks)))
    # one collection holds the vectors of both snapshots; the second build added only the new texts
    assert second.store.names() == [first.vector_collection] == [second.vector_collection]
    assert 0 < second.build_stats["added"] < 5 and second.build_stats["chunks"] > 100
    both = _keys(second, first.collection_name) | _keys(second, second.collection_name)
    assert sorted(_stored_keys(second)) == sorted(both)

    second_name = second.collection_name
    third_stats = second.refresh(rebuild=True)
    assert third_stats["built"] and third_stats["fingerprint"] == second.fingerprint
    names, dirs, pointer, stored = _state(second)
    assert dirs == sorted([second_name, third_stats["collection"]])  # the first one is gone
    assert json.loads(pointer)["name"] == third_stats["collection"]
    assert stored == sorted(_keys(second, second_name))  # and its texts' vectors with it
    # the first instance lost its collection: it reloads what is in service instead of failing
    hits = first.search("量子纠缠联络机制多久召开", k=1)
    assert first.collection_name == third_stats["collection"] and "量子纠缠" in hits[0].chunk.text


def test_search_during_a_rebuild_succeeds(knowledge_index):
    errors, counts, stop = [], [], threading.Event()

    def searcher():
        while not stop.is_set():
            try:
                counts.append(len(knowledge_index.search("湖北链长制问题办理机制", k=3)))
            except Exception as exc:  # noqa: BLE001 (collected and asserted below)
                errors.append(repr(exc))

    thread = threading.Thread(target=searcher)
    thread.start()
    before = knowledge_index.collection_name
    try:
        for _ in range(2):
            knowledge_index.refresh(rebuild=True)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(counts) > 20 and set(counts) == {3}
    assert knowledge_index.collection_name != before


@pytest.mark.parametrize(("corrupt", "message"), [
    (lambda k: (k / "documents" / "hubei_press.md").write_bytes(b"# t\n\n\xff\xfe broken"), r"hubei_press\.md.*UTF-8"),
    (lambda k: _append(k, "| a | b |\n| --- | --- |\n| 1 | 2 | 3 |", "hunan_plan.md"), r"hunan_plan\.md:\d+: table row"),
    (lambda k: (k / "documents" / "hunan_article.md").unlink(), r"hunan_article\.md: cannot read"),
    (lambda k: (k / "manifest.yaml").write_text("documents: [", encoding="utf-8"), r"manifest\.yaml"),
])
def test_broken_knowledge_fails_ingestion_and_keeps_the_old_index(knowledge, tmp_path, corrupt, message):
    data = tmp_path / "data"
    index = KnowledgeIndex.open(knowledge, data)
    before = _state(index)
    corrupt(knowledge)
    with pytest.raises(KnowledgeFileError, match=message):
        KnowledgeIndex.ingest(knowledge, data)
    with pytest.raises(KnowledgeFileError, match=message):
        index.refresh()
    assert _state(index) == before  # nothing half-built left, the pointer did not move
    assert index.search("问题办理机制", k=2)
    served = KnowledgeIndex.open(knowledge, data)  # a restart serves the previous index and says why
    assert served.collection_name == index.collection_name and re.search(message, served.last_error)


def test_a_failed_build_leaves_nothing_behind(knowledge, tmp_path, monkeypatch):
    index = KnowledgeIndex.open(knowledge, tmp_path / "data")
    before = _state(index)
    original = VectorStore.fill

    def fill_then_fail(self, name, *args, **kwargs):
        original(self, name, *args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(VectorStore, "fill", fill_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        index.refresh(rebuild=True)
    assert _state(index) == before
    assert index.search("问题办理机制", k=1)


def test_vectors_a_failed_build_added_go_at_the_next_switch(knowledge, tmp_path, monkeypatch):
    index = KnowledgeIndex.open(knowledge, tmp_path / "data")
    original = VectorStore.fill
    with monkeypatch.context() as patch:
        patch.setattr(VectorStore, "fill", lambda *a, **k: (original(*a, **k), _fail())[0])
        shutil.copy2(knowledge / "documents" / "hubei_scheme.md", tmp_path / "scheme.md")
        _append(knowledge, "测试专用段落：失败构建留下的文字。")
        with pytest.raises(RuntimeError, match="disk full"):
            index.refresh()
    orphans = set(_stored_keys(index)) - _keys(index, index.collection_name)
    assert orphans  # the failed build's new text is in the shared collection, no snapshot has it
    shutil.copy2(tmp_path / "scheme.md", knowledge / "documents" / "hubei_scheme.md")
    _append(knowledge, NEW_WORDS)
    previous = index.collection_name
    assert index.refresh()["built"]
    assert not orphans & set(_stored_keys(index))
    assert sorted(_stored_keys(index)) == sorted(_keys(index, previous) | _keys(index, index.collection_name))


def _fail():
    raise RuntimeError("disk full")


def test_lsa_and_hashing_indexes_live_side_by_side(tmp_path):
    data = tmp_path / "data"
    hashing = KnowledgeIndex.open(KNOWLEDGE, data)
    lsa = KnowledgeIndex.open(KNOWLEDGE, data, embedding="lsa")
    assert (data / "indexes" / lsa.collection_name / "lsa.npz").is_file()
    assert lsa.fingerprint != hashing.fingerprint
    assert lsa.search("湖南农机产业链联系省领导是谁？", k=3, mode="vector")
    assert not KnowledgeIndex.open(KNOWLEDGE, data, embedding="lsa").stats["built"]
    assert not KnowledgeIndex.open(KNOWLEDGE, data).stats["built"]
    assert lsa.vector_collection == lsa.collection_name  # one collection per LSA fit, the hashing one shared
    assert set(hashing.store.names()) == {hashing.vector_collection, lsa.collection_name}


def test_documents_chunks_and_sections(knowledge_index):
    assert set(knowledge_index.documents) == {"hubei_scheme", "hubei_press", "hunan_plan", "hunan_article",
                                              "hubei_cppcc"}
    assert any(c.kind == "table_row" for c in knowledge_index.chunks)
    text = knowledge_index.documents["hubei_scheme"].text
    offset = text.index("建立问题收集、意见分办")
    assert knowledge_index.section_at("hubei_scheme", offset) == "五、工作机制 > （四）建立问题办理机制"
    assert len(knowledge_index.fingerprint) == 64
