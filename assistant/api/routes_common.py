"""What every route shares: the per-request view of app.state and the server-sent-event framing."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from fastapi import Request

from assistant.config import Settings
from assistant.errors import NotReady


def get_service(request: Request):
    """The current Service (a reindex swaps it atomically; a request keeps the one it started with)."""
    service = getattr(request.app.state, "service", None)
    if service is None:
        raise NotReady("the knowledge index is not loaded yet")
    return service


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request):
    """The feedback and question-log store (assistant.store.Store)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise NotReady("the feedback store is not open")
    return store


def sse(payload: Any) -> str:
    """One server-sent event carrying JSON (`data: {...}` and a blank line)."""
    return f"data: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n"


SSE_HEADERS = MappingProxyType({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
