"""The index's files: the fingerprint of knowledge/, and dropping snapshots with their shared vectors."""

from __future__ import annotations

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.index_files import knowledge_fingerprint, vectors_of
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
