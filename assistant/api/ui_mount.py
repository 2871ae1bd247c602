"""The Gradio UI (assistant/ui.py) mounted at /ui behind the API's protections. Gradio's own HTTP API is
an anonymous side door otherwise: here every request to it is rate-limited like the chat routes (the
ones that start work), file upload, file serving, the proxy and the other routes this UI does not use
are 404, bodies are capped (assistant/api/body.py), and the Guard logs without bodies and gives every
error the contract's shape."""

from __future__ import annotations

import math

import gradio as gr
from fastapi import FastAPI
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api import clients
from assistant.api.body import reject
from assistant.api.state import AppState

PATH = "/ui"
# first path segments (under /ui or /ui/gradio_api) that start work: they spend from the client's bucket
_WORK = frozenset({"queue", "run", "api", "call"})
# routes of Gradio this UI has no component for (no files, audio or media streams, no login): closed
_CLOSED = frozenset({"upload", "upload_progress", "process_recording", "stream", "component_server", "file",
                     "proxy", "monitoring", "profiling", "vibe-edit", "undo-vibe-edit", "vibe-code",
                     "vibe-starter-queries", "run-history", "login", "logout", "dev", "user", "token"})


def _segment(path: str) -> str:
    rest = path[len(PATH):].lstrip("/")
    if rest.startswith("gradio_api/"):
        rest = rest[len("gradio_api/"):]
    first = rest.split("/", 1)[0]
    return first.split("=", 1)[0]  # /file=…, /proxy=…


class UIGate:
    """ASGI wrapper of the mounted Gradio app."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        full = scope.get("root_path", "") + scope["path"] if not scope["path"].startswith(PATH) else scope["path"]
        segment = _segment(full)
        if segment in _CLOSED:
            await reject(send, 404, "not_found", "not found")
            return
        if scope["method"] == "POST" and segment in _WORK:
            key = clients.resolve(scope, self.state.trusted)
            wait = await self.state.limiter.take(key)
            if wait > 0:
                await reject(send, 429, "rate_limited", f"too many requests; retry in {max(wait, 1):.0f} s",
                             {"Retry-After": str(max(1, math.ceil(wait)))})
                return
        await self.app(scope, receive, send)


def _service_getter(state: AppState):
    def get_service():
        service = state.service
        if service is None:  # the index is still loading: a message in the chat, not an AttributeError
            raise gr.Error("知识索引正在加载，请稍后再试。", print_exception=False)
        return service

    return get_service


def mount(app: FastAPI, state: AppState) -> None:
    from assistant.ui import build_ui

    demo = build_ui(_service_getter(state), state.settings.max_question_chars)
    gr.mount_gradio_app(app, demo, path=PATH, footer_links=[], run_history=False, show_error=False)
    for route in app.router.routes:
        if isinstance(route, Mount) and route.path == PATH:
            route.app = UIGate(route.app, state)
            return
    raise RuntimeError("the Gradio app was not mounted at /ui")
