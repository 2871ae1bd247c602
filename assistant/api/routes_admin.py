"""Admin routes for the knowledge maintainers: reindex, upload a document, the question log, feedback,
unanswered questions. They need `X-API-Key` equal to one of the admin keys (assistant/api/admin_auth.py:
`admin_api_key` or a named one of `admin_keys`, compared in constant time); none set → disabled (404). Every admin request spends from a per-client bucket before the key is checked,
so guessing the key is throttled. A reindex that fails says why (and what still serves) and changes
nothing that serves. What an upload checks and writes is assistant/document_intake.py's (the CLI's too)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from assistant.api.admin_auth import require_admin
from assistant.api.errors import scrub
from assistant.api.limits import admin_rate_limit
from assistant.api.routes_common import StateDep, StoreDep
from assistant.api.state import AppState
from assistant.document_intake import DocumentIn, add_and_reindex, file_of
from assistant.errors import (
    Conflict,
    InvalidDocument,
    KnowledgeBroken,
    KnowledgeError,
    ReindexFailed,
)
from assistant.service import Service

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
        before = state.service
        service = await run_in_threadpool(_rebuilt, state, force)
        state.serve(service)
        await run_in_threadpool(audit_held, service, before)
    seconds = round(time.perf_counter() - started, 2)
    log.info("reindexed in %.2f s", seconds)
    return {"status": "reindexed", "documents": len(service.deps.documents), "seconds": seconds}


class DocumentStored(BaseModel):
    status: str = "stored"
    id: str
    file: str
    documents: int
    seconds: float
    held_for_review: bool = False  # a lexicon hit: listed on the admin page, out of search until approved


@router.post("/documents", status_code=201, response_model=DocumentStored,
             responses={409: {"description": "the id exists already, or a reindex is running"},
                        422: {"description": "invalid fields, or the document does not index"}})
async def upload_document(body: DocumentIn, state: StateDep) -> DocumentStored:
    """Add a document to knowledge/ (its file under documents/ and its manifest entry, each replaced
    atomically), then reindex and switch to the new index in one assignment. On any failure knowledge/
    is restored and the previous index keeps serving."""
    with _exclusive(state.reindex_lock):
        started, before = time.perf_counter(), state.service
        service = await run_in_threadpool(_add_and_rebuild, state, body)
        state.serve(service)
        await run_in_threadpool(audit_held, service, before)
    seconds = round(time.perf_counter() - started, 2)
    log.info("document %s added and reindexed in %.2f s", body.id, seconds)
    return DocumentStored(id=body.id, file=file_of(body.id), documents=len(service.deps.documents),
                          seconds=seconds, held_for_review=body.id in service.held)


def audit_held(service: Service, before: Service | None) -> None:
    """Record the hits of documents newly held for review (an upload, or a reindex of a changed knowledge/)."""
    known = before.held if before is not None else {}
    for doc_id in service.held.keys() - known.keys():
        text = service.deps.documents[doc_id].text
        service.safety.document_hits(doc_id, text, service.safety.matcher.find(text))


def _add_and_rebuild(state: AppState, body: DocumentIn) -> Service:
    stale = state.stale_reason or (state.service and getattr(state.service.index, "last_error", None))
    if stale:  # knowledge/ did not index before this upload: not the document's fault
        raise KnowledgeBroken(f"knowledge/ does not index, fix it before uploading: {scrub(stale, state.settings)}")
    try:
        return add_and_reindex(state.settings.knowledge_dir, body,
                               lambda: _rebuilt(state, False, "the document was not added, the reindex failed"),
                               lambda service: body.id in service.deps.documents)
    except InvalidDocument:
        state.stale_reason = None  # knowledge/ is as it was, and it indexed
        raise
