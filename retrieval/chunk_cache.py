"""What a build computed per chunk text, kept in its snapshot so the next build reuses it: the BM25
tokens (valid for the same tokenizer words) and the vectors of a model (valid for the same embedding
identity; not kept for hashing, cheaper to recompute than to store, nor for LSA, refitted every build). Adding or changing one document then
tokenises and embeds only the chunks whose text is new. Keyed by sha256 of the exact text: a changed
chunk is a new key, a removed one is simply not asked for."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
TOKENS, VECTORS = "chunk_tokens.json", "chunk_vectors.npz"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _words_key(words: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()


class ChunkCache:
    """Tokens and vectors by chunk text, read from a previous snapshot directory (or empty)."""

    def __init__(self, directory: Path | None, words: Sequence[str], identity: str | None) -> None:
        self.words, self.identity = _words_key(words), identity
        self.tokens: dict[str, list[str]] = {}
        self.vectors: dict[str, np.ndarray] = {}
        self.embedded = self.tokenised = 0  # what this build computed itself
        if directory is not None:
            self._read(directory)

    def _read(self, directory: Path) -> None:
        try:
            data = json.loads((directory / TOKENS).read_text(encoding="utf-8"))
            if data.get("words") == self.words:
                self.tokens = data["tokens"]
            if self.identity is not None:
                with np.load(directory / VECTORS, allow_pickle=False) as npz:
                    if str(npz["identity"]) == self.identity:
                        self.vectors = dict(zip((str(k) for k in npz["keys"]), npz["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as exc:  # none yet, or unreadable: compute everything
            log.info("no reusable chunk cache in %s (%s)", directory.name, type(exc).__name__)

    def tokenise(self, texts: Sequence[str], tokens: Callable[[str], list[str]]) -> list[list[str]]:
        out = []
        for text in texts:
            key = text_key(text)
            if key not in self.tokens:
                self.tokens[key] = tokens(text)
                self.tokenised += 1
            out.append(self.tokens[key])
        return out

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

    def write(self, directory: Path, texts: Sequence[str]) -> None:
        """Keep what these texts need (nothing of chunks that are gone) in the new snapshot."""
        keys = list(dict.fromkeys(text_key(t) for t in texts))
        tokens = {k: self.tokens[k] for k in keys if k in self.tokens}
        (directory / TOKENS).write_text(json.dumps({"words": self.words, "tokens": tokens}, ensure_ascii=False),
                                        encoding="utf-8")
        kept = [k for k in keys if k in self.vectors]
        if self.identity is not None and kept:
            with (directory / VECTORS).open("wb") as fh:  # a file object: np.savez must not rename it
                np.savez(fh, identity=np.array(self.identity), keys=np.array(kept),
                         vectors=np.stack([self.vectors[k] for k in kept]))
