"""The FastAPI application: settings, service (index, registry, engines) and store built once in the
lifespan and kept on `app.state`; the routes, the Gradio UI at /ui, the widget and the demo portal."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api import (
    errors,
    routes_admin,
    routes_chat,
    routes_documents,
    routes_feedback,
    routes_health,
    routes_openai,
    routes_static,
    routes_tools,
)
from assistant.api.limits import BodyLimit, TokenBucket
from assistant.config import Settings

access_log = logging.getLogger("chainqa.access")
log = logging.getLogger("chainqa.api")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_OURS = frozenset({b"x-frame-options", b"content-security-policy", b"x-content-type-options"})
_API_CSP = "default-src 'none'; frame-ancestors 'none'"
_DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
             "frame-ancestors 'self'")


def ui_csp(frame_ancestors: str) -> str:
    """Gradio's page needs inline scripts and styles (not eval); it talks only to its own origin."""
    return ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            "media-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; "
            f"frame-ancestors {frame_ancestors}; base-uri 'self'")


def page_csp(api_base: str | None) -> str:
    """Plain pages (the demo portal): scripts only from this origin, no inline script."""
    connect = f"'self' {api_base}" if api_base else "'self'"
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"connect-src {connect}; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")


class Guard:
    """Security headers on every response, a request id, and one structured log line per request."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.ui_csp = ui_csp(settings.frame_ancestors)
        self.page_csp = page_csp(settings.widget_api_base)
        self.ui_frame = "SAMEORIGIN" if settings.frame_ancestors.strip() == "'self'" else None

    def _headers(self, path: str, content_type: str) -> list[tuple[bytes, bytes]]:
        frame = "SAMEORIGIN"
        if path == "/ui" or path.startswith("/ui/"):
            csp, frame = self.ui_csp, self.ui_frame
        elif path in ("/docs", "/docs/oauth2-redirect"):
            csp = _DOCS_CSP
        elif content_type.startswith("text/html"):
            csp = self.page_csp
        else:
            csp = _API_CSP
        out = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"strict-origin-when-cross-origin"),
               (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
               (b"content-security-policy", csp.encode())]
        if frame:
            out.append((b"x-frame-options", frame.encode()))
        return out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        status = {"code": 500}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                ctype = dict(headers).get(b"content-type", b"").decode("latin-1")
                message["headers"] = [*headers, *self._headers(scope["path"], ctype),
                                      (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            access_log.info(json.dumps({
                "request_id": request_id, "method": scope["method"], "path": scope["path"],
                "status": status["code"], "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                "client": (scope.get("client") or ("-",))[0]}, ensure_ascii=False))


def _log_to_stderr() -> None:
    logger = logging.getLogger("chainqa")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _lifespan(settings: Settings, injected):
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from assistant.store import Store

        _log_to_stderr()
        store = getattr(injected, "store", None) or await run_in_threadpool(Store, settings.resolved_store_url)
        app.state.store = store
        retry = None
        if injected is not None:
            _serve(app, injected)
        elif not await _try_build(app):
            retry = asyncio.create_task(_keep_trying(app))  # /healthz says not ready meanwhile
        try:
            yield
        finally:
            if retry is not None:
                retry.cancel()
            app.state.service = None
            store.close()

    return lifespan


def _serve(app: FastAPI, service) -> None:
    if service.store is None:
        service.store = app.state.store
    app.state.service = service  # one assignment: requests see the old service or the new one


async def _try_build(app: FastAPI) -> bool:
    from assistant.service import Service

    try:
        service = await run_in_threadpool(Service.build, app.state.settings, store=app.state.store)
    except Exception as exc:  # e.g. the Chroma server is down: serve 503s and retry, do not crash
        log.error("the service could not start: %s: %s", type(exc).__name__, exc)
        app.state.startup_error = f"the service could not start ({type(exc).__name__}); retrying"
        return False
    app.state.startup_error = None
    _serve(app, service)
    return True


async def _keep_trying(app: FastAPI, first: float = 2.0, longest: float = 30.0) -> None:
    delay = first
    while True:
        await asyncio.sleep(delay)
        if await _try_build(app):
            return
        delay = min(delay * 2, longest)


def rebuild_service(app: FastAPI, force: bool = False):
    """A new service over an index rebuilt from knowledge/ (if stale, or always with `force`); the old
    service keeps serving until the caller swaps the new one in."""
    from assistant.service import Service
    from retrieval.index import KnowledgeIndex

    s: Settings = app.state.settings
    index = KnowledgeIndex.open(s.knowledge_dir, s.data_dir, chroma_url=s.chroma_url, embedding=s.embedding,
                                embedding_options=s.embedding_options, rebuild=force,
                                fallback_embedded=s.chroma_fallback_embedded)
    return Service.build(s, index=index, store=app.state.store)


def create_app(settings: Settings | None = None, service=None) -> FastAPI:
    """The whole HTTP service. `service` may be injected (tests); otherwise Service.build runs at startup."""
    settings = settings or Settings()
    app = FastAPI(title="ChainQA", version="0.1.0", lifespan=_lifespan(settings, service), redoc_url=None,
                  description="Grounded answers about the Hubei and Hunan chain-leader (产业链链长制) policies.")
    app.state.settings = settings
    app.state.service = None
    app.state.tools = routes_tools.tool_specs()
    app.state.limiter = TokenBucket(settings.rate_per_minute, settings.rate_burst)
    app.state.reindex_lock = threading.Lock()
    app.state.rebuild = lambda force=False: rebuild_service(app, force)
    app.state.startup_error = None
    errors.install(app)
    for module in (routes_health, routes_chat, routes_openai, routes_tools, routes_documents, routes_feedback,
                   routes_admin, routes_static):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
                       allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type", "Accept"],
                       expose_headers=["Retry-After", "X-Request-ID"], max_age=600)
    app.add_middleware(Guard, settings=settings)
    from assistant.ui import mount_ui

    mount_ui(app)
    return app
