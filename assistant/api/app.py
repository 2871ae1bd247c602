"""The FastAPI application: one `AppState` (assistant/api/state.py) holding the settings, the service
(index, registry, engines, built in the lifespan), the store, the rate limiters and the LLM pool; the
routes, the Gradio UI at /ui behind the same limits, the widget and the demo portal."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from assistant.api import (
    errors,
    overlay,
    routes_admin,
    routes_admin_page,
    routes_chat,
    routes_documents,
    routes_feedback,
    routes_health,
    routes_lexicon,
    routes_openai,
    routes_overlay,
    routes_static,
    routes_tools,
    ui_mount,
)
from assistant.api.body import BodyLimit
from assistant.api.clients import TrustedProxies
from assistant.api.guard import Guard
from assistant.api.limits import make_limiter
from assistant.api.pool import EnginePool, WorkerPool
from assistant.api.state import AppState, app_state
from assistant.config import Settings
from assistant.errors import KnowledgeError
from assistant.service import Service

log = logging.getLogger("chainqa.api")
PURGE_EVERY_S = 3600.0


def _log_to_stderr() -> None:
    logger = logging.getLogger("chainqa")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _lifespan(injected: Service | None):
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from assistant.question_log import QueuedLog
        from assistant.store import SqlStore

        _log_to_stderr()
        state = app_state(app)
        state.store = injected.store if injected is not None and injected.store else \
            QueuedLog(await run_in_threadpool(SqlStore, state.settings.resolved_store_url))
        tasks = [asyncio.create_task(_purge_regularly(state)), asyncio.create_task(overlay.poll(state))]
        if injected is not None:
            version, stored = await run_in_threadpool(overlay.stored_or_none, state.store)
            empty = stored is not None and stored.empty
            state.serve(injected, version if empty else -1)  # an overlay to apply: the first poll does
        elif not await _try_build(state):
            tasks.append(asyncio.create_task(_keep_trying(state)))  # /healthz says not ready meanwhile
        ui = contextlib.AsyncExitStack()  # Gradio's lifespan, entered once the UI is built
        built = asyncio.create_task(state.ui.build(ui)) if state.ui is not None else None  # after the service
        tasks += [t for t in (built, asyncio.create_task(_warm(state, built))) if t is not None]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await ui.aclose()
            state.service = None
            state.pool.shutdown()
            state.workers.shutdown()
            for limiter in (state.limiter, state.admin_limiter):
                with contextlib.suppress(Exception):  # Redis may be gone already: nothing to close
                    await limiter.close()
            if state.store is not None:
                state.store.close()

    return lifespan


async def _try_build(state: AppState) -> bool:
    try:
        service, version = await run_in_threadpool(overlay.start, state.settings, state.store)
    except Exception as exc:  # e.g. the Chroma server is down: serve 503s and retry, do not crash
        log.error("the service could not start: %s: %s", type(exc).__name__, exc)
        shown = isinstance(exc, KnowledgeError) or getattr(exc, "public", False)  # names a file, not internals
        reason = errors.scrub(str(exc), state.settings) if shown else type(exc).__name__
        state.startup_error = f"the service could not start ({reason}); retrying"
        return False
    state.startup_error = None
    state.serve(service, version)
    return True


async def _warm(state: AppState, ui: asyncio.Task | None) -> None:
    """Once /healthz and /ui serve, check the vectors and load what the first searching ask would load on
    the event loop."""
    if ui is not None:
        await ui
    service = state.service
    try:
        if service is not None:
            await run_in_threadpool(service.warm)
    except Exception as exc:  # an ask meets the same error and reports it; warming is only ahead of time
        log.warning("warming the service failed: %s: %s", type(exc).__name__, exc)
    finally:
        gc.enable()  # `chainqa serve` starts with it off: start-up allocates much and frees little
        state.warmed.set()


async def _keep_trying(state: AppState, first: float = 2.0, longest: float = 30.0) -> None:
    delay = first
    while True:
        await asyncio.sleep(delay)
        if await _try_build(state):
            await _warm(state, None)  # the warm-up at start found no service: its vectors are checked now
            return
        delay = min(delay * 2, longest)


async def _purge_regularly(state: AppState) -> None:
    """The question log keeps `question_log_retention_days` of rows (personal data is not kept forever)."""
    days = state.settings.question_log_retention_days
    if days is None or state.store is None:
        return
    while True:
        try:
            gone = await run_in_threadpool(state.store.purge, dt.timedelta(days=days))
            if gone:
                log.info("question log: deleted %d rows older than %g days", gone, days)
        except Exception as exc:  # a store hiccup must not end the loop
            log.warning("question log purge failed: %s", type(exc).__name__)
        await asyncio.sleep(PURGE_EVERY_S)


def rebuild_service(state: AppState, force: bool = False) -> Service:
    """A new service over an index rebuilt from knowledge/ (if stale, or always with `force`) with the stored
    overlay; the old service keeps serving until the caller swaps the new one in."""
    from retrieval.index import KnowledgeIndex

    s = state.settings
    index = KnowledgeIndex.open(s.knowledge_dir, s.data_dir, chroma_url=s.chroma_url, embedding=s.embedding,
                                embedding_options=s.embedding_options, rebuild=force,
                                fallback_embedded=s.chroma_fallback_embedded)
    index.verify_vectors()  # swapped in checked (an index loaded as it was, not rebuilt, is not yet)
    return overlay.build(s, index, state.store, overlay.stored_or_none(state.store)[1])


def _state(settings: Settings) -> AppState:
    trusted = TrustedProxies(settings.trusted_proxies)

    def rebuild(force: bool = False) -> Service:
        return rebuild_service(state, force)

    tools = routes_tools.tool_specs()
    state = AppState(
        settings=settings, trusted=trusted, tools=tools, catalogue=routes_tools.catalogue(tools),
        pool=EnginePool(settings.llm_pool_size), workers=WorkerPool(settings.ask_workers),
        limiter=make_limiter(settings.redis_url, settings.rate_per_minute, settings.rate_burst, "chat"),
        admin_limiter=make_limiter(settings.redis_url, settings.admin_rate_per_minute, settings.admin_rate_burst,
                                   "admin"),
        rebuild=rebuild)
    return state


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    """The whole HTTP service. `service` may be injected (tests); otherwise Service.build runs at startup.
    With no arguments (uvicorn's factory, one call per worker) the settings come from the environment."""
    settings = settings or Settings()
    app = FastAPI(title="ChainQA", version="0.1.0", lifespan=_lifespan(service), redoc_url=None,
                  description="Grounded answers about provincial chain-leader (产业链链长制) policies.")
    state = app.state.chainqa = _state(settings)
    errors.install(app)
    for module in (routes_health, routes_chat, routes_openai, routes_tools, routes_documents, routes_feedback,
                   routes_admin, routes_overlay, routes_lexicon, routes_admin_page, routes_static):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_read_timeout_s,
                       caps={ui_mount.PATH: settings.ui_max_body_bytes})
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type", "Accept"],
                       expose_headers=["Retry-After", "X-Request-ID"], max_age=600)
    app.add_middleware(Guard, settings=settings, trusted=state.trusted)
    state.ui = ui_mount.mount(app, state)
    return app
