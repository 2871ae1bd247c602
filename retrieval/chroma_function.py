"""Our embeddings (retrieval/embeddings.py) as Chroma's EmbeddingFunction. Only the vector store imports
this module, when it opens a collection: chromadb is not imported for a service that has not searched by
vector yet. The collection's stored configuration names our function (`chainqa-hashing`, …) as before:
Chroma registers the class under its static `name()` and rebuilds it with `build_from_config`, so each
of our embedding classes gets an adapter class of its own."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from retrieval.embeddings import EmbeddingBase


class ChromaFunction(EmbeddingFunction[Documents]):
    """Chroma's protocol, each part answered by the embedding it wraps."""

    def __init__(self, inner: EmbeddingBase) -> None:
        self.inner = inner

    def __call__(self, input: Documents) -> Embeddings:
        return self.inner(list(input))

    def embed_query(self, input: Documents) -> Embeddings:
        return self.inner.embed_query(list(input))

    def get_config(self) -> dict[str, Any]:
        return self.inner.get_config()

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]


def adapter_class(kind: type[EmbeddingBase]) -> type[ChromaFunction]:
    """The adapter class of one embedding class: Chroma calls `name` and `build_from_config` on it."""

    def build(config: dict[str, Any]) -> ChromaFunction:
        return made(kind.build_from_config(config))

    made = type(f"Chroma{kind.__name__}", (ChromaFunction,),
                {"name": staticmethod(kind.name), "build_from_config": staticmethod(build)})
    return made


def chroma_function(embedding: EmbeddingBase | None) -> ChromaFunction | None:
    """What Chroma is given for `embedding` (None: none, Chroma embeds nothing itself)."""
    if embedding is None or isinstance(embedding, ChromaFunction):
        return embedding
    return adapter_class(type(embedding))(embedding)
