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
