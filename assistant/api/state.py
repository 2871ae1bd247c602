"""`AppState`: everything the HTTP service holds between requests, in one typed object on
`app.state.chainqa` (instead of loose attributes), and the `Annotated` dependencies routes use."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, FastAPI, Request

from assistant.api.clients import TrustedProxies
from assistant.config import Settings
from assistant.errors import NotReady
from assistant.service import Service
from assistant.store import Store

if TYPE_CHECKING:
    from assistant.api.limits import RateLimiter
    from assistant.api.pool import EnginePool, WorkerPool
    from assistant.api.ui_mount import LazyUI
    from assistant.tools.schema import ToolSpec


@dataclass
class AppState:
    settings: Settings
    limiter: RateLimiter  # chat, feedback and the Gradio UI's posts
    admin_limiter: RateLimiter  # every admin request, before the key is checked
    pool: EnginePool  # LLM answers run here, never on the threads offline routes and /healthz use
    workers: WorkerPool  # offline asks that need a query embedding (the rest answer on the event loop)
    tools: dict[str, ToolSpec]
    catalogue: list[dict]  # GET /api/tools, built once
    trusted: TrustedProxies
    rebuild: Callable[[bool], Service]  # a new service over a (re)built index; the caller swaps it in
    service: Service | None = None  # swapped in one assignment: a request keeps the one it started with
    store: Store | None = None
    startup_error: str | None = None  # why there is no service yet (shown by /healthz)
    stale_reason: str | None = None  # why the last reindex failed (the service in use is older than knowledge/)
    reindex_lock: threading.Lock = field(default_factory=threading.Lock)
    # the overlay version the service was built with; -1: not known (after a reindex), the next poll rebuilds
    overlay_version: int = -1
    overlay_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ui: LazyUI | None = None  # /ui, built in the background after the service (assistant/api/ui_mount.py)
    warmed: threading.Event = field(default_factory=threading.Event)  # the warm-up after start has run

    def serve(self, service: Service, overlay_version: int = -1, *, reindexed: bool = True) -> None:
        """Swap in `service`. `reindexed`: it was built on a fresh index of knowledge/ (an overlay reload
        reuses the index in use, so a failed reindex stays reported)."""
        if service.store is None:
            service.store = self.store
        self.service = service
        self.overlay_version = overlay_version
        if reindexed:
            self.stale_reason = None


def app_state(app: FastAPI) -> AppState:
    return app.state.chainqa


async def get_state(request: Request) -> AppState:
    return app_state(request.app)


async def get_service(request: Request) -> Service:
    """The current Service (a reindex swaps it atomically; a request keeps the one it started with)."""
    service = app_state(request.app).service
    if service is None:
        raise NotReady("the knowledge index is not loaded yet")
    return service


async def get_settings(request: Request) -> Settings:
    return app_state(request.app).settings


async def get_store(request: Request) -> Store:
    """The feedback and question-log store."""
    store = app_state(request.app).store
    if store is None:
        raise NotReady("the feedback store is not open")
    return store


# async: FastAPI runs a sync dependency on a worker thread, a hop per request for reading an attribute
StateDep = Annotated[AppState, Depends(get_state)]
ServiceDep = Annotated[Service, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
