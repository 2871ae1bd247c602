"""The knowledge index: ingestion (build aside, then switch) and the searchable snapshot in service.

Under data_dir: chroma/ (the embedded store), indexes/<name>/ (one snapshot: documents, tables, chunks,
BM25, LSA model, the keys of its vectors; meta.json written last), current-<store>-<embedding>.json (the
pointer to the snapshot in service, replaced atomically) and ingest.lock (serialises ingestion between
processes). The vectors of one embedding's snapshots share one collection, keyed by a hash of each chunk's
search text: a build adds only new texts, a switch deletes those no kept snapshot has (an LSA fit has a
collection of its own)."""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.chunking import Chunk
from retrieval.documents import Document, as_files, read_documents
from retrieval.embeddings import make_embedding
from retrieval.errors import IndexUnavailable, KnowledgeFileError
from retrieval.file_digests import FILE as DIGESTS
from retrieval.file_digests import FileDigests
from retrieval.gazetteer import Gazetteer
from retrieval.index_files import (
    copy_knowledge,
    drop_snapshots,
    knowledge_fingerprint,
    link_or_copy,
    lock,
    paused_gc,
    read_pointer,
    served_elsewhere,
    write_json,
)
from retrieval.lexical import Tokenizer
from retrieval.pinyin import FILE as PINYIN
from retrieval.registry import Tables, load_tables
from retrieval.search import FusionWeights, Hit, Mode
from retrieval.snapshot import Parts, Snapshot, keep_pinyin, read_snapshot
from retrieval.snapshot_write import Parsed, write_snapshot
from retrieval.vectors import PREFIX, VectorStore, is_damaged, is_gone

if TYPE_CHECKING:
    from retrieval.retriever import ChainQARetriever

log = logging.getLogger(__name__)
@dataclass(frozen=True)
class IndexConfig:
    knowledge_dir: Path
    data_dir: Path
    chroma_url: str | None = None
    embedding: str = "hashing"
    embedding_options: dict = field(default_factory=dict)  # model, base_url, api_key, dim, cache_dir
    weights: FusionWeights = field(default_factory=FusionWeights)
    fallback_embedded: bool = False
    _shared: dict = field(default_factory=dict, compare=False, repr=False)

    def make_embedding(self, snapshot_dir: Path | None = None):
        """LSA is fitted per snapshot; any other embedding is one object per index, so a model (e5) is
        loaded once and its query cache is kept across rebuilds."""
        if self.embedding == "lsa":
            return make_embedding(self.embedding, data_dir=snapshot_dir, **self.embedding_options)
        if "embedding" not in self._shared:
            self._shared["embedding"] = make_embedding(self.embedding, **self.embedding_options)
        return self._shared["embedding"]


class KnowledgeIndex:
    """Documents, chunks and hybrid search over them; `refresh` rebuilds aside and switches atomically."""

    def __init__(self, config: IndexConfig, store: VectorStore) -> None:
        self.config, self.store = config, store
        self._snapshot: Snapshot | None = None
        self.last_error: str | None = None  # why the index in service is older than knowledge/
        self.stats: dict = {}
        self._tokenizer: Tokenizer | None = None
        self.build_stats: dict = {}  # of the last build: chunk texts tokenised and embedded anew
        self._built: Parts | None = None  # what the last build wrote, until its load takes it
        self._known: dict[str, set[str]] = {}  # the vector keys of the last build's snapshots, until its switch

    @classmethod
    def open(cls, knowledge_dir: Path, data_dir: Path, chroma_url: str | None = None, embedding: str = "hashing",
             *, rebuild: bool = False, embedding_options: dict | None = None,
             weights: FusionWeights | None = None, fallback_embedded: bool = False) -> KnowledgeIndex:
        """Load the index, building it first if missing or stale. When knowledge/ is broken but an
        older index exists, that index is served and `last_error` says why."""
        config = IndexConfig(Path(knowledge_dir), Path(data_dir), chroma_url, embedding, embedding_options or {},
                             weights or FusionWeights(), fallback_embedded)
        index = cls(config, VectorStore(config.data_dir, chroma_url, fallback_embedded))
        try:
            index.refresh(rebuild=rebuild)
        except KnowledgeFileError as exc:
            if not index._load_current():
                raise
            index.last_error = str(exc)
            log.warning("knowledge/ is broken, serving the previous index %s: %s", index.collection_name, exc)
        return index

    @classmethod
    def ingest(cls, knowledge_dir: Path, data_dir: Path, chroma_url: str | None = None, embedding: str = "hashing",
               rebuild: bool = False, embedding_options: dict | None = None) -> dict:
        """Build the index if missing or stale (always with rebuild=True); returns the stats
        {documents, chunks, seconds, fingerprint, collection, built, store}. Raises KnowledgeFileError."""
        config = IndexConfig(Path(knowledge_dir), Path(data_dir), chroma_url, embedding, embedding_options or {})
        return cls(config, VectorStore(config.data_dir, chroma_url)).refresh(rebuild=rebuild)

    @property
    def _current(self) -> Snapshot:
        if self._snapshot is None:
            raise IndexUnavailable("the knowledge index is not loaded")
        return self._snapshot

    @property
    def documents(self) -> dict[str, Document]:
        return self._current.documents

    @property
    def tables(self) -> Tables:
        """The tables of the snapshot in service (the last good ones when knowledge/ is broken)."""
        return self._current.tables

    @property
    def knowledge_dir(self) -> Path:
        """The knowledge files of the snapshot in service (knowledge/ itself for an older snapshot)."""
        copy = self.config.data_dir / "indexes" / self._current.name / "knowledge"
        return copy if copy.is_dir() else self.config.knowledge_dir

    @property
    def chunks(self) -> Sequence[Chunk]:
        return self._current.chunks

    @property
    def gazetteer(self) -> Gazetteer:
        return self._current.gazetteer

    @property
    def vector_collection(self) -> str:
        return self._current.searcher.vectors.name

    @property
    def vector_problem(self) -> str | None:
        """None once the vectors of the snapshot in service are checked; else why search goes without them."""
        vectors = self._current.searcher.vectors
        if vectors.ready:
            return None
        if vectors.problem:
            return f"the vector index is incomplete ({vectors.problem}); it is being rebuilt, keyword search answers"
        return "the vector index is being checked; keyword search answers meanwhile"

    def verify_vectors(self) -> bool:
        """Check that the vector store holds every vector of the snapshot in service (once; the warm-up
        calls it, else the first search that needs vectors). A missing or incomplete collection, or a
        damaged store, is healed by building the index again. True when the vectors serve."""
        vectors = self._current.searcher.vectors
        try:
            vectors.check()
            return True
        except Exception as exc:
            log.warning("the vectors of index %s are not usable (%s: %s); rebuilding it", self.collection_name,
                        type(exc).__name__, exc)
        self.refresh(rebuild=True)  # the new snapshot's vectors are filled and verified by its build
        return self._current.searcher.vectors.ready

    @property
    def fingerprint(self) -> str:
        return self._current.fingerprint

    @property
    def collection_name(self) -> str:
        return self._current.name

    def search(self, query: str, k: int = 5, province: str | None = None, doc_id: str | None = None,
               mode: Mode = "hybrid") -> list[Hit]:
        snapshot = self._current  # one reference: a concurrent switch cannot mix two indexes
        if not (self.config.data_dir / "indexes" / snapshot.name).is_dir() and self._load_current():
            snapshot = self._current  # another process dropped it (and its vectors from the shared collection)
        if mode != "lexical" and snapshot.searcher.vectors.unchecked:
            self._verify_quietly()  # nothing has checked them yet (no warm-up ran): check, or heal, now
            snapshot = self._current
        try:
            return snapshot.searcher.search(query, k, province, doc_id, mode)
        except Exception as exc:
            if not is_gone(exc):
                raise
            log.info("collection %s is gone; reloading the index in service", snapshot.name)  # replaced twice
            if not self._load_current() or self._current is snapshot:
                raise
            return self._current.searcher.search(query, k, province, doc_id, mode)

    def _verify_quietly(self) -> None:
        try:
            self.verify_vectors()
        except Exception as exc:  # e.g. knowledge/ broke since: the rebuild fails, BM25 answers meanwhile
            log.error("the vectors could not be rebuilt (%s: %s); searching without them", type(exc).__name__, exc)

    def section_at(self, doc_id: str, offset: int) -> str:
        return self._current.sections[doc_id].at(offset)

    def retriever(self, k: int = 5, province: str | None = None, doc_id: str | None = None,
                  mode: Mode = "hybrid") -> ChainQARetriever:
        from retrieval.retriever import ChainQARetriever

        return ChainQARetriever(index=self, k=k, province=province, doc_id=doc_id, mode=mode)

    @property
    def _pointer(self) -> Path:
        return self.config.data_dir / f"current-{self.store.key}-{self.config.embedding}.json"

    def _read_pointer(self) -> dict | None:
        return read_pointer(self._pointer)

    def refresh(self, rebuild: bool = False) -> dict:
        """Make the index in service match knowledge/: build aside if needed, then switch. A damaged
        embedded vector store is moved aside and everything rebuilt once."""
        try:
            with paused_gc():
                return self._refresh(rebuild)
        except KnowledgeFileError:
            raise
        except Exception as exc:
            if self.store.url or not is_damaged(exc):
                raise
            log.error("the embedded vector store failed (%s); resetting it and rebuilding", exc)
            self.store.reset()
            self._snapshot = None  # it searched the store that was just moved aside
            return self._refresh(True)

    def _refresh(self, rebuild: bool) -> dict:
        started = time.perf_counter()
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        digests = FileDigests(self.config.data_dir / DIGESTS, trusted=not rebuild)  # a rebuild hashes every file
        try:
            fp = knowledge_fingerprint(self.config.knowledge_dir, self.config.make_embedding().identity(), digests)
            built = False
            with lock(self.config.data_dir):
                pointer = self._read_pointer()
                usable = not rebuild and pointer and pointer.get("fingerprint") == fp and self._load(pointer["name"])
                if not usable:
                    name = self._build(fp, digests, reuse=not rebuild)
                    self._switch(name, fp, previous=pointer)
                    built = True
        finally:
            digests.save()
        snap = self._current
        self.stats = {"documents": len(snap.documents), "chunks": len(snap.chunks),
                      "seconds": round(time.perf_counter() - started, 3), "fingerprint": fp,
                      "collection": snap.name, "built": built, "store": self.store.key}
        self.last_error = None
        return self.stats

    def _build(self, fp: str, digests: FileDigests, reuse: bool) -> str:
        """Everything of a new snapshot, under a name nothing serves yet; `reuse`: take the chunks of the
        documents the previous snapshot holds unchanged. Raises KnowledgeFileError; a failed build
        leaves nothing behind."""
        previous = self._previous_directory()
        parsed = Parsed.kept(previous) if reuse else Parsed()
        docs, texts = read_documents(self.config.knowledge_dir, parsed.entries, digests)
        tables = load_tables(self.config.knowledge_dir, docs, parsed.items)
        name = f"{PREFIX}-{fp[:12]}-{uuid.uuid4().hex[:8]}"
        directory = self.config.data_dir / "indexes" / name
        directory.mkdir(parents=True)
        try:
            # the knowledge files as indexed: the engine reads them from here, so a broken knowledge/
            # later on cannot stop the last good snapshot from serving (docs/RELIABILITY.md)
            copy_knowledge(self.config.knowledge_dir, directory, previous, digests, as_files(docs, texts))
            if previous is not None and (previous / PINYIN).is_file():  # the names' pinyin: no pypinyin at load
                link_or_copy(previous / PINYIN, directory / PINYIN)
            built = write_snapshot(directory, name, fp, docs, tables, previous, self.config.make_embedding(directory),
                                   self.store, reuse, parsed, texts)
            self._tokenizer, self.build_stats, self._built = built.tokenizer, built.stats, built.parts
            self._known = built.known
        except BaseException:  # what it added to a shared collection goes at the next switch
            shutil.rmtree(directory, ignore_errors=True)
            self.store.drop(name)
            raise
        return name

    def _previous_directory(self) -> Path | None:
        """The snapshot in service (or last served), whose chunk cache a new build reuses."""
        pointer = self._read_pointer()
        directory = self.config.data_dir / "indexes" / pointer["name"] if pointer else None
        return directory if directory is not None and directory.is_dir() else None

    def _switch(self, name: str, fp: str, previous: dict | None) -> None:
        """Serve `name`, then drop our snapshots but it and the previous one (requests in flight may use it)
        with their vectors; only snapshots with a directory under our data_dir are ours to drop."""
        if not self._load(name, built=True):
            raise IndexUnavailable(f"the new index {name} does not load")
        write_json(self._pointer, {"name": name, "fingerprint": fp, "previous": (previous or {}).get("name")})
        keep = {name, (previous or {}).get("name")} | served_elsewhere(self.config.data_dir, self._pointer)
        known, self._known = self._known, {}
        drop_snapshots(self.config.data_dir / "indexes", name, keep, self.store, known)

    def _load_current(self) -> bool:
        pointer = self._read_pointer()
        return pointer is not None and bool(pointer) and self._load(pointer["name"])

    def _load(self, name: str, built: bool = False) -> bool:
        """Load snapshot `name` and put it in service; False if it is incomplete or missing. `built`: just
        built here, from the parts the build holds (its vectors are in the collection)."""
        if self._snapshot is not None and self._snapshot.name == name:
            return True
        directory = self.config.data_dir / "indexes" / name
        parts, self._built = (self._built if built else None), None
        try:
            self._snapshot = read_snapshot(directory, self.config.make_embedding(directory), self.config.weights,
                                           self.store, self._tokenizer, parts)
        except Exception as exc:  # any unreadable part (truncated file, wrong shape, damaged store): rebuild
            log.warning("index %s is not usable (%s: %s); it will be rebuilt", name, type(exc).__name__, exc)
            return False
        keep_pinyin(directory, self._snapshot)  # the next load of it needs no pypinyin
        return True
