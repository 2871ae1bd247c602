"""Query vectors for the searcher, and the rule that keeps a costly embedding off the event loop.

An ask answered on the server's event loop (`inline()`) must not run a sentence-embedding model
(12–30 ms on 2 cores, longer when both cores are busy): when its query vector is not cached yet, the
search raises `EmbeddingDeferred`, the caller computes the vector in a worker pool (`compute`, which
caches it) and asks again on the loop, where the vector is now found. Only the model call leaves the
loop: the rest of an ask is Python, which holds the GIL wherever it runs, and on worker threads it
starved the loop (/healthz took a second under free-text load). Cheap embeddings (hashing, LSA) always
run where they are asked."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from retrieval.embedding_cache import LruCache

_INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("chainqa_inline", default=False)


class EmbeddingDeferred(BaseException):  # noqa: N818 - a signal, not an error
    """The ask needs a query vector that is not cached: run `compute` off the loop, then ask again. A
    BaseException, so that no `except Exception` fallback (hybrid → lexical) turns it into another answer."""

    def __init__(self, query: str, compute: Callable[[], np.ndarray]) -> None:
        super().__init__(query)
        self.query, self.compute = query, compute


@contextlib.contextmanager
def inline() -> Iterator[None]:
    """Within this block a costly query embedding is deferred instead of computed."""
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


class QueryVectors:
    """`embedding.embed_query` for one query. A costly embedding (`costly = True`: a model, a remote
    call) keeps the vectors of the last `size` queries, and inside `inline()` defers a query it has not
    seen."""

    def __init__(self, embedding: Any, size: int = 4096) -> None:
        self.embedding = embedding
        self.costly = bool(getattr(embedding, "costly", False))
        self._vectors = LruCache(size if self.costly else 0)
        self.calls = self.computed = 0  # vectors handed out, and computed (the bench counts both)

    def __call__(self, query: str) -> np.ndarray:
        self.calls += 1
        if not self.costly:
            return self.embedding.embed_query([query])[0]
        vector = self._vectors.get(query)
        if vector is not None:
            return vector
        if _INLINE.get():
            raise EmbeddingDeferred(query, lambda: self.compute(query))
        return self.compute(query)

    def compute(self, query: str) -> np.ndarray:
        self.computed += 1
        vector = np.asarray(self.embedding.embed_query([query])[0], dtype=np.float32)
        vector.setflags(write=False)  # shared by every later ask of the same query
        self._vectors.put(query, vector)
        return vector
