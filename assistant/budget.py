"""One answer's total deadline: `Budget(seconds).call(fn, *args)` runs `fn` with the deadline set, in a
context of its own, so one answer's steps (a generator driven from several threads) share one deadline
and nothing leaks out. The LLM's HTTP transport reads it (assistant/deadline.py); the service needs only
this module, so answering offline never imports an HTTP client."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from typing import Any, TypeVar

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
