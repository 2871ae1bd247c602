"""Health: `GET /healthz` as the contract says — 200 `ok`; 200 `degraded` with what is `missing` while
answers still work without it (the vector store, or its vectors not yet checked after start: keyword
search answers; knowledge/ is broken: the last good index answers; Redis: the rate limit is per
process); 503 only when the service cannot answer.
`GET /readyz` is the same check for orchestrators; `GET /livez` is 200 while the process serves at all
(so a restart is not triggered while the index loads)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.api.errors import error_body, scrub
from assistant.api.routes_common import StateDep
from assistant.api.state import AppState
from assistant.service import Service

router = APIRouter(tags=["health"])
HEARTBEAT_TIMEOUT_S = 3.0
# threads of its own: a heartbeat never waits behind answers (and a hung one holds only these)
_HEARTBEATS = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="chainqa-health")


def _vector_store_up(service) -> None:
    """A Chroma server behind the index must answer its heartbeat (the embedded store needs no check)."""
    store = getattr(service.index, "store", None)
    if store is not None and getattr(store, "url", None):
        store.client.heartbeat()


async def _missing(state: AppState, service: Service) -> dict[str, str]:
    """What the service answers without, each with the reason."""
    missing: dict[str, str] = {}
    try:
        await asyncio.wait_for(asyncio.wrap_future(_HEARTBEATS.submit(_vector_store_up, service)),
                               HEARTBEAT_TIMEOUT_S)
    except Exception as exc:
        missing["vector_store"] = f"the vector store does not answer ({type(exc).__name__}); keyword search answers"
    unchecked = getattr(service.index, "vector_problem", None)  # checked in the warm-up after start
    if unchecked and "vector_store" not in missing:
        missing["vector_store"] = unchecked
    stale = state.stale_reason or getattr(service.index, "last_error", None)
    if stale:
        missing["current_knowledge"] = ("knowledge/ cannot be indexed, the last good index answers: "
                                        + scrub(stale, state.settings))
    for limiter in (state.limiter, state.admin_limiter):
        if limiter.problem:
            missing[f"shared_rate_limit_{limiter.name}"] = limiter.problem
    return missing


async def report(state: AppState) -> tuple[int, dict[str, Any]]:
    service = state.service
    if service is None:
        reason = state.startup_error or "the knowledge index is not loaded yet"
        return 503, {"status": "not_ready", "reason": reason, **error_body("not_ready", reason)}
    missing = await _missing(state, service)
    body: dict[str, Any] = {"status": "degraded" if missing else "ok", "engine": service.settings.engine,
                            "documents": len(service.deps.documents)}
    if missing:
        body |= {"missing": list(missing), "reasons": missing}
    return 200, body


@router.get("/healthz", responses={503: {"description": "cannot answer, with the reason"}})
async def healthz(state: StateDep) -> Any:
    """200 `ok`, 200 `degraded` (with `missing` and `reasons`) while answers still work, else 503."""
    status, body = await report(state)
    return JSONResponse(body, status_code=status)


@router.get("/readyz", responses={503: {"description": "cannot answer, with the reason"}})
async def readyz(state: StateDep) -> Any:
    """For an orchestrator's readiness probe: the same as /healthz."""
    return await healthz(state)


@router.get("/livez")
async def livez() -> dict[str, str]:
    """For a liveness probe: the process serves requests (the index may still be loading)."""
    return {"status": "alive"}
