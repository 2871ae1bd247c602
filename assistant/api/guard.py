"""The outermost middleware: security headers on every response, a request id, one structured log line
per request (method, path, status, latency, client; never a body), and the contract's error shape for
every error response, whoever produced it (Starlette, CORS, the mounted Gradio app): an error that is
not `{"error": {"code", "message"}}` JSON is replaced by one, and an exception that escapes the app is
a JSON 500, never a traceback or a reset connection."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api import clients
from assistant.api.errors import code_for, error_body
from assistant.config import Settings

access_log = logging.getLogger("chainqa.access")
log = logging.getLogger("chainqa.api")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_OURS = frozenset({b"x-frame-options", b"content-security-policy", b"x-content-type-options"})
_API_CSP = "default-src 'none'; frame-ancestors 'none'"
_DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
             "frame-ancestors 'self'")
_GENERIC = {404: "not found", 405: "method not allowed", 500: "the service could not answer this request"}


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


def _is_contract_error(content_type: str, body: bytes) -> bool:
    if content_type.startswith("text/html"):
        return True  # a page meant for people (it carries the page CSP): left as it is
    if "json" not in content_type:
        return False
    try:
        err = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return False
    return isinstance(err, dict) and {"code", "message"} <= set(err)


def _contract_body(status: int, body: bytes) -> bytes:
    """Our shape; a short plain-text or `{"detail": "..."}` message is kept, anything else is not echoed."""
    message = _GENERIC.get(status, code_for(status).replace("_", " "))
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError):
        detail = body.decode("utf-8", "replace").strip() if len(body) <= 200 else None
    if isinstance(detail, str) and 0 < len(detail) <= 200 and status < 500 and "Traceback" not in detail:
        message = detail
    return json.dumps(error_body(code_for(status), message), ensure_ascii=False).encode()


class Guard:
    def __init__(self, app: ASGIApp, settings: Settings, trusted: clients.TrustedProxies) -> None:
        self.app = app
        self.trusted = trusted
        self.ui_csp = ui_csp(settings.frame_ancestors)
        self.page_csp = page_csp(settings.widget_api_base)
        self.ui_frame = "SAMEORIGIN" if settings.frame_ancestors.strip() == "'self'" else None

    def _headers(self, path: str, content_type: str) -> list[tuple[bytes, bytes]]:
        frame: str | None = "SAMEORIGIN"
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
        scope.setdefault("state", {})["request_id"] = request_id  # request.state.request_id: the audit's
        client = clients.resolve(scope, self.trusted)
        reply = _Reply(send, lambda ctype: [*self._headers(scope["path"], ctype), (b"x-request-id", request_id.encode())],
                       rewrite=scope["method"] != "HEAD")  # a HEAD response has no body to replace
        try:
            await self.app(scope, receive, reply.send)
        except Exception as exc:  # Starlette re-raises after its 500; Gradio's app may raise: JSON, not a reset
            if not reply.finished:
                log.error("unhandled %s on %s %s", type(exc).__name__, scope["method"], scope["path"])
            await reply.fail()
        finally:
            access_log.info(json.dumps({
                "request_id": request_id, "method": scope["method"], "path": scope["path"],
                "status": reply.status, "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                "client": client}, ensure_ascii=False))


class _Reply:
    """The response on its way out: our headers added; an error held back until its body is known."""

    def __init__(self, send: Send, headers, rewrite: bool = True) -> None:
        self._send, self._headers, self._rewrite = send, headers, rewrite
        self.status, self.started, self.finished = 500, False, False
        self._held: Message | None = None
        self._body: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
            ctype = dict(headers).get(b"content-type", b"").decode("latin-1")
            message["headers"] = [*headers, *self._headers(ctype)]
            if self.status >= 400 and self._rewrite:
                self._held = message
                return
            self.started = True
            await self._send(message)
            return
        if self._held is None:
            self.finished = not message.get("more_body", False)
            await self._send(message)
            return
        self._body.append(message.get("body", b""))
        if not message.get("more_body", False):
            await self._flush()

    async def _flush(self) -> None:
        held, self._held = self._held, None
        assert held is not None
        headers = dict(held["headers"])
        body = b"".join(self._body)
        if not _is_contract_error(headers.get(b"content-type", b"").decode("latin-1"), body):
            body = _contract_body(held["status"], body)
            kept = [(k, v) for k, v in held["headers"] if k.lower() not in (b"content-type", b"content-length")]
            held["headers"] = [*kept, (b"content-type", b"application/json"),
                               (b"content-length", str(len(body)).encode())]
        self.started = True
        await self._send(held)
        await self._send({"type": "http.response.body", "body": body})
        self.finished = True

    async def fail(self) -> None:
        if self.finished:
            return
        if self._held is not None:  # the error's body never completed: send ours
            self._body = []
            await self._flush()
            return
        if self.started:
            return  # mid-body: nothing sensible to add; the connection ends
        self.status = 500
        await self.send({"type": "http.response.start", "status": 500,
                         "headers": [(b"content-type", b"text/plain")]})
        await self.send({"type": "http.response.body", "body": b""})
