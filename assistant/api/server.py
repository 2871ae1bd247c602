"""How ChainQA is served: uvicorn with h11 and its limits. `chainqa serve` and the tests' live servers
use the same configuration, so what the tests attack is what runs.

- headers: at most `max_header_bytes` (h11's incomplete-event limit; larger → 431 and the connection
  closes, the event loop never buffers more), and complete within `header_read_timeout_s` of the
  connection opening or of the previous response (a client dripping its headers is cut off, 408);
- bodies: complete within `body_read_timeout_s` (assistant/api/body.py);
- idle keep-alive connections close after `keep_alive_timeout_s`;
- uvicorn's proxy-header handling is off: the app itself believes X-Forwarded-For only from the
  `trusted_proxies` (assistant/api/clients.py)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from assistant.config import Settings

log = logging.getLogger("chainqa.api")


def _raw_response(status: int, reason: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            "connection: close\r\n\r\n")
    return head.encode("latin-1") + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for the request head and JSON errors for broken requests."""

    header_timeout_s: ClassVar[float | None] = None  # set by `options`; a worker process reads Settings
    max_header_bytes: ClassVar[int | None] = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm(None)

    def _arm(self, cycle: Any) -> None:
        self._disarm()
        self._armed_for = cycle  # a new cycle (a complete request head) disarms the timer
        timeout = self.header_timeout_s if self.header_timeout_s is not None else _settings().header_read_timeout_s
        self._head_timer = self.loop.call_later(timeout, self._head_timeout)

    def _disarm(self) -> None:
        timer = getattr(self, "_head_timer", None)
        if timer is not None:
            timer.cancel()
            self._head_timer = None

    def handle_events(self) -> None:
        super().handle_events()
        if self._head_timer is not None and self.cycle is not self._armed_for:
            self._disarm()

    def on_response_complete(self) -> None:
        finished = self.cycle
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle is finished:  # waiting for the next request
            self._arm(finished)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0]:
            self.transport.close()  # an idle keep-alive connection: nothing to answer
            return
        log.warning("closing a connection whose request head did not arrive in time")
        self.transport.write(_raw_response(408, "Request Timeout", "request_timeout",
                                           "the request headers did not arrive in time"))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        limit = self.max_header_bytes or _settings().max_header_bytes
        if len(self.conn.trailing_data[0]) >= limit:
            response = _raw_response(431, "Request Header Fields Too Large", "headers_too_large",
                                     f"the request line and headers are larger than {limit} bytes")
        else:
            response = _raw_response(400, "Bad Request", "bad_request", "invalid HTTP request")
        self.transport.write(response)
        self.transport.close()


_SETTINGS: list[Settings] = []


def _settings() -> Settings:
    if not _SETTINGS:
        _SETTINGS.append(Settings())
    return _SETTINGS[0]


def options(settings: Settings, workers: int = 1) -> dict[str, Any]:
    """uvicorn keyword arguments for these settings (Config or uvicorn.run). In one process the protocol
    is a subclass carrying these settings (several servers may run side by side, as in the tests);
    worker processes get the plain class (it must pickle), which reads the environment's settings."""
    protocol: type[GuardedH11Protocol] = GuardedH11Protocol
    if workers <= 1:
        protocol = type("GuardedH11Protocol", (GuardedH11Protocol,),
                        {"header_timeout_s": settings.header_read_timeout_s,
                         "max_header_bytes": settings.max_header_bytes})
    return {"http": protocol, "h11_max_incomplete_event_size": settings.max_header_bytes,
            "timeout_keep_alive": settings.keep_alive_timeout_s, "proxy_headers": False,
            "forwarded_allow_ips": "", "server_header": False,
            "access_log": False}  # the Guard logs every request once (assistant/api/guard.py)


def config(app, settings: Settings, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(app, **options(settings), **extra)


def run(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """`chainqa serve`: one process, or `workers` processes on one port (share the rate limit with
    `redis_url`); each worker builds its own app from the environment's settings."""
    if workers > 1:
        uvicorn.run("assistant.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", **options(settings, workers))
        return
    from assistant.api.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", **options(settings))
