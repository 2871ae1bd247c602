"""A snapshot of the index as loaded for serving, and the loader that checks every part of it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from retrieval.chunking import Chunk, SectionMap
from retrieval.documents import Document
from retrieval.embeddings import LsaEmbedding
from retrieval.gazetteer import Gazetteer
from retrieval.lexical import LexicalIndex, Tokenizer
from retrieval.pinyin import FILE as PINYIN
from retrieval.pinyin import Pinyin
from retrieval.query_vectors import QueryVectors
from retrieval.registry import Tables
from retrieval.search import AnswerTypes, FusionWeights, QueryExpander, Searcher
from retrieval.vectors import VectorStore

KEYS = "vector_keys.json"  # keys[i]: the collection id of indexed chunk i (a hash of its search text)


@dataclass(frozen=True)
class Snapshot:
    """A loaded, complete index; never mutated once in service."""

    name: str
    fingerprint: str
    documents: dict[str, Document]
    tables: Tables  # the knowledge base this snapshot was built from (served with it, loaded once)
    chunks: list[Chunk]
    searcher: Searcher
    sections: dict[str, SectionMap]
    gazetteer: Gazetteer


def open_vectors(store: VectorStore, name: str, embedding, keys: list[str]):
    """The snapshot's vector collection and how many vectors of other snapshots it holds besides; raises
    when any of the snapshot's own is missing."""
    collection = store.get(name, embedding)
    unique = set(keys)
    found = len(collection.get(ids=list(unique), include=[])["ids"]) if unique else 0
    if found != len(unique):
        raise ValueError(f"collection {name} has {found} of the snapshot's {len(unique)} vectors")
    return collection, max(0, collection.count() - found)


def read_snapshot(directory: Path, embedding, weights: FusionWeights, store: VectorStore,
                  tokenizer: Tokenizer | None) -> Snapshot:
    """Load the snapshot in `directory`; raises on anything missing, truncated or inconsistent (the
    caller treats every such error as "unusable, rebuild")."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    if not isinstance(meta, dict):
        raise ValueError(f"meta.json holds a {type(meta).__name__}, not an object")
    docs = {k: Document.model_validate(v)
            for k, v in json.loads((directory / "documents.json").read_text(encoding="utf-8")).items()}
    tables = Tables.model_validate_json((directory / "tables.json").read_text(encoding="utf-8"))
    chunks = [Chunk.from_dict(c) for c in json.loads((directory / "chunks.json").read_text(encoding="utf-8"))]
    indexed = [c for c in chunks if c.kind != "heading"]
    if isinstance(embedding, LsaEmbedding) and not embedding.fitted:
        raise ValueError("the LSA model is missing")
    if embedding.identity() != meta["embedding"]:
        raise ValueError(f"built with {meta['embedding']}, configured {embedding.identity()}")
    keys = json.loads((directory / KEYS).read_text(encoding="utf-8"))
    if len(keys) != len(indexed) or len(indexed) != meta["indexed"]:
        raise ValueError(f"{len(keys)} vector keys for {len(indexed)} chunks, expected {meta['indexed']}")
    collection, extra = open_vectors(store, meta["collection"], embedding, keys)
    known = json.loads((directory / PINYIN).read_text(encoding="utf-8")) if (directory / PINYIN).is_file() else {}
    gazetteer = Gazetteer(tables, {k: d.text for k, d in docs.items()}, Pinyin(known))
    searcher = Searcher(indexed, keys, LexicalIndex.load(directory / "lexical", tokenizer), collection,
                        QueryVectors(embedding), QueryExpander(tables, gazetteer), weights,
                        AnswerTypes(tables, [c.text for c in indexed]), extra, gazetteer.syllables)
    return Snapshot(meta["name"], meta["fingerprint"], docs, tables, chunks, searcher,
                    {k: SectionMap(d) for k, d in docs.items()}, gazetteer)


def keep_pinyin(directory: Path, snapshot: Snapshot) -> None:
    """Write the pinyin the loaded snapshot had to compute into its directory, for its next load."""
    syllables = snapshot.gazetteer.syllables
    if syllables.computed:
        tmp = directory / f".{PINYIN}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(dict(syllables.known), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, directory / PINYIN)  # a reader sees the whole file or none
        syllables.computed = 0
