"""The knowledge base's documents: the manifest and the cleaned texts."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from retrieval import yaml_text
from retrieval.errors import KnowledgeFileError, first_error
from retrieval.file_digests import FileDigests
from retrieval.tables import ListSpec, TableSpec


class DocumentMeta(BaseModel):
    id: str
    file: str
    title: str
    full_title: str
    short_title: str
    issuer: str
    doc_number: str | None = None
    date: dt.date
    province: str
    kind: str
    valid_from: int | None = None
    valid_to: int | None = None
    effective: str | None = None
    addressees: str | None = None
    annexes: list[str] = []
    author: str | None = None
    published: str | None = None  # the document's own publication line, verbatim (outlet, date)
    supersedes: str | None = None  # a manifest document id, or the title of an older text not in the base
    source_file: str | None = None
    tables: list[TableSpec] = Field(default_factory=list)  # division-of-labour tables the document holds
    lists: list[ListSpec] = Field(default_factory=list)  # unit: duty lists the document holds


class Document(BaseModel):
    meta: DocumentMeta
    text: str

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title


class Stored(BaseModel):
    """A document as a snapshot's documents.json holds it: the text only when the snapshot's knowledge
    copy does not (a file outside knowledge/ or in a hidden folder); `copied_as` says where it is."""

    meta: DocumentMeta
    text: str | None = None


def copied_as(meta: DocumentMeta) -> str | None:
    """The name a document's file has in knowledge/ (and in a snapshot's copy of it), when it is inside."""
    rel = os.path.normpath(meta.file)
    parts = rel.split(os.sep)
    return None if os.path.isabs(rel) or any(p.startswith(".") for p in parts) else "/".join(parts)


def manifest_items(text: str) -> list[str] | None:
    """The entries of a manifest's `documents:` block list, each as a YAML text of its own, when the
    manifest is only that (yaml_text.block_items). None otherwise (the whole file is parsed)."""
    items = yaml_text.block_items(text)
    return items["documents"] or None if items is not None and list(items) == ["documents"] else None


def _entry_key(item: str) -> str:
    return hashlib.sha256(item.encode("utf-8")).hexdigest()[:32]


def load_manifest(knowledge_dir: Path, known: dict[str, DocumentMeta] | None = None) -> list[DocumentMeta]:
    """The manifest's entries, validated. `known`: entries validated before, by the hash of their text (an
    index build keeps them in its snapshot); only entries not in it are parsed, and it is left holding
    exactly this manifest's entries."""
    path = knowledge_dir / "manifest.yaml"
    try:
        text = path.read_text(encoding="utf-8")
        items = manifest_items(text) if known is not None else None
        if items is not None:
            return _known_entries(path, items, known)
        raw = yaml_text.load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read manifest: {exc}") from exc
    entries = (raw or {}).get("documents")
    if not isinstance(entries, list):
        raise KnowledgeFileError(f"{path}: expected a 'documents' list")
    return [_validate(path, i, entry) for i, entry in enumerate(entries, start=1)]


def _known_entries(path: Path, items: list[str], known) -> list[DocumentMeta]:
    keys = [_entry_key(item) for item in items]
    metas = [known.get(k) or _validate(path, i, _one(yaml_text.load(item)))
             for i, (k, item) in enumerate(zip(keys, items, strict=True), start=1)]
    known.clear()
    known.update(zip(keys, metas, strict=True))
    return metas


def _one(parsed) -> object:
    if not isinstance(parsed, list) or len(parsed) != 1:
        raise yaml.YAMLError("a manifest entry is not one list item")
    return parsed[0]


def _validate(path: Path, i: int, entry) -> DocumentMeta:
    try:
        return DocumentMeta.model_validate(entry)
    except ValidationError as exc:
        field, message = first_error(exc)
        raise KnowledgeFileError(f"{path}: document #{i}, field '{field}': {message}") from exc


def load_documents(knowledge_dir: Path, known: dict[str, DocumentMeta] | None = None) -> dict[str, Document]:
    """All documents by id, in manifest order. A missing or unreadable file fails with its name.
    `known`: manifest entries validated before (load_manifest)."""
    return read_documents(knowledge_dir, known)[0]


def read_documents(knowledge_dir: Path, known: dict[str, DocumentMeta] | None = None,
                   digests: FileDigests | None = None) -> tuple[dict[str, Document], dict[str, str]]:
    """load_documents, and with `digests` the sha256 of each document's text as read (by id)."""
    docs: dict[str, Document] = {}
    read: dict[str, str] = {}
    root = os.fspath(knowledge_dir)
    for meta in load_manifest(knowledge_dir, known):
        path = os.path.join(root, meta.file)  # a string: a Path costs more than reading the file
        try:
            data, digest = digests.read(path) if digests is not None else (Path(path).read_bytes(), None)
            text = data.decode("utf-8")
        except OSError as exc:
            raise KnowledgeFileError(f"{path}: cannot read document '{meta.id}': {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise KnowledgeFileError(f"{path}: document '{meta.id}' is not valid UTF-8 ({exc.reason})") from exc
        if not text.strip():
            raise KnowledgeFileError(f"{path}: document '{meta.id}' is empty")
        if meta.id in docs:
            raise KnowledgeFileError(f"{knowledge_dir / 'manifest.yaml'}: duplicate document id '{meta.id}'")
        docs[meta.id] = Document(meta=meta, text=text)
        if digest is not None:
            read[meta.id] = digest
    return docs, read


def as_files(docs: dict[str, Document], digests: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The texts of the documents (with their digests, read_documents) by their names in knowledge/."""
    return {file: (d.text, digests[d.id]) for d in docs.values()
            if d.id in digests and (file := copied_as(d.meta)) is not None}
