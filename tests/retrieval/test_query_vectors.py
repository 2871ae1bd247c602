"""A costly query embedding is deferred inside `inline()` until the deferral's `compute` has run (off
the loop) and cached it; cheap embeddings always compute where they are asked."""

from __future__ import annotations

import pytest

from retrieval.embeddings import HashingEmbedding
from retrieval.query_vectors import EmbeddingDeferred, QueryVectors, inline
from tests.fakes.embeddings import CountingEmbedding


def test_a_costly_embedding_defers_on_the_loop_until_computed_once():
    model = CountingEmbedding()
    vectors = QueryVectors(model)
    with inline(), pytest.raises(EmbeddingDeferred) as deferred:
        vectors("链长制")
    assert deferred.value.query == "链长制" and model.texts == 0
    deferred.value.compute()  # what the worker pool runs
    with inline():
        assert len(vectors("链长制")) == model.dim
    assert len(vectors("链长制")) == model.dim and model.texts == 1  # cached: computed once


def test_outside_the_loop_a_costly_embedding_computes():
    model = CountingEmbedding()
    assert len(QueryVectors(model)("链长制")) == model.dim and model.texts == 1


def test_a_deferral_is_not_an_exception_fallbacks_catch():
    assert not issubclass(EmbeddingDeferred, Exception)


def test_a_cheap_embedding_computes_inline():
    with inline():
        assert len(QueryVectors(HashingEmbedding())("链长制")) == 2048
