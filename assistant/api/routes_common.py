"""What every route shares: the dependencies (from assistant/api/state.py, re-exported for the routes
that import them from here) and the server-sent-event framing."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from assistant.api.state import (
    ServiceDep,
    SettingsDep,
    StateDep,
    StoreDep,
    get_service,
    get_settings,
    get_store,
)

__all__ = ["SSE_HEADERS", "ServiceDep", "SettingsDep", "StateDep", "StoreDep", "get_service", "get_settings",
           "get_store", "sse"]


def sse(payload: Any) -> str:
    """One server-sent event carrying JSON (`data: {...}` and a blank line)."""
    return f"data: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n"


SSE_HEADERS = MappingProxyType({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
