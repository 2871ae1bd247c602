"""Query vectors for the searcher, and the rule that keeps a costly embedding off the event loop.

An ask answered on the server's event loop (`inline()`) must not run a sentence-embedding model
(12–30 ms on 2 cores, longer when both cores are busy): when its query vector is not cached yet, the
search raises `EmbeddingDeferred` and the caller runs the whole ask again in a worker pool, where the
vector is computed (and cached for the next time). Cheap embeddings (hashing, LSA) always run where
they are asked."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import numpy as np

_INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("chainqa_inline", default=False)


class EmbeddingDeferred(BaseException):  # noqa: N818 - a signal, not an error
    """The ask needs a query embedding that is not cached. A BaseException, so that no `except
    Exception` fallback (hybrid → lexical when the vector store fails) turns it into another answer."""


@contextlib.contextmanager
def inline() -> Iterator[None]:
    """Within this block a costly query embedding is deferred instead of computed."""
    token = _INLINE.set(True)
    try:
        yield
    finally:
        _INLINE.reset(token)


class QueryVectors:
    """`embedding.embed_query` for one query; a costly embedding (`costly = True`, with `has_query`)
    defers inside `inline()` when the vector is not cached."""

    def __init__(self, embedding: Any) -> None:
        self.embedding = embedding
        self.costly = bool(getattr(embedding, "costly", False))

    def __call__(self, query: str) -> np.ndarray:
        if self.costly and _INLINE.get() and not self.embedding.has_query(query):
            raise EmbeddingDeferred(query)
        return self.embedding.embed_query([query])[0]
