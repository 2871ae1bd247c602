"""The files of a new snapshot (after the knowledge copy): the chunk table, built from the previous
snapshot's by document, BM25 over its term counts, the documents and tables, the vectors the collection
lacks, and meta.json last (a snapshot without it is incomplete)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from retrieval.index_files import collection_of, write_json
from retrieval.lexical import LexicalIndex, Tokenizer, registry_words
from retrieval.registry import Tables
from retrieval.search import AnswerTypes, search_text
from retrieval.snapshot import Parts, stored_documents
from retrieval.vectors import VectorStore
from retrieval.yaml_text import YamlItems


@dataclass(frozen=True)
class Built:
    tokenizer: Tokenizer  # loading the snapshot reuses it
    stats: dict  # chunk texts tokenised and embedded anew, vectors added
    parts: Parts  # what it wrote, for its own load
    known: dict[str, set[str]]  # the vector keys of this snapshot and of the previous one read, by name


def _search_text(chunk: Chunk, doc: Document) -> str:
    return search_text(chunk, doc.meta.short_title, doc.meta.full_title)


def _words_key(words: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()


ENTRIES = "manifest_entries.json"  # the manifest's entries as validated, by the hash of their text
_ENTRIES = TypeAdapter(dict[str, DocumentMeta])


@dataclass(frozen=True)
class Parsed:
    """What a build takes from the previous snapshot's parse of knowledge/: the manifest's entries as
    validated (load_manifest leaves it holding this manifest's) and the YAML items as parsed."""

    entries: dict[str, DocumentMeta] = field(default_factory=dict)
    items: YamlItems = field(default_factory=YamlItems)

    @classmethod
    def kept(cls, snapshot: Path | None) -> Parsed:
        try:
            entries = _ENTRIES.validate_json((snapshot / ENTRIES).read_bytes()) if snapshot else {}
        except (OSError, ValueError):
            entries = {}
        return cls(entries, YamlItems.read(snapshot))

    def save(self, directory: Path) -> None:
        (directory / ENTRIES).write_bytes(_ENTRIES.dump_json(self.entries))
        self.items.save(directory)


def _write_sources(directory: Path, docs: dict[str, Document], parsed: Parsed, tables: Tables) -> None:
    (directory / "documents.json").write_bytes(stored_documents(docs))
    parsed.save(directory)
    (directory / "tables.json").write_text(tables.model_dump_json(), encoding="utf-8")


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
                   parsed: Parsed | None = None, digests: dict[str, str] | None = None) -> Built:
    """`previous`: the snapshot in service, whose vectors are reused and (with `reuse`) the chunks of
    every document it holds unchanged. `parsed`: what the build parsed of knowledge/, kept for the next;
    `digests`: the sha256 of each document's text, as read (by id)."""
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
    _write_sources(directory, docs, parsed or Parsed(), tables)
    # vectors are kept for a model (hashing recomputes faster than it reads 8 KB a chunk; LSA is refitted)
    keep = getattr(embedding, "costly", False) and not refit
    cache = ChunkCache(previous, embedding.identity() if keep else None)
    # one collection per LSA fit; any other embedding's vectors are shared by its snapshots, by text
    collection = name if refit else store.shared_name(embedding.identity())
    keys = table.vector_keys
    old_keys = set(old.table.vector_keys) if old is not None else set()
    present = old_keys if collection_of(previous) == collection else set()
    _, added = store.fill(collection, embedding, keys, indexed, texts, cache.embedder(embedding), present)
    write_json(directory / KEYS, keys)
    cache.write(directory, keys)
    write_json(directory / "meta.json", {"name": name, "fingerprint": fp, "indexed": len(keys),
                                           "embedding": embedding.identity(), "collection": collection})
    return Built(tokenizer, {"tokenised": len(computed), "embedded": cache.embedded, "added": added,
                             "chunks": len(keys), "named": names.computed}, Parts(name, docs, tables, table, lexical, names),
                 {name: set(keys), **({previous.name: old_keys} if old and previous else {})})
