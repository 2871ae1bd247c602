"""Building a snapshot's chunk table from the previous one: the rows of unchanged documents are taken
as they are (array slices), only new or changed documents are chunked, tokenised and marked. The result
equals a table built from nothing but for the order of its string tables, which no search sees
(tests/retrieval/test_chunk_table.py compares searches)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.chunk_cache import text_key
from retrieval.chunk_table import (
    COLUMNS,
    KEYS,
    KINDS,
    MARKS,
    ChunkRows,
    ChunkTable,
    Marker,
    SearchText,
    Tokens,
    Validity,
)
from retrieval.chunking import chunk_document
from retrieval.documents import Document
from retrieval.postings import Postings, TermCounts

log = logging.getLogger(__name__)


class _Strings:
    """A string table that extends an earlier one: ids of the earlier strings stay valid."""

    def __init__(self, earlier: Sequence[str]) -> None:
        self.items = list(earlier)
        self._ids: dict[str, int] | None = None

    def id(self, text: str) -> int:
        if self._ids is None:
            self._ids = {t: i for i, t in enumerate(self.items)}
        if text not in self._ids:
            self._ids[text] = len(self.items)
            self.items.append(text)
        return self._ids[text]


class _Fresh:
    """The rows of the documents chunked by this build."""

    def __init__(self, previous: ChunkTable | None) -> None:
        self.columns: dict[str, list[int]] = {k: [] for k in COLUMNS}
        self.sections = _Strings(previous.sections if previous else [])
        self.texts = _Strings(previous.texts if previous else [])
        self.search_texts: list[str] = []
        self.tokens: list[list[str]] = []
        self.chunk_texts: list[str] = []

    def add(self, index: int, doc: Document, tokens: Tokens, search_text: SearchText) -> tuple[int, int, int, int]:
        """Chunk one document; returns its rows and its indexed rows among the fresh ones."""
        first, first_indexed = len(self.columns["doc"]), len(self.tokens)
        for chunk in chunk_document(doc):
            own = chunk.text == doc.text[chunk.start:chunk.end]
            values = (index, KINDS.index(chunk.kind), chunk.start, chunk.end, self.sections.id(chunk.section),
                      -1 if own else self.texts.id(chunk.text))
            for name, value in zip(COLUMNS, values, strict=True):
                self.columns[name].append(value)
            if chunk.kind != "heading":
                text = search_text(chunk, doc)
                self.search_texts.append(text)
                self.tokens.append(tokens(text))
                self.chunk_texts.append(chunk.text)
        return first, len(self.columns["doc"]), first_indexed, len(self.tokens)


def _compact(ids: np.ndarray, items: list[str]) -> tuple[np.ndarray, list[str]]:
    """Drop the strings no row uses any more (ids of -1 stay -1)."""
    used = np.unique(ids[ids >= 0])
    if len(used) == len(items):
        return ids, items
    remap = np.full(len(items) + 1, -1, dtype=np.int32)  # remap[-1] stays -1
    remap[used] = np.arange(len(used), dtype=np.int32)
    return remap[ids], [items[i] for i in used]


@dataclass(frozen=True)
class _Source:
    """Rows to take from: the previous table's, or those this build chunked."""

    columns: dict[str, np.ndarray]
    marks: dict[str, np.ndarray]
    vector_keys: list[str]
    search_texts: list[str] | None  # computed by this build


@dataclass(frozen=True)
class Previous:
    """The previous snapshot's chunk table and BM25 postings, whose rows a build takes."""

    table: ChunkTable
    postings: Postings


def _fresh_source(fresh: _Fresh, marker: Marker) -> _Source:
    columns = {k: np.asarray(v, dtype=np.int8 if k == "kind" else np.int32) for k, v in fresh.columns.items()}
    return _Source(columns, marker(fresh.chunk_texts), [text_key(t) for t in fresh.search_texts], fresh.search_texts)


class _Assembly:
    """The new table's rows, document by document."""

    def __init__(self, fresh: _Source) -> None:
        self.fresh = fresh
        self.pieces: dict[str, list[np.ndarray]] = {k: [] for k in (*COLUMNS, *MARKS)}
        self.moves: dict[bool, list[tuple[int, int, int]]] = {True: [], False: []}  # fresh? → indexed rows moved
        self.vector_keys: list[str] = []
        self.rows = [0]
        self.computed: dict[int, str] = {}  # search texts by indexed position

    def take(self, doc: int, source: _Source, span: tuple[int, int, int, int]) -> None:
        a, b, ia, ib = span
        for name in COLUMNS:
            self.pieces[name].append(np.full(b - a, doc, dtype=np.int32) if name == "doc" else source.columns[name][a:b])
        for name in MARKS:
            self.pieces[name].append(source.marks[name][ia:ib])
        if source.search_texts is not None:
            self.computed.update({len(self.vector_keys) + n: t for n, t in enumerate(source.search_texts[ia:ib])})
        self.moves[source is self.fresh].append((ia, ib, len(self.vector_keys)))
        self.vector_keys += source.vector_keys[ia:ib]
        self.rows.append(self.rows[-1] + b - a)

    def table(self, doc_ids: list[str], doc_keys: list[str], strings: _Fresh, validity: Validity) -> ChunkTable:
        fresh = self.fresh
        columns = {k: np.concatenate(self.pieces[k] or [fresh.columns[k]]) for k in COLUMNS}
        columns["section"], sections = _compact(columns["section"], strings.sections.items)
        columns["text"], texts = _compact(columns["text"], strings.texts.items)
        marks = {k: np.concatenate(self.pieces[k] or [fresh.marks[k]]) for k in MARKS}
        return ChunkTable(doc_ids, doc_keys, np.asarray(self.rows, dtype=np.int64), columns, sections, texts,
                          self.vector_keys, marks, validity)

    def postings(self, counts: TermCounts, previous: Previous | None) -> Postings:
        """The BM25 postings of the new table: those of the rows kept, renumbered, and of the rows counted."""
        if previous is None:
            return Postings.of(counts)  # every row counted, in order
        return previous.postings.updated(self.moves[False], counts, self.moves[True], len(self.vector_keys))


def _spans(table: ChunkTable | None) -> dict[str, tuple[int, int, int, int]]:
    """Document key → its rows and its indexed rows in `table`."""
    if table is None:
        return {}
    rows, indexed = table.doc_rows.tolist(), np.searchsorted(table.indexed, table.doc_rows).tolist()
    return {k: (rows[j], rows[j + 1], indexed[j], indexed[j + 1]) for j, k in enumerate(table.doc_keys)}


@dataclass(frozen=True)
class BuiltTable:
    table: ChunkTable
    postings: Postings
    computed: dict[int, str]  # the search texts this build computed, by indexed position


def build_table(docs: dict[str, Document], keys: list[str], previous: Previous | None, validity: Validity,
                tokens: Tokens, marker: Marker, search_text: SearchText) -> BuiltTable:
    """The chunk table of `docs` (`keys`: their doc_key) and its BM25 postings."""
    if previous is not None and previous.table.validity != validity:
        previous = None  # other names in the tokenizer or the marks: everything is computed again
    table = previous.table if previous is not None else None
    old, fresh = _spans(table), _Fresh(table)
    plan = [(True, old[key]) if key in old else (False, fresh.add(i, doc, tokens, search_text))
            for i, (doc, key) in enumerate(zip(docs.values(), keys, strict=True))]
    assembly = _Assembly(_fresh_source(fresh, marker))
    kept = table and _Source(table.columns, table.marks, table.vector_keys, None)
    for i, (reused, span) in enumerate(plan):
        assembly.take(i, kept if reused and kept else assembly.fresh, span)
    counts = TermCounts.count(fresh.tokens, previous.postings.vocab if previous is not None else None)
    return BuiltTable(assembly.table(list(docs), keys, fresh, validity), assembly.postings(counts, previous),
                 assembly.computed)


def previous_table(directory: Path | None) -> Previous | None:
    """The chunk table and postings of the previous snapshot, when it has readable ones."""
    if directory is None:
        return None
    try:
        keys = json.loads((directory / KEYS).read_text(encoding="utf-8"))
        return Previous(ChunkTable.load(directory, keys), Postings.read(directory / "lexical", mapped=True))
    except Exception as exc:  # none yet, an older format, or unreadable: every document is chunked
        log.info("no reusable chunk table in %s (%s)", directory.name, type(exc).__name__)
        return None


class SearchTexts(Sequence[str]):
    """The search text of every indexed chunk: those this build computed, the others when asked for."""

    def __init__(self, chunks: ChunkRows, search_text: SearchText, computed: dict[int, str]) -> None:
        self.chunks, self.search_text, self.computed = chunks, search_text, computed

    def __len__(self) -> int:
        return len(self.chunks)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[n] for n in range(*i.indices(len(self)))]
        text = self.computed.get(i)
        if text is None:
            chunk = self.chunks[i]
            text = self.computed[i] = self.search_text(chunk, self.chunks.docs[int(self.chunks.table.columns["doc"][self.chunks.rows[i]])])
        return text

