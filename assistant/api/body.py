"""The request body, read before the app sees it: capped in size (per path prefix), bounded in time,
and a JSON body must be UTF-8. Anything else is answered here in the contract's error shape."""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_body

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodyLimit:
    """Reads the body of POST/PUT/PATCH requests up to the cap of the longest matching prefix in `caps`
    (else `max_bytes`): larger → 413; not complete within `timeout_s` → 408; a JSON body that is not
    UTF-8 → 400."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float = 15.0,
                 caps: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s
        self.caps = sorted((caps or {}).items(), key=lambda kv: -len(kv[0]))

    def cap(self, path: str) -> int:
        return next((cap for prefix, cap in self.caps if path == prefix or path.startswith(prefix + "/")),
                    self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.cap(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > limit:
            await reject(send, 413, "too_large", f"request body is larger than {limit} bytes")
            return
        try:
            body, more = await asyncio.wait_for(_read(receive, limit), self.timeout_s)
        except TimeoutError:  # a client that drips its body holds a connection, not the server
            await reject(send, 408, "request_timeout", f"the request body did not arrive within {self.timeout_s:g} s")
            return
        if more:
            await reject(send, 413, "too_large", f"request body is larger than {limit} bytes")
            return
        if b"json" in headers.get(b"content-type", b"") and not _utf8(body):
            await reject(send, 400, "invalid_encoding", "request body is not valid UTF-8")
            return
        await self.app(scope, replay(body, receive), send)


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives `body` first, then whatever the client sends next (its disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def reject(send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
    """A complete JSON error response, sent from ASGI middleware (before any route runs)."""
    payload = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
    extra = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close"), *extra]})
    await send({"type": "http.response.body", "body": payload})
