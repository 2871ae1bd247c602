"""The index's files: the fingerprint of knowledge/, and dropping snapshots with their shared vectors."""

from __future__ import annotations

import hashlib
import json

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.file_digests import FileDigests
from retrieval.index_files import COPIED, copy_knowledge, knowledge_fingerprint, vectors_of
from tests.retrieval.test_index import _append, knowledge  # noqa: F401 (a fixture)


def test_fingerprint(knowledge):  # noqa: F811
    first = knowledge_fingerprint(knowledge, "hashing")
    assert knowledge_fingerprint(knowledge, "hashing") == first
    assert knowledge_fingerprint(knowledge, "lsa") != first
    (knowledge / ".DS_Store").write_bytes(b"junk")  # hidden files do not count
    assert knowledge_fingerprint(knowledge, "hashing") == first
    _append(knowledge, "多一段。")
    second = knowledge_fingerprint(knowledge, "hashing")
    assert second != first
    (knowledge / "tables" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    assert knowledge_fingerprint(knowledge, "hashing") not in (first, second)
    with pytest.raises(KnowledgeFileError, match="not found"):
        knowledge_fingerprint(knowledge / "missing")


def test_an_incomplete_snapshot_has_no_vectors(tmp_path):
    (tmp_path / "meta.json").write_text('{"collection": "c"}', encoding="utf-8")  # keys not written
    assert vectors_of(tmp_path) == (None, set())
    (tmp_path / "vector_keys.json").write_text('["a", "b", "a"]', encoding="utf-8")
    assert vectors_of(tmp_path) == ("c", {"a", "b"})


def test_knowledge_copy_links_what_the_previous_snapshot_has_unchanged(tmp_path):
    source, previous, target = tmp_path / "k", tmp_path / "old", tmp_path / "new"
    (source / "documents").mkdir(parents=True)
    (source / "documents" / "a.md").write_text("同一段。", encoding="utf-8")
    (source / "manifest.yaml").write_text("documents: []\n", encoding="utf-8")
    copy_knowledge(source, previous, None, FileDigests())  # no previous snapshot: every file copied
    (source / "manifest.yaml").write_text("documents: [a]\n", encoding="utf-8")  # changed since
    (source / "documents" / "b.md").write_text("新的。", encoding="utf-8")  # added since
    (source / ".swp").write_text("x", encoding="utf-8")
    copy_knowledge(source, target, previous, FileDigests())
    copy = target / "knowledge"
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()) == \
        ["documents/a.md", "documents/b.md", "manifest.yaml"]
    assert (copy / "documents" / "a.md").stat().st_ino == (previous / "knowledge" / "documents" / "a.md").stat().st_ino
    assert (copy / "manifest.yaml").read_text(encoding="utf-8") == "documents: [a]\n"
    assert (copy / "manifest.yaml").stat().st_ino != (previous / "knowledge" / "manifest.yaml").stat().st_ino
    assert (copy / "documents" / "b.md").read_text(encoding="utf-8") == "新的。"
    recorded = json.loads((target / COPIED).read_text(encoding="utf-8"))
    assert recorded == {rel: hashlib.sha256((copy / rel).read_bytes()).hexdigest() for rel in recorded}
    (previous / COPIED).unlink()  # a snapshot that says nothing of its copy: nothing is linked to it
    copy_knowledge(source, tmp_path / "third", previous, FileDigests())
    assert (tmp_path / "third" / "knowledge" / "documents" / "a.md").stat().st_ino != \
        (previous / "knowledge" / "documents" / "a.md").stat().st_ino


def test_a_documents_copy_holds_the_text_indexed(tmp_path):
    source = tmp_path / "k"
    (source / "documents").mkdir(parents=True)
    (source / "documents" / "a.md").write_text("改过了。", encoding="utf-8")  # changed since it was read
    indexed = {"documents/a.md": ("读到的。", hashlib.sha256("读到的。".encode()).hexdigest())}
    digests = FileDigests()
    assert [rel for rel, _, _ in digests.files(source)] == ["documents/a.md"]  # as the fingerprint found them
    (source / "documents" / "b.md").write_text("后来的。", encoding="utf-8")  # a document written since
    indexed["documents/b.md"] = ("后来的。", hashlib.sha256("后来的。".encode()).hexdigest())
    copy_knowledge(source, tmp_path / "new", None, digests, indexed)
    copy = tmp_path / "new" / "knowledge" / "documents"
    assert [(copy / n).read_text(encoding="utf-8") for n in ("a.md", "b.md")] == ["读到的。", "后来的。"]
    assert json.loads((tmp_path / "new" / COPIED).read_text(encoding="utf-8")) == {k: v[1] for k, v in indexed.items()}
