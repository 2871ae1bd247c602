"""The manifest parsed entry by entry (entries validated before are reused) equals the manifest parsed
whole; a manifest the split cannot stand for is parsed whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eval.synthetic import generate
from retrieval.documents import load_manifest, manifest_items
from retrieval.errors import KnowledgeFileError
from tests.conftest import KNOWLEDGE


@pytest.mark.parametrize("factor", [1, 3])  # knowledge/ (items indented) and a generated one (not)
def test_entry_by_entry_equals_whole(tmp_path, factor):
    knowledge = KNOWLEDGE if factor == 1 else Path(generate(KNOWLEDGE, tmp_path / "k", factor)["knowledge_dir"])
    assert manifest_items((knowledge / "manifest.yaml").read_text(encoding="utf-8")) is not None
    whole = load_manifest(knowledge)
    known: dict = {}
    assert load_manifest(knowledge, known) == whole and len(known) == len(whole)
    again = dict(known)
    assert load_manifest(knowledge, known) == whole and known == again  # all reused


def test_a_changed_entry_is_parsed_again_and_gone_ones_forgotten(tmp_path):
    knowledge = tmp_path / "k"
    shutil.copytree(KNOWLEDGE, knowledge)
    known: dict = {}
    first = load_manifest(knowledge, known)
    path = knowledge / "manifest.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(first[0].title, "改过的标题", 1), encoding="utf-8")
    changed = load_manifest(knowledge, known)
    assert changed[0].title == "改过的标题" and changed[1:] == first[1:] and len(known) == len(first)
    assert changed == load_manifest(knowledge)


@pytest.mark.parametrize("text", [
    "documents: [{id: a}]\n",  # a flow list
    "documents:\n  - &a {id: a}\n  - *a\n",  # an anchor and its alias
    "other: 1\ndocuments:\n  - id: a\n",  # another key first
    "documents:\n  - id: a\nother: 1\n",  # another key after
    "documents:\n",
])
def test_what_the_split_cannot_stand_for_is_parsed_whole(text):
    assert manifest_items(text) is None


def test_errors_name_the_entry(tmp_path):
    knowledge = tmp_path / "k"
    knowledge.mkdir()
    (knowledge / "manifest.yaml").write_text("documents:\n  - id: a\n    file: a.md\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="document #1, field 'title'"):
        load_manifest(knowledge, {})


def test_a_snapshot_keeps_a_documents_text_in_its_copy_unless_the_file_is_outside(tmp_path, documents):
    from retrieval.documents import Document, copied_as
    from retrieval.snapshot import read_stored, stored_documents

    inside = next(iter(documents.values()))
    outside = Document(meta=inside.meta.model_copy(update={"id": "outside", "file": "../elsewhere.md"}), text="别处。")
    assert copied_as(inside.meta) == inside.meta.file
    assert [copied_as(outside.meta.model_copy(update={"file": f})) for f in ("./documents/a.md", "/x.md", ".drafts/a.md")] \
        == ["documents/a.md", None, None]
    docs = {inside.id: inside, "outside": outside}
    (tmp_path / "documents.json").write_bytes(stored_documents(docs))
    assert inside.text not in (tmp_path / "documents.json").read_text(encoding="utf-8")
    (tmp_path / "knowledge" / inside.meta.file).parent.mkdir(parents=True)
    (tmp_path / "knowledge" / inside.meta.file).write_text(inside.text, encoding="utf-8")
    assert read_stored(tmp_path) == docs
