"""A real embedding that counts what it is asked to embed: the hashing embedding marked costly, as a model
is (only a model's vectors are cached, and a model's query vector is computed off the event loop)."""

from __future__ import annotations

from retrieval.embeddings import HashingEmbedding


class CountingEmbedding(HashingEmbedding):
    costly = True

    def __init__(self) -> None:
        super().__init__()
        self.texts = 0  # texts embedded so far, documents and queries alike

    def __call__(self, input):
        self.texts += len(input)
        return super().__call__(input)
