"""The vectors of one snapshot: its collection in the vector store, opened and checked on first use.

Loading a snapshot does not touch the store (chromadb's import and the embedded client cost ~0.5 s of a
start-up that answers from the tables and BM25 meanwhile). The check that the collection holds every
vector of the snapshot runs once: in the service's warm-up, or in the first search that needs vectors.
While it runs elsewhere, a search answers from BM25 alone rather than wait."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from retrieval.vectors import VectorStore


class VectorsPending(RuntimeError):
    """The vectors are being checked by another thread, or failed their check: this search goes without."""


class SnapshotVectors:
    def __init__(self, store: VectorStore, collection: str, embedding: Any, keys: Sequence[str],
                 verified: bool = False) -> None:
        self.store, self.name, self.embedding, self.keys = store, collection, embedding, keys
        self._lock = threading.Lock()
        self._opened: tuple[Any, int] | None = None  # (collection, vectors of other snapshots it holds)
        self.problem: str | None = None  # why the last check failed
        if verified:  # just filled by this process's build: the store is open, every vector is there
            self._opened = (store.get(collection, embedding), 0)

    @property
    def ready(self) -> bool:
        return self._opened is not None

    @property
    def unchecked(self) -> bool:
        """Nothing has checked them yet, nor is checking them now."""
        return self._opened is None and self.problem is None and not self._lock.locked()

    def check(self) -> tuple[Any, int]:
        """Open the collection and check it holds every vector of the snapshot; raises when it does not
        (the caller rebuilds). Runs once; a thread arriving meanwhile waits for it."""
        with self._lock:
            if self._opened is None:
                try:
                    self._opened = self._open()
                except Exception as exc:
                    self.problem = f"{type(exc).__name__}: {exc}"
                    raise
                self.problem = None
            return self._opened

    def get(self) -> tuple[Any, int]:
        """(collection, extra) for a search; raises VectorsPending while another thread checks them or
        after a failed check (the index is rebuilding them)."""
        opened = self._opened
        if opened is not None:
            return opened
        if self.problem is not None or self._lock.locked():
            raise VectorsPending(self.problem or "the vectors are being checked")
        return self.check()

    def _open(self) -> tuple[Any, int]:
        collection = self.store.get(self.name, self.embedding)
        unique = set(self.keys)
        found = len(collection.get(ids=list(unique), include=[])["ids"]) if unique else 0
        if found != len(unique):
            raise ValueError(f"collection {self.name} has {found} of the snapshot's {len(unique)} vectors")
        return collection, max(0, collection.count() - found)
