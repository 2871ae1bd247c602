"""The documents' names kept for the gazetteer by their content: a gazetteer made from kept names is the
one folded from scratch; a changed document (or its aliases) has its names folded anew, and a document
gone is dropped from what a snapshot keeps."""

from __future__ import annotations

from retrieval.chunk_table import doc_key
from retrieval.document_names import DocumentNames, headings
from retrieval.documents import Document
from retrieval.gazetteer import Gazetteer


def _contents(documents: dict[str, Document]) -> dict[str, str]:
    return {k: doc_key(d) for k, d in documents.items()}


def _texts(documents: dict[str, Document]) -> dict[str, str]:
    return {k: d.text for k, d in documents.items()}


def test_a_gazetteer_of_kept_names_is_the_one_folded_from_scratch(tables, documents, tmp_path):
    folded = DocumentNames()
    first = Gazetteer(tables, _texts(documents), names=folded, contents=_contents(documents))
    assert folded.computed == len(documents)
    folded.save(tmp_path)
    kept = DocumentNames.read(tmp_path)
    again = Gazetteer(tables, _texts(documents), names=kept, contents=_contents(documents))
    scratch = Gazetteer(tables, _texts(documents))
    assert kept.computed == 0
    assert again._index == first._index == scratch._index and again._sizes == scratch._sizes
    assert again.scan("链长制工作机制") == scratch.scan("链长制工作机制")


def test_a_changed_document_or_alias_is_folded_anew(tables, documents):
    names = DocumentNames()
    Gazetteer(tables, _texts(documents), names=names, contents=_contents(documents))
    changed = dict(documents)
    doc = changed["hunan_plan"]
    changed["hunan_plan"] = Document(meta=doc.meta, text=doc.text + "\n\n## 八、量子联络机制\n\n每旬召开一次。\n")
    names.computed = 0
    gazetteer = Gazetteer(tables, _texts(changed), names=names, contents=_contents(changed))
    assert names.computed == 1 and "量子联络机制" in headings(changed["hunan_plan"].text)
    assert any(m.key == "hunan_plan:量子联络机制" for m in gazetteer.scan("量子联络机制"))
    aliased = tables.model_copy(update={"document_aliases": {**tables.document_aliases, "hubei_press": ["发布会实录"]}})
    names.computed = 0
    gazetteer = Gazetteer(aliased, _texts(changed), names=names, contents=_contents(changed))
    assert names.computed == 1 and any(m.key == "hubei_press" for m in gazetteer.scan("发布会实录"))


def test_a_snapshot_keeps_the_names_of_its_documents_only(tables, documents, tmp_path):
    names = DocumentNames()
    Gazetteer(tables, _texts(documents), names=names, contents=_contents(documents))
    fewer = tables.model_copy(update={"documents": [d for d in tables.documents if d.id != "hubei_cppcc"]})
    again = DocumentNames(names.known)
    Gazetteer(fewer, _texts(documents), names=again, contents=_contents(documents))
    again.save(tmp_path)
    assert len(DocumentNames.read(tmp_path).known) == len(documents) - 1
    saved = (tmp_path / "document_names.json").read_text(encoding="utf-8")
    for other in (saved[:-10], saved.replace('"section"', '"person"', 1), '{"k": [["a", "section", "x", null]]}'):
        (tmp_path / "document_names.json").write_text(other, encoding="utf-8")  # not as saved: none taken
        assert DocumentNames.read(tmp_path).known == {}
