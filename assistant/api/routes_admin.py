"""Admin routes for the knowledge maintainers: reindex, the question log, feedback, unanswered questions.
They need `X-API-Key` equal to the `admin_api_key` setting (constant-time compare); unset → disabled (404)."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from assistant.api.routes_common import get_settings, get_store
from assistant.errors import NotFound, Unauthorized

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


@router.post("/reindex")
async def reindex(request: Request, force: bool = False) -> dict[str, Any]:
    """Rebuild the index (when knowledge/ changed, or always with `force`) and the service, then switch
    to them in one assignment: requests already running finish on the old service, new ones get the new."""
    lock: threading.Lock = request.app.state.reindex_lock
    if not lock.acquire(blocking=False):
        raise HTTPException(409, "a reindex is already running")
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
