"""How the HTTP routes get an answer. An offline answer takes about a millisecond, less than a hop to a
thread, so it runs on the event loop; the query embedding a free-text ask needs (a model: 12–30 ms)
is computed in the bounded worker pool and the ask then answers on the loop (retrieval/query_vectors.py),
so a slow ask never stalls /healthz or the other requests. LLM answers run in their own bounded pool (assistant/api/pool.py); a full pool
answers offline at once. Streams are async iterators of text deltas and then the final Answer, closed
deterministically when the client goes away."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from assistant.answer import Answer, Turn
from assistant.api.errors import error_body
from assistant.api.routes_common import sse
from assistant.api.state import AppState
from assistant.errors import ChainQAError
from assistant.service import Service
from retrieval.query_vectors import EmbeddingDeferred, inline

log = logging.getLogger("chainqa.api")
BUSY = "offline (llm busy)"
PIECE = 24  # characters per delta of an answer computed whole
T = TypeVar("T")
_DEFERRALS = 4


async def offloaded(state: AppState, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on the event loop; each query embedding it needs first is computed in the worker pool
    (an ask needs one or two). Answers are deterministic, so asking again gives the same answer."""
    for _ in range(_DEFERRALS):
        try:
            with inline():
                return fn(*args)
        except EmbeddingDeferred as need:
            await state.workers.run(need.compute)
    return await state.workers.run(fn, *args)  # still not cached (evicted meanwhile): all of it off the loop


async def answer(state: AppState, service: Service, question: str, history: list[Turn],
                 request_id: str = "") -> Answer:
    ask = functools.partial(service.ask, request_id=request_id)
    if not service.uses_llm:
        return await offloaded(state, ask, question, history)
    if state.pool.try_slot():
        return await state.pool.run(ask, question, history)
    busy = await offloaded(state, functools.partial(ask, engine="offline"), question, history)
    busy.engine = BUSY
    return busy


async def events(state: AppState, service: Service, question: str, history: list[Turn],
                 request_id: str = "") -> AsyncIterator[str | Answer]:
    """Deltas, then the Answer (the route has validated the input: bad input is a JSON 4xx, not a broken
    stream). Offline, the answer is computed (and logged) whole before the first delta; with the LLM,
    the service logs the stream when it ends, aborted or not."""
    if service.uses_llm and state.pool.try_slot():
        async for item in state.pool.iterate(service.stream(question, history, request_id=request_id)):
            yield item
        return
    whole = await answer(state, service, question, history, request_id)
    for i in range(0, len(whole.answer), PIECE):
        yield whole.answer[i : i + PIECE]
    yield whole


async def framed(items: AsyncIterator[str | Answer], frame: Callable[[str | Answer], str]) -> AsyncIterator[str]:
    """Server-sent events from `items`; a failure after the stream started is reported in-band."""
    try:
        async for item in items:
            if item:
                yield frame(item)
    except ChainQAError as exc:
        yield sse_error(exc.code, str(exc) if exc.public else "the service could not finish this answer")
    except Exception as exc:  # the stream has started: report in-band, never a traceback
        log.error("stream failed: %s", type(exc).__name__, exc_info=exc)
        yield sse_error("internal_error", "the service could not finish this answer")


def sse_error(code: str, message: str) -> str:
    return sse(error_body(code, message))
