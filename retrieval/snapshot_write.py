"""The files of a new snapshot (after the knowledge copy): the chunk table, built from the previous
snapshot's by document, BM25 over its term counts, the documents and tables, the vectors the collection
lacks, and meta.json last (a snapshot without it is incomplete)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

from retrieval.bm25 import Bm25
from retrieval.chunk_build import SearchTexts, build_table, previous_table
from retrieval.chunk_cache import ChunkCache
from retrieval.chunk_table import KEYS, ChunkRows, Validity, doc_key
from retrieval.chunking import Chunk
from retrieval.document_names import DocumentNames
from retrieval.documents import Document, DocumentMeta
from retrieval.embeddings import LsaEmbedding
from retrieval.index_files import write_json
from retrieval.lexical import LexicalIndex, Tokenizer, registry_words
from retrieval.registry import Tables
from retrieval.search import AnswerTypes, search_text
from retrieval.snapshot import DOCUMENTS, Parts
from retrieval.vectors import VectorStore


@dataclass(frozen=True)
class Built:
    tokenizer: Tokenizer  # loading the snapshot reuses it
    stats: dict  # chunk texts tokenised and embedded anew, vectors added
    parts: Parts  # what it wrote, for its own load


def _search_text(chunk: Chunk, doc: Document) -> str:
    return search_text(chunk, doc.meta.short_title, doc.meta.full_title)


def _words_key(words: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()


def _collection(snapshot: Path | None) -> str | None:
    """The collection a snapshot's vectors are in (its vectors are all there while it is in service)."""
    try:
        return json.loads((snapshot / "meta.json").read_text(encoding="utf-8")).get("collection") if snapshot else None
    except (OSError, ValueError, AttributeError):
        return None


ENTRIES = "manifest_entries.json"  # the manifest's entries as validated, by the hash of their text
_ENTRIES = TypeAdapter(dict[str, DocumentMeta])


def kept_entries(snapshot: Path | None) -> dict[str, DocumentMeta]:
    """The manifest entries a snapshot validated (load_manifest parses only the others)."""
    try:
        return _ENTRIES.validate_json((snapshot / ENTRIES).read_bytes()) if snapshot else {}
    except (OSError, ValueError):
        return {}


def _document_names(directory: Path, docs: dict[str, Document], tables: Tables, keys: list[str],
                    previous: Path | None) -> DocumentNames:
    """The documents' names for the gazetteer: those the previous snapshot kept by the same content,
    the others folded now."""
    names = DocumentNames.read(previous)
    for doc, key in zip(docs.values(), keys, strict=True):
        names.of(doc.meta, tables, doc.text, key)
    names.save(directory)
    return names


def write_snapshot(directory: Path, name: str, fp: str, docs: dict[str, Document], tables: Tables,
                   previous: Path | None, embedding, store: VectorStore, reuse: bool = True,
                   entries: dict[str, DocumentMeta] | None = None, digests: dict[str, str] | None = None) -> Built:
    """`previous`: the snapshot in service, whose vectors are reused and (with `reuse`) the chunks of
    every document it holds unchanged. `entries`: the manifest's, as load_manifest left them; `digests`:
    the sha256 of each document's text, as read (by id)."""
    entries = entries or {}
    tokenizer = Tokenizer(registry_words(tables))
    validity = Validity(_words_key(tokenizer.words), AnswerTypes.key(tables))
    old = previous_table(previous) if reuse else None
    doc_keys = [doc_key(d, (digests or {}).get(d.id)) for d in docs.values()]
    built = build_table(docs, doc_keys, old, validity, tokenizer.tokens,
                        lambda texts: AnswerTypes(tables, texts).holds, _search_text)
    table, computed = built.table, built.computed
    names = _document_names(directory, docs, tables, doc_keys, previous if reuse else None)
    indexed = ChunkRows(table, list(docs.values()), table.indexed)
    texts = SearchTexts(indexed, _search_text, computed)
    refit = isinstance(embedding, LsaEmbedding)
    if refit:
        embedding.fit(list(texts)).save(directory / "lsa.npz")
    lexical = LexicalIndex(tokenizer, Bm25.scored(built.postings), built.postings)
    lexical.save(directory / "lexical")
    table.save(directory)
    (directory / "documents.json").write_bytes(DOCUMENTS.dump_json(docs))
    (directory / ENTRIES).write_bytes(_ENTRIES.dump_json(entries))
    (directory / "tables.json").write_text(tables.model_dump_json(), encoding="utf-8")
    # vectors are kept for a model (hashing recomputes faster than it reads 8 KB a chunk; LSA is refitted)
    keep = getattr(embedding, "costly", False) and not refit
    cache = ChunkCache(previous, embedding.identity() if keep else None)
    # one collection per LSA fit; any other embedding's vectors are shared by its snapshots, by text
    collection = name if refit else store.shared_name(embedding.identity())
    keys = table.vector_keys
    present = set(old.table.vector_keys) if old is not None and _collection(previous) == collection else set()
    _, added = store.fill(collection, embedding, keys, indexed, texts, cache.embedder(embedding), present)
    write_json(directory / KEYS, keys)
    cache.write(directory, keys)
    write_json(directory / "meta.json", {"name": name, "fingerprint": fp, "indexed": len(keys),
                                           "embedding": embedding.identity(), "collection": collection})
    return Built(tokenizer, {"tokenised": len(computed), "embedded": cache.embedded, "added": added,
                             "chunks": len(keys), "named": names.computed}, Parts(name, docs, tables, table, lexical, names))
