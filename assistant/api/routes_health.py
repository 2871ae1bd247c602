"""`GET /healthz`: 200 once the index is loaded, 503 while it is not (or its backing store is unreachable)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

router = APIRouter(tags=["health"])
HEARTBEAT_TIMEOUT_S = 3.0


def _vector_store_up(service) -> None:
    """A Chroma server behind the index must answer its heartbeat (the embedded store needs no check)."""
    store = getattr(service.index, "store", None)
    if store is not None and getattr(store, "url", None):
        store.client.heartbeat()


async def _problem(request: Request) -> str | None:
    service = getattr(request.app.state, "service", None)
    if service is None:
        return getattr(request.app.state, "startup_error", None) or "the knowledge index is not loaded yet"
    try:
        await asyncio.wait_for(run_in_threadpool(_vector_store_up, service), timeout=HEARTBEAT_TIMEOUT_S)
    except Exception as exc:
        return f"the vector store does not answer ({type(exc).__name__})"
    return None


@router.get("/healthz", responses={503: {"description": "not ready, with the reason"}})
async def healthz(request: Request) -> Any:
    """200 `{"status": "ok"}` once the index is loaded and its vector store answers; else 503."""
    problem = await _problem(request)
    if problem:
        return JSONResponse({"status": "not_ready", "reason": problem}, status_code=503)
    service = request.app.state.service
    return {"status": "ok", "engine": service.settings.engine, "documents": len(service.deps.documents)}
