"""Admin routes for the knowledge maintainers: reindex, upload a document, the question log, feedback,
unanswered questions. They need `X-API-Key` equal to the `admin_api_key` setting (constant-time compare);
unset → disabled (404)."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import textwrap
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import APIKeyHeader
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.api.routes_common import get_settings, get_store
from assistant.errors import NotFound, Unauthorized
from assistant.tools import Province
from retrieval.documents import DocumentMeta, load_manifest

log = logging.getLogger("chainqa.api")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the admin_api_key setting")


def require_admin(request: Request, key: str | None = Depends(_key_header)) -> None:
    expected = get_settings(request).admin_api_key
    if not expected:
        raise NotFound("admin routes are disabled (no admin API key is configured)")
    given = (key or "").encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(given, expected.encode("utf-8")):
        raise Unauthorized("a valid X-API-Key header is required")


router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_admin)])
Limit = Query(100, ge=1, le=1000)


@router.get("/questions")
async def questions(limit: int = Limit, store=Depends(get_store)) -> list[dict[str, Any]]:
    """The question log, newest first."""
    return await run_in_threadpool(store.questions, limit)


@router.get("/feedback")
async def feedback(limit: int = Limit, store=Depends(get_store)) -> list[dict[str, Any]]:
    """Feedback, newest first."""
    return await run_in_threadpool(store.feedback, limit)


@router.get("/unanswered")
async def unanswered(limit: int = Limit, store=Depends(get_store)) -> list[dict[str, Any]]:
    """Refused questions and 👎-rated answers, newest first."""
    return await run_in_threadpool(store.unanswered, limit)


def _take(lock: threading.Lock) -> None:
    if not lock.acquire(blocking=False):
        raise HTTPException(409, "a reindex is already running")


@router.post("/reindex")
async def reindex(request: Request, force: bool = False) -> dict[str, Any]:
    """Rebuild the index (when knowledge/ changed, or always with `force`) and the service, then switch
    to them in one assignment: requests already running finish on the old service, new ones get the new."""
    lock: threading.Lock = request.app.state.reindex_lock
    _take(lock)
    try:
        started = time.perf_counter()
        service = await run_in_threadpool(request.app.state.rebuild, force)
        request.app.state.service = service
    except Exception as exc:
        log.error("reindex failed: %s", type(exc).__name__, exc_info=exc)
        raise HTTPException(500, "reindex failed; the previous index is still serving") from None
    finally:
        lock.release()
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

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$", description="file name and citation id, e.g. hubei_notice")
    title: Line
    province: Province
    kind: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_one_line)]
    date: dt.date = Field(description="the date the document was issued, YYYY-MM-DD")
    text: Annotated[str, Field(min_length=1), AfterValidator(_markdown)]
    full_title: Line | None = None
    short_title: Line | None = None
    issuer: Line | None = None
    doc_number: Line | None = None


class DocumentStored(BaseModel):
    status: str = "stored"
    id: str
    file: str
    documents: int
    seconds: float


@router.post("/documents", status_code=201, response_model=DocumentStored,
             responses={409: {"description": "the id exists already, or a reindex is running"},
                        422: {"description": "invalid fields, or the document does not index"}})
async def upload_document(body: DocumentIn, request: Request) -> DocumentStored:
    """Add a document to knowledge/ (its file under documents/ and its manifest entry, each replaced
    atomically), then reindex and switch to the new index in one assignment. On any failure knowledge/
    is restored and the previous index keeps serving."""
    lock: threading.Lock = request.app.state.reindex_lock
    _take(lock)
    try:
        started = time.perf_counter()
        service = await run_in_threadpool(_add_and_rebuild, request, body)
        request.app.state.service = service
    finally:
        lock.release()
    seconds = round(time.perf_counter() - started, 2)
    log.info("document %s added and reindexed in %.2f s", body.id, seconds)
    return DocumentStored(id=body.id, file=_file_of(body.id), documents=len(service.deps.documents),
                          seconds=seconds)


def _add_and_rebuild(request: Request, body: DocumentIn):
    knowledge = get_settings(request).knowledge_dir
    undo = _add_document(knowledge, body)
    try:
        service = request.app.state.rebuild(False)
    except Exception as exc:
        undo()
        log.error("reindex after an upload failed: %s", type(exc).__name__, exc_info=exc)
        raise HTTPException(500, "reindex failed; the document was not added, the previous index is serving") from None
    if body.id not in service.deps.documents:  # knowledge/ did not load: the old index came back
        undo()
        reason = getattr(service.index, "last_error", None) or "it is missing from the rebuilt index"
        reason = reason.replace(str(knowledge), "knowledge")  # no server paths in a response
        raise HTTPException(422, f"the document does not index: {reason}")
    return service


def _file_of(doc_id: str) -> str:
    return f"documents/{doc_id}.md"


def _add_document(knowledge: Path, body: DocumentIn) -> Callable[[], None]:
    """Write the document and its manifest entry; returns the function that puts knowledge/ back."""
    manifest = knowledge / "manifest.yaml"
    path = knowledge / _file_of(body.id)
    if any(m.id == body.id for m in load_manifest(knowledge)) or path.exists():
        raise HTTPException(409, f"a document with id '{body.id}' exists already")
    original = manifest.read_text(encoding="utf-8")
    entry = {"id": body.id, "file": _file_of(body.id), "title": body.title,
             "full_title": body.full_title or body.title, "short_title": body.short_title or body.title,
             "issuer": body.issuer or "未注明", "doc_number": body.doc_number, "date": body.date,
             "province": body.province, "kind": body.kind, "supersedes": None}
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
