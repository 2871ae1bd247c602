"""Adding a document to knowledge/ from outside, shared by the admin API (`POST /api/admin/documents`) and
the CLI (`chainqa document add`): the fields a document needs (`DocumentIn`), the checks made before
anything is written (a configured province, the declared tables and lists found in the text), the atomic
write of its file and manifest entry, and the reindex that takes both back when it fails. The callers map
the errors: InvalidDocument (does not fit or does not index), Conflict (the id exists), KnowledgeBroken
(knowledge/ was broken before), anything else (the reindex failed)."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, Field

from assistant.errors import Conflict, InvalidDocument, KnowledgeBroken, KnowledgeError
from retrieval.documents import DocumentMeta, load_manifest
from retrieval.registry import configured_provinces
from retrieval.tables import ListSpec, TableSpec, read_list, read_table

T = TypeVar("T")


def _one_line(value: str) -> str:
    value = value.strip()
    if not value or any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in value):
        raise ValueError("must be one line of printable text")
    return value


def _markdown(value: str) -> str:
    """UTF-8 Markdown: no control characters but newlines and tabs, no lone surrogates, not blank."""
    if not value.strip():
        raise ValueError("must not be empty")
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r\t" for ch in value):
        raise ValueError("must be UTF-8 text without control characters")
    return value.replace("\r\n", "\n")


Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_one_line)]


class DocumentFields(BaseModel):
    """A document's manifest fields: what the CLI's `--meta` file holds (DocumentIn without `text`)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", description="file name and citation id, e.g. province_notice_2024")
    title: Line
    province: Line = Field(description="a configured province (knowledge/provinces.yaml)")
    kind: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_one_line)]
    date: dt.date = Field(description="the date the document was issued, YYYY-MM-DD")
    full_title: Line | None = None
    short_title: Line | None = None
    issuer: Line | None = None
    doc_number: Line | None = None
    valid_from: int | None = Field(default=None, ge=1949, le=2100)
    valid_to: int | None = Field(default=None, ge=1949, le=2100)
    supersedes: Line | None = Field(default=None, description="the id of an older document it replaces")
    addressees: Line | None = None
    annexes: list[Line] = Field(default_factory=list, max_length=20)
    tables: list[TableSpec] = Field(default_factory=list, max_length=10,
                                    description="division-of-labour tables the document holds (see manifest.yaml)")
    lists: list[ListSpec] = Field(default_factory=list, max_length=10)


class DocumentIn(DocumentFields):
    """A policy document for knowledge/: its text (UTF-8 Markdown or plain text) and the manifest fields."""

    text: Annotated[str, Field(min_length=1), AfterValidator(_markdown)]


def _named(exc: Exception, knowledge: Path) -> str:
    """The error's message with the knowledge directory's path shown as `knowledge`."""
    return str(exc).replace(str(knowledge), "knowledge")


def file_of(doc_id: str) -> str:
    return f"documents/{doc_id}.md"


def check_document(knowledge: Path, doc: DocumentIn, known: list[DocumentMeta]) -> None:
    """What the reindex would reject, said before anything is written: an id or table id taken, a province
    that is not configured, a declared table or list that is not in the text as declared."""
    if any(m.id == doc.id for m in known) or (knowledge / file_of(doc.id)).exists():
        raise Conflict(f"a document with id '{doc.id}' exists already")
    provinces = configured_provinces(knowledge)
    if not provinces:
        raise KnowledgeBroken("knowledge/provinces.yaml configures no province, fix it before uploading")
    if doc.province not in provinces:
        raise InvalidDocument(f"province '{doc.province}' is not configured in provinces.yaml "
                              f"({'、'.join(provinces)})")
    taken = {spec_id: m.id for m in known for spec_id in _spec_ids(m.tables, m.lists)}
    for spec_id in _spec_ids(doc.tables, doc.lists):
        if spec_id in taken:
            raise InvalidDocument(f"table or list id '{spec_id}' is declared by document '{taken[spec_id]}' already")
    where = file_of(doc.id)
    try:
        for table in doc.tables:
            read_table(doc.text, table, where)
        for listing in doc.lists:
            read_list(doc.text, listing, where)
    except KnowledgeError as exc:
        raise InvalidDocument(f"the document does not match its manifest entry: {exc}") from None


def _spec_ids(tables: list[TableSpec], lists: list[ListSpec]) -> list[str]:
    return [t.id for t in tables] + [x.id for x in lists]


def _entry(doc: DocumentIn) -> dict:
    return {"id": doc.id, "file": file_of(doc.id), "title": doc.title,
            "full_title": doc.full_title or doc.title, "short_title": doc.short_title or doc.title,
            "issuer": doc.issuer or "未注明", "doc_number": doc.doc_number, "date": doc.date,
            "province": doc.province, "kind": doc.kind, "supersedes": doc.supersedes,
            "valid_from": doc.valid_from, "valid_to": doc.valid_to, "addressees": doc.addressees,
            "annexes": doc.annexes, "tables": [t.model_dump() for t in doc.tables],
            "lists": [x.model_dump() for x in doc.lists]}


def add_document(knowledge: Path, doc: DocumentIn) -> Callable[[], None]:
    """Check the document, then write it and its manifest entry; returns the function that puts knowledge/
    back. Raises (having written nothing) KnowledgeBroken, Conflict or InvalidDocument."""
    manifest = knowledge / "manifest.yaml"
    path = knowledge / file_of(doc.id)
    try:
        known = load_manifest(knowledge)
    except KnowledgeError as exc:  # not the document's fault, and nothing was written yet
        raise KnowledgeBroken(f"knowledge/manifest.yaml cannot be read, fix it before uploading: "
                              f"{_named(exc, knowledge)}") from None
    check_document(knowledge, doc, known)
    original = manifest.read_text(encoding="utf-8")
    updated = _append_entry(original, _entry(doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, doc.text if doc.text.endswith("\n") else doc.text + "\n")
    write_atomically(manifest, updated)

    def undo() -> None:
        write_atomically(manifest, original)
        path.unlink(missing_ok=True)

    return undo


def add_and_reindex(knowledge: Path, doc: DocumentIn, reindex: Callable[[], T],
                    indexed: Callable[[T], bool] = lambda _: True) -> T:
    """Add the document, then `reindex` (which must raise KnowledgeBroken or KnowledgeError when knowledge/
    does not index); on any failure, or when `indexed` says the result lacks the document, knowledge/ is put
    back as it was. Returns what `reindex` returned."""
    undo = add_document(knowledge, doc)
    try:
        result = reindex()
    except (KnowledgeBroken, KnowledgeError) as exc:  # knowledge/ with the new document does not index: its fault
        undo()
        raise InvalidDocument(f"the document does not index: {_named(exc, knowledge)}") from None
    except BaseException:
        undo()
        raise
    if not indexed(result):
        undo()
        raise InvalidDocument("the document does not index: it is missing from the rebuilt index")
    return result


def _append_entry(original: str, entry: dict) -> str:
    """The manifest with `entry` appended as text (its comments kept), checked by parsing it back."""
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=10_000)
    updated = original.rstrip("\n") + "\n" + textwrap.indent(block, "  ")
    expected = {**(yaml.safe_load(original) or {})}
    expected["documents"] = [*expected.get("documents", []), entry]
    if yaml.safe_load(updated) != expected:  # the list is not the last key: rewrite the whole file
        updated = yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=10_000)
    DocumentMeta.model_validate(entry)
    return updated


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")  # dot files: not in the fingerprint
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
