"""The vector store: Chroma, embedded (PersistentClient under data_dir/chroma) or a server (HttpClient).

chromadb is imported when the store is first used (~0.35 s, and ~0.15 s more to open the embedded
client): loading an index and answering from the tables or BM25 need neither (a server's client is
connected at once, so an unreachable server is known at start)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Collection as Collection_
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from retrieval.chunking import Chunk
from retrieval.errors import ConfigurationError, VectorStoreUnreachable

if TYPE_CHECKING:
    from chromadb.api.collection_configuration import CreateHNSWConfiguration
    from chromadb.api.models.Collection import Collection
    from chromadb.config import Settings

log = logging.getLogger(__name__)
PREFIX = "chainqa"  # every collection this project owns starts with it
SHARED = f"{PREFIX}-vectors"  # + the embedding's hash: the collection the snapshots of one embedding share
# HNSW search breadth: Chroma's default (100) missed 2–3 of the exact top 50 over 162 queries here, and
# which ones changed from build to build (the graph is built on several threads): the same eval run twice
# moved by a query. 200 is exact at this corpus size; at 28k random vectors it costs 0.4 ms (p50 0.95 → 1.35).
HNSW: CreateHNSWConfiguration = {"space": "cosine", "ef_search": 200}


def _settings() -> Settings:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def _persistent(path: Path) -> Any:
    import chromadb

    return chromadb.PersistentClient(path=str(path), settings=_settings())


def _parse_url(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigurationError(f"chroma_url must look like http://host:port, got {url!r}")
    ssl = parsed.scheme == "https"
    return parsed.hostname, parsed.port or (443 if ssl else 8000), ssl


class VectorStore:
    """Collections of chunk vectors. The embedding function is always ours, never Chroma's default."""

    def __init__(self, data_dir: Path, chroma_url: str | None = None, fallback_embedded: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self.url = chroma_url
        self._client: Any = None  # the embedded one: opened on first use
        if chroma_url:
            host, port, ssl = _parse_url(chroma_url)  # a malformed URL is a configuration error
            try:
                import chromadb

                self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_settings())
                self._client.heartbeat()
            except Exception as exc:
                if not fallback_embedded:
                    raise VectorStoreUnreachable(f"Chroma server {chroma_url} is unreachable: {exc}") from exc
                log.warning("Chroma server %s unreachable (%s); using the embedded store", chroma_url, exc)
                self.url, self._client = None, None

    @property
    def client(self) -> Any:
        """The Chroma client; the embedded one is opened here the first time (racing threads may both open
        it: chromadb hands both the same system for one path)."""
        if self._client is None:
            self._client = self._embedded()
        return self._client

    @property
    def opened(self) -> bool:
        return self._client is not None

    @property
    def _path(self) -> Path:
        return self.data_dir / "chroma"

    def _embedded(self):
        """The embedded store; a store whose database is damaged is moved aside and started anew (its
        collections are rebuilt from knowledge/ by the index)."""
        self._path.mkdir(parents=True, exist_ok=True)
        try:
            return _persistent(self._path)
        except Exception as exc:
            _forget(self._path)  # chromadb caches the system before starting it, even when start fails
            if not is_damaged(exc):
                raise
            log.error("the embedded vector store is damaged (%s); starting a new one", exc)
            self._quarantine()
            return _persistent(self._path)

    def reset(self) -> None:
        """Move the damaged embedded store aside (kept for inspection) and open an empty one."""
        if self.url:
            raise RuntimeError("a Chroma server is not ours to reset")
        _forget(self._path)
        self._quarantine()
        self._client = _persistent(self._path)

    def _quarantine(self) -> None:
        if self._path.exists():
            aside = self._path.with_name(f"chroma.damaged-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}")
            self._path.rename(aside)
            log.error("the damaged vector store was moved to %s", aside.name)
        self._path.mkdir(parents=True, exist_ok=True)

    @property
    def key(self) -> str:
        """Which store this is, as a file-name-safe word (the index pointer is kept per store)."""
        if not self.url:
            return "embedded"
        return "server-" + re.sub(r"[^A-Za-z0-9]+", "_", self.url.split("://", 1)[-1]).strip("_")

    def shared_name(self, identity: str) -> str:
        """The collection the snapshots of this data_dir embedded with `identity` share. A Chroma server
        may serve other data_dirs too, which prune theirs: the name holds an id of this data_dir."""
        owner = self.data_dir / "vectors-owner.txt"
        if not owner.is_file():  # written aside, then linked: no process reads it half-written
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = owner.with_name(f".{owner.name}.{uuid.uuid4().hex[:8]}")
            tmp.write_text(uuid.uuid4().hex, encoding="utf-8")
            with contextlib.suppress(FileExistsError):
                os.link(tmp, owner)
            tmp.unlink()
        digest = hashlib.sha256(f"{owner.read_text(encoding='utf-8').strip()}|{identity}".encode())
        return f"{SHARED}-{digest.hexdigest()[:24]}"

    def names(self) -> list[str]:
        return [c.name for c in self.client.list_collections() if c.name.startswith(PREFIX)]

    @property
    def _batch(self) -> int:
        return max(1, min(512, self.client.get_max_batch_size()))

    def fill(self, name: str, embedding, keys: Sequence[str], chunks: Sequence[Chunk], texts: Sequence[str],
             vectors=None, present: Collection_[str] = frozenset()) -> tuple[Collection, int]:
        """The collection `name` (created when missing) holding a vector for every key, and how many were
        added: only the keys it lacks are embedded (in batches; `vectors`: the function that gives them,
        when not `embedding` itself). keys[i] names texts[i] (a hash of it: the same text, the same vector),
        so a collection shared by successive snapshots gets only a new document's chunks. `present`: keys
        the caller knows it holds (those of the snapshot in service), not asked for again."""
        from retrieval.chroma_function import chroma_function

        collection = self.client.get_or_create_collection(name=name, embedding_function=chroma_function(embedding),
                                                          configuration={"hnsw": HNSW})
        first: dict[str, int] = {}  # key → its first position
        for i, key in enumerate(keys):
            if key not in present:
                first.setdefault(key, i)
        have = set(collection.get(ids=list(first), include=[])["ids"]) if first else set()
        todo = sorted(i for k, i in first.items() if k not in have)
        batch = self._batch
        for j in range(0, len(todo), batch):
            part = todo[j:j + batch]
            docs = [texts[i] for i in part]
            collection.add(
                ids=[keys[i] for i in part], documents=docs, embeddings=np.asarray((vectors or embedding)(docs)),
                metadatas=[{"doc_id": chunks[i].doc_id, "province": chunks[i].province, "kind": chunks[i].kind,
                            "start": chunks[i].start, "end": chunks[i].end, "section": chunks[i].section}
                           for i in part])
        return collection, len(todo)

    def prune(self, name: str, gone: set[str], keep: set[str]) -> int:
        """Delete the keys of `gone` not in `keep` from collection `name`; when it still holds more than
        `keep` (vectors of a build that failed half-way), every key not in `keep`. Returns how many."""
        try:
            collection = self.client.get_collection(name=name, embedding_function=None)
        except Exception as exc:
            if is_gone(exc):
                return 0
            raise
        drop = list(gone - keep)
        if collection.count() - len(drop) > len(keep):
            drop = [k for k in collection.get(include=[])["ids"] if k not in keep]
        batch = self._batch
        for j in range(0, len(drop), batch):
            collection.delete(ids=drop[j:j + batch])
        return len(drop)

    def get(self, name: str, embedding) -> Collection:
        from retrieval.chroma_function import chroma_function

        return self.client.get_collection(name=name, embedding_function=chroma_function(embedding))

    def drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name=name)
        except Exception as exc:  # already gone (another process cleaned up): nothing to do
            log.debug("drop %s: %s", name, exc)


def _chroma_error(exc: BaseException, name: str) -> bool:
    """Whether `exc` is chromadb's error `name` (when chromadb is not imported, no error is one of its)."""
    errors = sys.modules.get("chromadb.errors")
    return errors is not None and isinstance(exc, getattr(errors, name))


def is_gone(exc: BaseException) -> bool:
    """A collection that does not exist (another process dropped it, or the store was started anew)."""
    return _chroma_error(exc, "NotFoundError")


def is_damaged(exc: BaseException) -> bool:
    """The embedded store's SQLite database cannot be read ("file is not a database", "malformed")."""
    text = str(exc).lower()
    return _chroma_error(exc, "InternalError") and ("database" in text or "malformed" in text)


def _forget(path: Path) -> None:
    """Drop chromadb's cached system for `path` (private API: there is no public way to reopen a path)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    system = SharedSystemClient._identifier_to_system.pop(str(path), None)
    if system is not None:
        try:
            system.stop()
        except Exception as exc:  # a system that never started cannot stop cleanly: forgotten all the same
            log.debug("stopping the chroma system for %s: %s", path, exc)


def where_clause(province: str | None = None, doc_id: str | None = None) -> dict | None:
    parts = [{"province": province}] if province else []
    parts += [{"doc_id": doc_id}] if doc_id else []
    return {"$and": parts} if len(parts) > 1 else (parts[0] if parts else None)


def query(collection: Collection, vector: np.ndarray, n: int, where: dict | None = None) -> list[tuple[str, float]]:
    """(chunk id, cosine similarity) of the n nearest chunks, best first."""
    if n <= 0:
        return []
    res = collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()], n_results=n,
                           where=where, include=["distances"])
    ids, dists = res["ids"][0], (res["distances"] or [[]])[0]
    return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]


def rank_ids(collection: Collection, vector: np.ndarray, ids: Sequence[str], n: int) -> list[tuple[str, float]]:
    """Exact cosine ranking of the given ids (for selective filters, where Chroma's `where` is slow)."""
    if not ids or n <= 0:
        return []
    got = collection.get(ids=list(ids), include=["embeddings"])
    matrix = np.asarray(got["embeddings"], dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1) * max(float(np.linalg.norm(vector)), 1e-12)
    sims = matrix @ np.asarray(vector, dtype=np.float32) / np.where(norms == 0, 1.0, norms)
    best = np.argsort(-sims, kind="stable")[:n]
    return [(got["ids"][i], float(sims[i])) for i in best]
