"""A total deadline for one LLM answer: connect, every read and every tool round together.

`llm_timeout_s` bounds each read of the HTTP client; an endpoint that drips a byte now and then never
trips it. So every LLM request goes through `DeadlineTransport`, which reads the answer's deadline from a
context variable, caps each request's timeouts at the time left, stops reading a response once the time
is up (httpx.ReadTimeout, which the engine reports as "timeout") and refuses to start a request after it.

`Budget(seconds).call(fn, *args)` runs `fn` with the deadline set, in a context of its own, so one
answer's steps (a generator driven from several threads) share one deadline and nothing leaks out."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx

T = TypeVar("T")
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("chainqa_llm_deadline", default=None)


def remaining() -> float | None:
    """Seconds left for the answer being computed, None when no deadline is set."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


class Budget:
    """One answer's deadline; every `call` runs inside the same context."""

    def __init__(self, seconds: float | None) -> None:
        self.context = contextvars.copy_context()
        if seconds is not None and seconds > 0:
            self.context.run(_DEADLINE.set, time.monotonic() + seconds)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        return self.context.run(fn, *args)


class _DeadlineStream(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, deadline: float) -> None:
        self.stream, self.deadline = stream, deadline

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.stream:
            if time.monotonic() > self.deadline:
                raise httpx.ReadTimeout("the answer's total deadline passed while reading")
            yield chunk

    def close(self) -> None:
        self.stream.close()


class DeadlineTransport(httpx.BaseTransport):
    """Wraps a transport; within a Budget, no request runs past the answer's deadline."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        left = remaining()
        if left is None:
            return self.inner.handle_request(request)
        if left <= 0:
            raise httpx.ConnectTimeout("the answer's total deadline has passed", request=request)
        timeouts = dict(request.extensions.get("timeout") or {})
        request.extensions["timeout"] = {k: left if v is None else min(v, left)
                                         for k, v in {**dict.fromkeys(("connect", "read", "write", "pool")),
                                                      **timeouts}.items()}
        response = self.inner.handle_request(request)
        response.stream = _DeadlineStream(response.stream, time.monotonic() + left)  # type: ignore[arg-type]
        return response

    def close(self) -> None:
        self.inner.close()


def http_client(timeout_s: float) -> httpx.Client:
    """The HTTP client for the LLM endpoint (assistant/llm.py passes it to ChatOpenAI)."""
    return httpx.Client(transport=DeadlineTransport(), timeout=timeout_s)
