"""Admin routes for the knowledge maintainers: reindex, upload a document, the question log, feedback,
unanswered questions. They need `X-API-Key` equal to one of the admin keys (assistant/api/admin_auth.py:
`admin_api_key` or a named one of `admin_keys`, compared in constant time); none set → disabled (404). Every admin request spends from a per-client bucket before the key is checked,
so guessing the key is throttled. A reindex that fails says why (and what still serves) and changes
nothing that serves."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import textwrap
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Query
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.api.admin_auth import require_admin
from assistant.api.errors import scrub
from assistant.api.limits import admin_rate_limit
from assistant.api.routes_common import StateDep, StoreDep
from assistant.api.state import AppState
from assistant.errors import (
    Conflict,
    InvalidDocument,
    KnowledgeBroken,
    KnowledgeError,
    ReindexFailed,
)
from assistant.service import Service
from retrieval.documents import DocumentMeta, load_manifest
from retrieval.tables import ListSpec, TableSpec

log = logging.getLogger("chainqa.api")


router = APIRouter(prefix="/api/admin", tags=["admin"],
                   dependencies=[Depends(admin_rate_limit), Depends(require_admin)])
Limit = Query(100, ge=1, le=1000)


@router.get("/questions")
async def questions(store: StoreDep, limit: int = Limit) -> list[dict[str, Any]]:
    """The question log, newest first."""
    return await run_in_threadpool(store.questions, limit)


@router.get("/feedback")
async def feedback(store: StoreDep, limit: int = Limit) -> list[dict[str, Any]]:
    """Feedback, newest first."""
    return await run_in_threadpool(store.feedback, limit)


@router.get("/unanswered")
async def unanswered(store: StoreDep, limit: int = Limit) -> list[dict[str, Any]]:
    """Refused questions and 👎-rated answers, newest first."""
    return await run_in_threadpool(store.unanswered, limit)


@contextlib.contextmanager
def _exclusive(lock: threading.Lock) -> Iterator[None]:
    if not lock.acquire(blocking=False):
        raise Conflict("a reindex is already running")
    try:
        yield
    finally:
        lock.release()


def _still_serving(state: AppState) -> str:
    if state.service is None:
        return "no index is serving"
    return f"the previous index ({len(state.service.deps.documents)} documents) is still serving"


def _rebuilt(state: AppState, force: bool, what: str = "reindex failed") -> Service:
    """A new service over the rebuilt index, or ReindexFailed/KnowledgeBroken saying why and what serves.
    An index that fell back to the last good snapshot (knowledge/ is broken) is a failure too."""
    try:
        service = state.rebuild(force)
    except KnowledgeError as exc:
        state.stale_reason = str(exc)
        raise KnowledgeBroken(f"{what}: {scrub(str(exc), state.settings)}; {_still_serving(state)}") from None
    except Exception as exc:
        log.error("%s: %s", what, type(exc).__name__, exc_info=exc)
        raise ReindexFailed(f"{what} ({type(exc).__name__}); {_still_serving(state)}") from None
    stale = getattr(service.index, "last_error", None)
    if stale:
        if state.service is None:  # nothing served: the last good snapshot is better than nothing
            state.serve(service)
            raise KnowledgeBroken(f"{what}: {scrub(stale, state.settings)}; the last good index is serving now")
        state.stale_reason = stale
        raise KnowledgeBroken(f"{what}: {scrub(stale, state.settings)}; {_still_serving(state)}")
    return service


@router.post("/reindex", responses={409: {"description": "a reindex is running, or knowledge/ is broken"},
                                    500: {"description": "the rebuild failed; the previous index serves"}})
async def reindex(state: StateDep, force: bool = False) -> dict[str, Any]:
    """Rebuild the index (when knowledge/ changed, or always with `force`) and the service, then switch
    to them in one assignment: requests already running finish on the old service, new ones get the new."""
    with _exclusive(state.reindex_lock):
        started = time.perf_counter()
        service = await run_in_threadpool(_rebuilt, state, force)
        state.serve(service)
    seconds = round(time.perf_counter() - started, 2)
    log.info("reindexed in %.2f s", seconds)
    return {"status": "reindexed", "documents": len(service.deps.documents), "seconds": seconds}


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


class DocumentIn(BaseModel):
    """A policy document for knowledge/: its text (UTF-8 Markdown) and the manifest fields."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", description="file name and citation id, e.g. province_notice_2024")
    title: Line
    province: Line = Field(description="a configured province (knowledge/provinces.yaml); others fail the reindex")
    kind: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_one_line)]
    date: dt.date = Field(description="the date the document was issued, YYYY-MM-DD")
    text: Annotated[str, Field(min_length=1), AfterValidator(_markdown)]
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


class DocumentStored(BaseModel):
    status: str = "stored"
    id: str
    file: str
    documents: int
    seconds: float


@router.post("/documents", status_code=201, response_model=DocumentStored,
             responses={409: {"description": "the id exists already, or a reindex is running"},
                        422: {"description": "invalid fields, or the document does not index"}})
async def upload_document(body: DocumentIn, state: StateDep) -> DocumentStored:
    """Add a document to knowledge/ (its file under documents/ and its manifest entry, each replaced
    atomically), then reindex and switch to the new index in one assignment. On any failure knowledge/
    is restored and the previous index keeps serving."""
    with _exclusive(state.reindex_lock):
        started = time.perf_counter()
        service = await run_in_threadpool(_add_and_rebuild, state, body)
        state.serve(service)
    seconds = round(time.perf_counter() - started, 2)
    log.info("document %s added and reindexed in %.2f s", body.id, seconds)
    return DocumentStored(id=body.id, file=_file_of(body.id), documents=len(service.deps.documents),
                          seconds=seconds)


def _add_and_rebuild(state: AppState, body: DocumentIn) -> Service:
    stale = state.stale_reason or (state.service and getattr(state.service.index, "last_error", None))
    if stale:  # knowledge/ did not index before this upload: not the document's fault
        raise KnowledgeBroken(f"knowledge/ does not index, fix it before uploading: {scrub(stale, state.settings)}")
    undo = _add_document(state.settings.knowledge_dir, body)
    try:
        service = _rebuilt(state, False, "the document was not added, the reindex failed")
    except KnowledgeBroken as exc:  # knowledge/ with the new document does not index: its fault
        undo()
        state.stale_reason = None  # knowledge/ is as it was, and it indexed
        raise InvalidDocument(f"the document does not index: {exc}") from None
    except BaseException:
        undo()
        raise
    if body.id not in service.deps.documents:
        undo()
        raise InvalidDocument("the document does not index: it is missing from the rebuilt index")
    return service


def _file_of(doc_id: str) -> str:
    return f"documents/{doc_id}.md"


def _add_document(knowledge: Path, body: DocumentIn) -> Callable[[], None]:
    """Write the document and its manifest entry; returns the function that puts knowledge/ back."""
    manifest = knowledge / "manifest.yaml"
    path = knowledge / _file_of(body.id)
    try:
        known = load_manifest(knowledge)
    except KnowledgeError as exc:  # not the upload's fault, and nothing was written yet
        raise KnowledgeBroken(f"knowledge/manifest.yaml cannot be read, fix it before uploading: "
                              f"{str(exc).replace(str(knowledge), 'knowledge')}") from None
    if any(m.id == body.id for m in known) or path.exists():
        raise Conflict(f"a document with id '{body.id}' exists already")
    original = manifest.read_text(encoding="utf-8")
    entry = {"id": body.id, "file": _file_of(body.id), "title": body.title,
             "full_title": body.full_title or body.title, "short_title": body.short_title or body.title,
             "issuer": body.issuer or "未注明", "doc_number": body.doc_number, "date": body.date,
             "province": body.province, "kind": body.kind, "supersedes": body.supersedes,
             "valid_from": body.valid_from, "valid_to": body.valid_to, "addressees": body.addressees,
             "annexes": body.annexes, "tables": [t.model_dump() for t in body.tables],
             "lists": [x.model_dump() for x in body.lists]}
    updated = _append_entry(original, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(path, body.text if body.text.endswith("\n") else body.text + "\n")
    _write_atomically(manifest, updated)

    def undo() -> None:
        _write_atomically(manifest, original)
        path.unlink(missing_ok=True)

    return undo


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


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")  # dot files: not in the fingerprint
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
