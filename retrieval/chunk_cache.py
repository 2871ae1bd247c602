"""The vectors a build computed with a model, kept in its snapshot by chunk text so the next build
embeds only the texts that are new (valid for the same embedding identity; not kept for hashing, cheaper
to recompute than to store, nor for LSA, refitted every build). Keyed by sha256 of the exact search text:
a changed chunk is a new key, a removed one is simply not asked for. (The BM25 term counts are kept per
document: retrieval/chunk_table.py.)"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
VECTORS = "chunk_vectors.npz"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class ChunkCache:
    """Vectors by chunk text, read from a previous snapshot directory (or empty)."""

    def __init__(self, directory: Path | None, identity: str | None) -> None:
        self.identity = identity
        self.vectors: dict[str, np.ndarray] = {}
        self.embedded = 0  # what this build computed itself
        if directory is not None and identity is not None:
            self._read(directory)

    def _read(self, directory: Path) -> None:
        try:
            with np.load(directory / VECTORS, allow_pickle=False) as npz:
                if str(npz["identity"]) == self.identity:
                    self.vectors = dict(zip((str(k) for k in npz["keys"]), npz["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as exc:  # none yet, or unreadable: compute everything
            log.info("no reusable vectors in %s (%s)", directory.name, type(exc).__name__)

    def embedder(self, embedding: Callable[[list[str]], Sequence]) -> Callable[[list[str]], np.ndarray]:
        """`embedding` for a batch of texts, computing only the vectors not cached."""
        if self.identity is None:  # vectors not kept: every text is embedded
            def embed_all(texts: list[str]) -> np.ndarray:
                self.embedded += len(texts)
                return np.asarray(embedding(texts), dtype=np.float32)

            return embed_all

        def embed(texts: list[str]) -> np.ndarray:
            keys = [text_key(t) for t in texts]
            missing = [i for i, k in enumerate(keys) if k not in self.vectors]
            if missing:
                for i, vector in zip(missing, embedding([texts[i] for i in missing]), strict=True):
                    self.vectors[keys[i]] = np.asarray(vector, dtype=np.float32)
                self.embedded += len(missing)
            return np.stack([self.vectors[k] for k in keys])

        return embed

    def write(self, directory: Path, keys: Sequence[str]) -> None:
        """Keep the vectors of these keys (nothing of chunks that are gone) in the new snapshot."""
        kept = [k for k in dict.fromkeys(keys) if k in self.vectors]
        if self.identity is not None and kept:
            with (directory / VECTORS).open("wb") as fh:  # a file object: np.savez must not rename it
                np.savez(fh, identity=np.array(self.identity), keys=np.array(kept),
                         vectors=np.stack([self.vectors[k] for k in kept]))
