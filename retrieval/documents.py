"""The knowledge base's documents: the manifest and the cleaned texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from retrieval import yaml_text
from retrieval.errors import KnowledgeFileError
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


def load_manifest(knowledge_dir: Path) -> list[DocumentMeta]:
    path = knowledge_dir / "manifest.yaml"
    try:
        raw = yaml_text.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read manifest: {exc}") from exc
    entries = (raw or {}).get("documents")
    if not isinstance(entries, list):
        raise KnowledgeFileError(f"{path}: expected a 'documents' list")
    metas = []
    for i, entry in enumerate(entries, start=1):
        try:
            metas.append(DocumentMeta.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise KnowledgeFileError(f"{path}: document #{i}, field '{field}': {err['msg']}") from exc
    return metas


def load_documents(knowledge_dir: Path) -> dict[str, Document]:
    """All documents by id, in manifest order. A missing or unreadable file fails with its name."""
    docs: dict[str, Document] = {}
    for meta in load_manifest(knowledge_dir):
        path = knowledge_dir / meta.file
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise KnowledgeFileError(f"{path}: cannot read document '{meta.id}': {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise KnowledgeFileError(f"{path}: document '{meta.id}' is not valid UTF-8 ({exc.reason})") from exc
        if not text.strip():
            raise KnowledgeFileError(f"{path}: document '{meta.id}' is empty")
        if meta.id in docs:
            raise KnowledgeFileError(f"{knowledge_dir / 'manifest.yaml'}: duplicate document id '{meta.id}'")
        docs[meta.id] = Document(meta=meta, text=text)
    return docs
