"""Request limits: a token bucket per client IP for the chat routes, and a cap on the request body size."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import error_body
from assistant.errors import RateLimited

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class TokenBucket:
    """`burst` requests at once, refilled at `per_minute` requests a minute, per key (the client IP)."""

    per_minute: float
    burst: int
    max_keys: int = 10_000
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def rate(self) -> float:
        return max(self.per_minute, 1e-9) / 60.0

    def take(self, key: str, now: float | None = None) -> float:
        """Spend one token; returns 0 when allowed, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                self._evict(now)
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _evict(self, now: float) -> None:
        if len(self._buckets) < self.max_keys:
            return
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.stamp) * self.rate >= self.burst]
        for key in full or list(self._buckets)[: self.max_keys // 10]:
            del self._buckets[key]


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def rate_limit(request: Request) -> None:
    """FastAPI dependency for the chat routes: 429 with Retry-After once the client's bucket is empty."""
    bucket: TokenBucket | None = getattr(request.app.state, "limiter", None)
    if bucket is None:
        return
    wait = bucket.take(client_key(request))
    if wait > 0:
        raise RateLimited(f"too many requests; retry in {wait:.0f} s", retry_after_s=wait)


class BodyLimit:
    """Reads the body of POST/PUT/PATCH requests up to `max_bytes` before the app sees it: larger → 413,
    a JSON body that is not UTF-8 → 400. Paths under `skip` (the Gradio UI) are passed through."""

    def __init__(self, app: ASGIApp, max_bytes: int, skip: tuple[str, ...] = ("/ui",)) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.skip = skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS or self._skipped(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _reject(send, 413, "too_large", f"request body is larger than {self.max_bytes} bytes")
            return
        body, more = await _read(receive, self.max_bytes)
        if more:
            await _reject(send, 413, "too_large", f"request body is larger than {self.max_bytes} bytes")
            return
        if b"json" in headers.get(b"content-type", b"") and not _utf8(body):
            await _reject(send, 400, "invalid_encoding", "request body is not valid UTF-8")
            return
        await self.app(scope, _replay(body, receive), send)

    def _skipped(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.skip)


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
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


def _replay(body: bytes, receive: Receive) -> Receive:
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


async def _reject(send: Send, status: int, code: str, message: str) -> None:
    payload = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})
