"""A total deadline for one LLM answer: connect, every read and every tool round together.

`llm_timeout_s` bounds each read of the HTTP client; an endpoint that drips a byte now and then never
trips it. So every LLM request goes through `DeadlineTransport`, which reads the answer's deadline
(assistant/budget.py) from its context variable, caps each request's timeouts at the time left, stops
reading a response once the time is up (httpx.ReadTimeout, which the engine reports as "timeout") and
refuses to start a request after it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx

from assistant.budget import Budget, remaining

__all__ = ["Budget", "DeadlineTransport", "http_client", "remaining"]


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
