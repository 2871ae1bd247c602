"""A snapshot's chunks as columns, with what the index computed per indexed chunk (the search text's
key, the kinds of answer it holds; its BM25 term counts are kept by term, retrieval/postings.py), grouped
by document. A build takes the rows of
every document whose content (manifest entry and text) the previous snapshot holds unchanged and
chunks, tokenises and marks only the documents that are new or changed; a load reads arrays and builds
a `Chunk` only when one is asked for."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np

from retrieval.chunking import CHUNKER_VERSION, Chunk
from retrieval.documents import Document

KINDS = ("text", "table_row", "heading")
HEADING = KINDS.index("heading")
MARKS = ("person", "unit", "number")
ARRAYS, META = "chunks.npz", "chunks.json"
KEYS = "vector_keys.json"  # keys[i]: the collection id of indexed chunk i (a hash of its search text)
COLUMNS = ("doc", "kind", "start", "end", "section", "text")  # per chunk; text: -1 is doc.text[start:end]
FORMAT = "2"


def doc_key(doc: Document, text: str | None = None) -> str:
    """The content of a document as chunking sees it: its manifest entry and its text (`text`: the sha256
    of the text's UTF-8 bytes, when the caller has it from reading the file)."""
    text = text or hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    return hashlib.sha256(f"{FORMAT}|{CHUNKER_VERSION}|{doc.meta.model_dump_json()}|{text}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Validity:
    """What the stored tokens and marks were computed with; rows are reused only under the same."""

    words: str  # the tokenizer's words
    marks: str  # AnswerTypes.key of the tables


@dataclass(frozen=True)
class ChunkTable:
    doc_ids: list[str]
    doc_keys: list[str]
    doc_rows: np.ndarray  # int64, docs + 1: the chunk rows of document i
    columns: dict[str, np.ndarray]  # COLUMNS, one value per chunk
    sections: list[str]
    texts: list[str]  # chunk texts that are not a slice of their document (table rows)
    vector_keys: list[str]  # per indexed chunk (kind != heading), in order, like the marks
    marks: dict[str, np.ndarray]
    validity: Validity

    @property
    def indexed(self) -> np.ndarray:
        return np.flatnonzero(self.columns["kind"] != HEADING)

    def chunk(self, row: int, docs: Sequence[Document]) -> Chunk:
        c = self.columns
        d, start, end, text = int(c["doc"][row]), int(c["start"][row]), int(c["end"][row]), int(c["text"][row])
        doc, meta = docs[d], docs[d].meta
        return Chunk(id=f"{meta.id}:{row - int(self.doc_rows[d]):04d}", doc_id=meta.id, doc_title=meta.title,
                     section=self.sections[int(c["section"][row])], province=meta.province,
                     kind=KINDS[int(c["kind"][row])],  # type: ignore[arg-type]
                     text=self.texts[text] if text >= 0 else doc.text[start:end], start=start, end=end,
                     date=meta.date.isoformat())

    def save(self, directory: Path) -> None:
        arrays = {**self.columns, "doc_rows": self.doc_rows, **{f"marks_{k}": self.marks[k] for k in MARKS}}
        with (directory / ARRAYS).open("wb") as fh:  # a file object: np.savez must not rename it
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        meta = {"format": FORMAT, "words": self.validity.words, "marks": self.validity.marks, "doc_ids": self.doc_ids,
                "doc_keys": self.doc_keys, "sections": self.sections, "texts": self.texts}
        (directory / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, vector_keys: list[str]) -> ChunkTable:
        """Raises on a missing, truncated or inconsistent table (ValueError, OSError, KeyError)."""
        meta = json.loads((directory / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"{directory / META} is not a chunk table of format {FORMAT}")
        with np.load(directory / ARRAYS, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        table = cls(meta["doc_ids"], meta["doc_keys"], arrays["doc_rows"], {k: arrays[k] for k in COLUMNS},
                    meta["sections"], meta["texts"], vector_keys, {k: arrays[f"marks_{k}"] for k in MARKS},
                    Validity(meta["words"], meta["marks"]))
        indexed = len(table.indexed)
        if len(vector_keys) != indexed or len(table.doc_rows) != len(table.doc_ids) + 1:
            raise ValueError(f"chunk table of {directory.name}: {indexed} indexed chunks, {len(vector_keys)} keys")
        return table


class ChunkRows(Sequence[Chunk]):
    """Chunks of a table by row, built when asked for (a search reads a few of 28 000)."""

    def __init__(self, table: ChunkTable, docs: Sequence[Document], rows: np.ndarray | None = None) -> None:
        self.table, self.docs = table, docs
        self.rows = rows if rows is not None else np.arange(len(table.columns["doc"]))

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int) -> Chunk: ...
    @overload
    def __getitem__(self, i: slice) -> list[Chunk]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.table.chunk(int(r), self.docs) for r in self.rows[i]]
        return self.table.chunk(int(self.rows[i]), self.docs)

    def __iter__(self) -> Iterator[Chunk]:
        return (self.table.chunk(int(r), self.docs) for r in self.rows)

    def codes(self, name: str) -> tuple[list[str], np.ndarray]:
        """The distinct doc_id or province values and each chunk's index into them, without building chunks."""
        doc_codes = self.table.columns["doc"][self.rows]
        if name == "doc_id":
            return [d.id for d in self.docs], doc_codes
        index = {p: i for i, p in enumerate(dict.fromkeys(d.meta.province for d in self.docs))}
        values = list(index)
        of_doc = np.array([index[d.meta.province] for d in self.docs] or [0], dtype=np.int32)
        return values, of_doc[doc_codes]


def codes(chunks: Sequence[Chunk], name: str) -> tuple[list[str], np.ndarray]:
    """The distinct `doc_id` or `province` values of the chunks and each chunk's index into them."""
    if isinstance(chunks, ChunkRows):
        return chunks.codes(name)
    values = list(dict.fromkeys(getattr(c, name) for c in chunks))
    index = {v: i for i, v in enumerate(values)}
    return values, np.array([index[getattr(c, name)] for c in chunks], dtype=np.int32)


Tokens = Callable[[str], list[str]]
Marker = Callable[[Sequence[str]], dict[str, np.ndarray]]
SearchText = Callable[[Chunk, Document], str]
