"""The Gradio UI (assistant/ui.py) mounted at /ui behind the API's protections. Gradio's own HTTP API is
an anonymous side door otherwise: here every request to it is rate-limited like the chat routes (the
ones that start work), file upload, file serving, the proxy and the other routes this UI does not use
are 404, bodies are capped (assistant/api/body.py), an event Gradio would reject with the body in its
log is a 4xx here, and the Guard logs without bodies and gives every error the contract's shape.

Importing Gradio and building the UI takes 2–3 s, more than the rest of start-up: /ui is mounted at
once as a `LazyUI` and the UI is built in the background after the service (so /healthz is ready
first); a request to /ui meanwhile waits for it. CLI commands never import Gradio."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.api import clients
from assistant.api.body import reject, replay
from assistant.api.state import AppState

if TYPE_CHECKING:
    import gradio as gr

log = logging.getLogger("chainqa.api")
PATH = "/ui"
UI_WAIT_S = 120.0  # a request to /ui while the UI is still being built waits this long at most
# first path segments (under /ui or /ui/gradio_api) that start work: they spend from the client's bucket
_WORK = frozenset({"queue", "run", "api", "call"})
# routes of Gradio this UI has no component for (no files, audio or media streams, no login): closed
_CLOSED = frozenset({"upload", "upload_progress", "process_recording", "stream", "component_server", "file",
                     "proxy", "monitoring", "profiling", "vibe-edit", "undo-vibe-edit", "vibe-code",
                     "vibe-starter-queries", "run-history", "login", "logout", "dev", "user", "token"})


def _route(path: str) -> tuple[str, str]:
    """(first segment, second segment) of a path under /ui or /ui/gradio_api: ("call", "run")."""
    rest = path[len(PATH):].lstrip("/")
    if rest.startswith("gradio_api/"):
        rest = rest[len("gradio_api/"):]
    first, _, more = rest.partition("/")
    return first.split("=", 1)[0], more.strip("/").split("/", 1)[0]  # /file=…, /proxy=…


class UIGate:
    """ASGI wrapper of the mounted Gradio app. Events are checked before Gradio sees them: Gradio's own
    error for a wrong number of inputs prints the received values (the whole body) into the log."""

    def __init__(self, app: ASGIApp, state: AppState, demo: gr.Blocks) -> None:
        self.app, self.state = app, state
        self.inputs = {index: len(fn.inputs) for index, fn in demo.fns.items()}
        self.by_name = {fn.api_name: index for index, fn in demo.fns.items() if isinstance(fn.api_name, str)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        full = scope["path"] if scope["path"].startswith(PATH) else scope.get("root_path", "") + scope["path"]
        segment, name = _route(full)
        if segment in _CLOSED:
            await reject(send, 404, "not_found", "not found")
            return
        if scope["method"] == "POST" and segment in _WORK:
            wait = await self.state.limiter.take(clients.resolve(scope, self.state.trusted))
            if wait > 0:
                await reject(send, 429, "rate_limited", f"too many requests; retry in {max(wait, 1):.0f} s",
                             {"Retry-After": str(max(1, math.ceil(wait)))})
                return
            body = await _whole_body(receive)
            problem = self._problem(segment, name, body)
            if problem:
                await reject(send, problem[0], "not_found" if problem[0] == 404 else "invalid_request", problem[1])
                return
            receive = replay(body, receive)
        await self.app(scope, receive, send)

    def _problem(self, segment: str, name: str, body: bytes) -> tuple[int, str] | None:
        try:
            event = json.loads(body)
        except ValueError:
            return 422, "a UI event must be a JSON object"
        if not isinstance(event, dict) or not isinstance(event.get("data"), list):
            return 422, "a UI event must be a JSON object with a `data` list"
        index = event.get("fn_index") if segment == "queue" else self.by_name.get(name)
        if segment != "queue" and index is None:
            return 404, f"the UI has no endpoint named '{name[:64]}'"
        if not isinstance(index, int) or index not in self.inputs:
            return 422, "fn_index does not name an event of this UI"
        if len(event["data"]) != self.inputs[index]:
            return 422, f"this event takes {self.inputs[index]} input values, not {len(event['data'])}"
        return None


async def _whole_body(receive: Receive) -> bytes:
    """The body BodyLimit has read and capped already (it arrives as one message)."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body", False):
            return b"".join(chunks)


def _service_getter(state: AppState):
    import gradio as gr

    def get_service():
        service = state.service
        if service is None:  # the index is still loading: a message in the chat, not an AttributeError
            raise gr.Error("知识索引正在加载，请稍后再试。", print_exception=False)
        return service

    return get_service


class LazyUI:
    """What is mounted at /ui: the gated Gradio app once `build` has made it; until then requests wait."""

    def __init__(self, app: FastAPI, state: AppState) -> None:
        self.parent, self.state = app, state
        self.target: ASGIApp | None = None
        self.failed: str | None = None
        self._ready = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.target is None and scope["type"] == "http":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), UI_WAIT_S)
        if self.target is None:
            if scope["type"] == "http":
                await reject(send, 503, "not_ready", self.failed or "the UI is still starting", {"Retry-After": "2"})
            return
        await self.target(scope, receive, send)

    async def build(self, stack: contextlib.AsyncExitStack) -> None:
        """Import Gradio and build the UI on a thread, then run Gradio's own lifespan (its queue) in `stack`."""
        try:
            holder, demo = await run_in_threadpool(self._mounted)
            await stack.enter_async_context(holder.router.lifespan_context(holder))
            route = next(r for r in holder.router.routes if isinstance(r, Mount) and r.path == PATH)
            self.target = UIGate(route.app, self.state, demo)
        except Exception as exc:  # the API serves without its UI rather than not at all
            log.error("the UI could not be built: %s: %s", type(exc).__name__, exc, exc_info=exc)
            self.failed = "the UI could not be built"
        finally:
            self._ready.set()

    def _mounted(self) -> tuple[FastAPI, gr.Blocks]:
        from assistant.api.gradio_import import import_gradio

        gr = import_gradio()
        from assistant.prompts import Prompts
        from assistant.ui import UiText, build_ui
        from assistant.ui_text import CSS, HEAD, i18n, theme
        from retrieval.registry import configured_provinces

        settings = self.state.settings
        text = UiText.load(Prompts(settings.prompts_dir), configured_provinces(settings.knowledge_dir))
        demo = build_ui(_service_getter(self.state), text)
        holder = FastAPI()  # Gradio mounts itself here, off the event loop; /ui forwards to its app
        holder.user_middleware = self.parent.user_middleware  # Gradio leaves CORS to a parent that has it
        gr.mount_gradio_app(holder, demo, path=PATH, footer_links=[], run_history=False, show_error=False,
                            i18n=i18n(), theme=theme(), css=CSS, head=HEAD)
        return holder, demo


def mount(app: FastAPI, state: AppState) -> LazyUI:
    """Mount /ui now; the caller runs `build` once the service is up."""
    lazy = LazyUI(app, state)
    app.mount(PATH, lazy)
    return lazy
