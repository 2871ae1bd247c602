"""Bounded pools. `EnginePool` for LLM answers: at most `size` at once per process, on threads of their
own, so the offline routes, the tools, the documents and /healthz never wait behind a slow endpoint;
when every slot is taken the caller answers with the offline engine at once instead of queueing.
`WorkerPool` for asks that need a query embedding: at most `size` run at once, the others wait their
turn (off the event loop, which keeps answering everything else)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = object()


def _next(it: Iterator[Any]) -> Any:
    return next(it, _DONE)


class EnginePool:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._executor = concurrent.futures.ThreadPoolExecutor(self.size + 1, thread_name_prefix="chainqa-llm")
        self._slots = threading.BoundedSemaphore(self.size)

    def try_slot(self) -> bool:
        """Take a slot without waiting; the caller releases it (or hands it to `run`/`iterate`)."""
        return self._slots.acquire(blocking=False)

    def release(self) -> None:
        self._slots.release()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn` on the pool in a slot taken with `try_slot`; the slot is free again once `fn` has
        returned (not when a caller that went away stops waiting: the call still runs)."""
        try:
            future = self._executor.submit(fn, *args)
        except BaseException:
            self.release()
            raise
        future.add_done_callback(lambda _done: self.release())
        return await asyncio.wrap_future(future)

    async def iterate(self, it: Iterator[T]) -> AsyncIterator[T]:
        """Step a blocking iterator on the pool in a slot taken with `try_slot`. However the consumer
        stops (done, error, the client went away), the iterator is closed once its running step has
        finished, so its own clean-up (logging an aborted answer) runs, and then the slot is freed."""
        step: concurrent.futures.Future | None = None
        try:
            while True:
                step = self._executor.submit(_next, it)
                item = await asyncio.wrap_future(step)
                if item is _DONE:
                    return
                yield item
        finally:
            # not awaited: a cancelled consumer cannot wait; one spare thread keeps this from queueing
            self._executor.submit(self._close_after, step, it)

    def _close_after(self, step: concurrent.futures.Future | None, it: Iterator[Any]) -> None:
        try:
            if step is not None:
                concurrent.futures.wait([step])
            close = getattr(it, "close", None)
            if close is not None:
                close()
        finally:
            self.release()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class WorkerPool:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._executor = concurrent.futures.ThreadPoolExecutor(self.size, thread_name_prefix="chainqa-ask")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self._executor.submit(fn, *args))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
