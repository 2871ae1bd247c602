"""Embedding caches: vectors on disk keyed by content, shared by every data dir of a machine, and a small
in-memory LRU for query vectors.

A sentence-embedding model costs about 0.1–0.4 s per chunk on 2 cores (the whole corpus: minutes), so
a vector is computed once per (model identity, exact text) and kept under
`root/<sha256(identity)[:16]>/<h[:2]>/<h>.npy`, h = sha256(text). Entries are immutable and content
addressed, so several processes may write the same key at once: each writes a temporary file and
os.replace()s it into place, and whichever lands last holds the same bytes. Anything unreadable,
truncated or of the wrong shape, dtype or norm is a miss (and is overwritten by the recomputed vector):
the cache may only ever make things faster, never wrong. Nothing is evicted; the directory may be
deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "chainqa" / "embeddings"
_NPY_MAGIC = b"\x93NUMPY"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors of one model on disk. `unit`: entries must have length 1 (the model normalises)."""

    def __init__(self, root: str | Path, identity: str, dim: int, unit: bool = True) -> None:
        self.root, self.identity, self.dim, self.unit = Path(root), identity, dim, unit
        self.dir = self.root / hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
        self.hits = self.misses = self.write_errors = 0

    def path(self, text: str) -> Path:
        key = text_key(text)
        return self.dir / key[:2] / f"{key}.npy"

    def get(self, text: str) -> np.ndarray | None:
        try:
            data = self.path(text).read_bytes()
        except OSError:  # missing, or unreadable: either way a miss
            self.misses += 1
            return None
        vector = self._decode(data)
        if vector is None:
            log.info("embedding cache: discarding a corrupt entry %s", self.path(text).name)
            self.misses += 1
            return None
        self.hits += 1
        return vector

    def _decode(self, data: bytes) -> np.ndarray | None:
        if not data.startswith(_NPY_MAGIC):
            return None
        try:
            vector = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, EOFError, OSError):  # truncated or a damaged header
            return None
        if vector.shape != (self.dim,) or vector.dtype != np.float32 or not np.all(np.isfinite(vector)):
            return None
        if self.unit and abs(float(np.linalg.norm(vector)) - 1.0) > 1e-3:
            return None
        vector.setflags(write=False)
        return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        """Store `vector` for `text`; an unwritable cache is logged and otherwise ignored."""
        vector = np.ascontiguousarray(vector, dtype=np.float32)
        if vector.shape != (self.dim,) or not np.all(np.isfinite(vector)):
            raise ValueError(f"not a {self.dim}-dim finite vector: shape {vector.shape}")
        buffer = io.BytesIO()
        np.save(buffer, vector, allow_pickle=False)
        target = self.path(text)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(buffer.getvalue())
            os.replace(tmp, target)  # atomic: readers see no entry or a whole one
        except OSError as exc:
            self.write_errors += 1
            if self.write_errors == 1:  # once per cache, not once per chunk
                log.warning("embedding cache %s is not writable (%s); vectors are recomputed", self.dir, exc)
            with contextlib.suppress(OSError):  # the directory itself may be what failed
                tmp.unlink(missing_ok=True)

    def get_many(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        return [self.get(t) for t in texts]

    def put_many(self, texts: Sequence[str], vectors: Sequence[np.ndarray]) -> None:
        for text, vector in zip(texts, vectors, strict=True):
            self.put(text, vector)


class LruCache:
    """A bounded, thread-safe mapping that forgets the least recently used entry first."""

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            if key not in self._data:
                return None
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
