"""A snapshot of the index as loaded for serving, and the loader that checks every part of it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from retrieval.chunk_table import KEYS, ChunkRows, ChunkTable
from retrieval.chunking import Chunk, SectionMap
from retrieval.document_names import DocumentNames
from retrieval.documents import Document, Stored, copied_as
from retrieval.embeddings import LsaEmbedding
from retrieval.gazetteer import Gazetteer
from retrieval.lexical import LexicalIndex, Tokenizer
from retrieval.pinyin import FILE as PINYIN
from retrieval.pinyin import Pinyin
from retrieval.query_vectors import QueryVectors
from retrieval.registry import Tables
from retrieval.search import AnswerTypes, FusionWeights, QueryExpander, Searcher
from retrieval.snapshot_vectors import SnapshotVectors
from retrieval.vectors import VectorStore

STORED = TypeAdapter(dict[str, Stored])  # documents.json: parsed and validated in one pass


def stored_documents(docs: dict[str, Document]) -> bytes:
    """documents.json: the documents, each text left to the knowledge copy where it is one of its files
    (copy_knowledge writes the text indexed there, byte for byte)."""
    return STORED.dump_json({k: Stored(meta=d.meta, text=None if copied_as(d.meta) else d.text)
                             for k, d in docs.items()}, exclude_none=True)


def read_stored(directory: Path) -> dict[str, Document]:
    docs = {}
    for key, stored in STORED.validate_json((directory / "documents.json").read_bytes()).items():
        text, file = stored.text, copied_as(stored.meta)
        if text is None:
            if file is None:
                raise ValueError(f"documents.json holds no text of {key}, and the copy has no file of it")
            text = (directory / "knowledge" / file).read_bytes().decode("utf-8")
        docs[key] = Document.model_construct(meta=stored.meta, text=text)  # both validated already
    return docs


@dataclass(frozen=True)
class Snapshot:
    """A loaded, complete index; never mutated once in service."""

    name: str
    fingerprint: str
    documents: dict[str, Document]
    tables: Tables  # the knowledge base this snapshot was built from (served with it, loaded once)
    chunks: Sequence[Chunk]
    searcher: Searcher
    sections: Mapping[str, SectionMap]
    gazetteer: Gazetteer


@dataclass(frozen=True)
class Parts:
    """The parts of a snapshot that a load reads from its files: a build hands over what it has just
    written, as it holds them, so that its own load reads none of it back (at 100× the documents, the
    tables, the chunk table and BM25 are ~50 MB of JSON and arrays)."""

    name: str
    documents: dict[str, Document]
    tables: Tables
    table: ChunkTable
    lexical: LexicalIndex
    names: DocumentNames  # the documents' names for the gazetteer, by their content keys (table.doc_keys)


def read_parts(directory: Path, name: str, tokenizer: Tokenizer | None) -> Parts:
    docs = read_stored(directory)
    tables = Tables.model_validate_json((directory / "tables.json").read_text(encoding="utf-8"))
    table = ChunkTable.load(directory, json.loads((directory / KEYS).read_text(encoding="utf-8")))
    return Parts(name, docs, tables, table, LexicalIndex.load(directory / "lexical", tokenizer),
                 DocumentNames.read(directory))


def read_snapshot(directory: Path, embedding, weights: FusionWeights, store: VectorStore,
                  tokenizer: Tokenizer | None, built: Parts | None = None) -> Snapshot:
    """Load the snapshot in `directory`; raises on anything missing, truncated or inconsistent (the
    caller treats every such error as "unusable, rebuild"). Its vectors are checked later (SnapshotVectors).
    `built`: the parts of this snapshot as the caller's build wrote them; it has also just filled the
    vectors, so the collection is not asked whether it holds them all."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise ValueError(f"meta.json holds a {type(meta).__name__}, not an object")
    if isinstance(embedding, LsaEmbedding) and not embedding.fitted:
        raise ValueError("the LSA model is missing")
    if embedding.identity() != meta["embedding"]:
        raise ValueError(f"built with {meta['embedding']}, configured {embedding.identity()}")
    verified = built is not None and built.name == meta["name"]
    parts = built if built is not None and verified else read_parts(directory, meta["name"], tokenizer)
    docs, tables, table = parts.documents, parts.tables, parts.table
    keys = table.vector_keys
    if table.doc_ids != list(docs) or len(keys) != meta["indexed"]:
        raise ValueError(f"{len(keys)} vector keys for {meta['indexed']} chunks, or other documents")
    ordered = list(docs.values())
    chunks, indexed = ChunkRows(table, ordered), ChunkRows(table, ordered, table.indexed)
    vectors = SnapshotVectors(store, meta["collection"], embedding, keys, verified)
    known = json.loads((directory / PINYIN).read_text(encoding="utf-8")) if (directory / PINYIN).is_file() else {}
    gazetteer = Gazetteer(tables, {k: d.text for k, d in docs.items()}, Pinyin(known), parts.names,
                          dict(zip(table.doc_ids, table.doc_keys, strict=True)))
    searcher = Searcher(indexed, keys, parts.lexical, vectors,
                        QueryVectors(embedding), QueryExpander(tables, gazetteer), weights,
                        AnswerTypes.kept(table.marks), gazetteer.syllables)
    return Snapshot(meta["name"], meta["fingerprint"], docs, tables, chunks, searcher, SectionMaps(docs), gazetteer)


class SectionMaps(Mapping[str, SectionMap]):
    """The section map of each document, made the first time it is asked for (a load makes none)."""

    def __init__(self, docs: dict[str, Document]) -> None:
        self._docs = docs
        self._maps: dict[str, SectionMap] = {}

    def __getitem__(self, doc_id: str) -> SectionMap:
        found = self._maps.get(doc_id)
        if found is None:
            found = self._maps[doc_id] = SectionMap(self._docs[doc_id])  # the same map if two threads race
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)


def keep_pinyin(directory: Path, snapshot: Snapshot) -> None:
    """Write the pinyin the loaded snapshot had to compute into its directory, for its next load."""
    syllables = snapshot.gazetteer.syllables
    if syllables.computed:
        tmp = directory / f".{PINYIN}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(dict(syllables.known), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, directory / PINYIN)  # a reader sees the whole file or none
        syllables.computed = 0
