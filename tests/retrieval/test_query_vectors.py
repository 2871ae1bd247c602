"""A costly query embedding is deferred inside `inline()` unless cached; cheap ones always compute."""

from __future__ import annotations

import pytest

from retrieval.embeddings import HashingEmbedding
from retrieval.query_vectors import EmbeddingDeferred, QueryVectors, inline


class CachedModel(HashingEmbedding):
    """A costly embedding with a query cache, as e5 is."""

    costly = True

    def __init__(self) -> None:
        super().__init__()
        self.cached: set[str] = set()

    def has_query(self, text: str) -> bool:
        return text in self.cached

    def embed_query(self, input):
        self.cached.update(input)
        return self(input)


def test_a_costly_embedding_defers_on_the_loop_until_cached():
    model = CachedModel()
    vectors = QueryVectors(model)
    with inline(), pytest.raises(EmbeddingDeferred):
        vectors("链长制")
    assert len(vectors("链长制")) == model.dim  # outside inline(): computed, and cached
    with inline():
        assert len(vectors("链长制")) == model.dim


def test_a_deferral_is_not_an_exception_fallbacks_catch():
    assert not issubclass(EmbeddingDeferred, Exception)


def test_a_cheap_embedding_computes_inline():
    with inline():
        assert len(QueryVectors(HashingEmbedding())("链长制")) == 2048
