"""The names each document gives the gazetteer: its titles, number and aliases, and its section headings
with theirs, folded. Folding them and finding the headings was most of building a gazetteer over a large
corpus (500 documents: 9 MB of text), and the names of a document change only with it: a snapshot keeps
them by a key of what they come from (`FILE`), so a build folds only those of new or changed documents
and a load folds none."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, cast

from retrieval.documents import DocumentMeta
from retrieval.normalize import fold_words
from retrieval.registry import Tables

FILE = "document_names.json"
_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.M)
_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.]?\s*|^附件\s*\d*\s*|[。:：]$")

NameKind = Literal["document", "section"]
Name = tuple[str, NameKind, str, str | None]  # folded alias, kind, key, province


def headings(text: str) -> list[str]:
    """The section names of a document, numbering stripped (一、工作机制 → 工作机制)."""
    names = (_NUMBERING.sub("", h.strip()).strip() for h in _HEADING.findall(text))
    return [n for n in names if 2 <= len(n) <= 30]


def _folded(aliases: Iterable[str], kind: NameKind, key: str, province: str | None) -> list[Name]:
    return [(f, kind, key, province) for f in (fold_words(a) for a in aliases) if f]


def names_of(d: DocumentMeta, tables: Tables, text: str) -> list[Name]:
    """A document's names, in the order the gazetteer adds them."""
    titles = [d.title, d.full_title, d.short_title, *(tables.document_aliases.get(d.id) or [])]
    out = _folded([*titles, *([d.doc_number] if d.doc_number else [])], "document", d.id, d.province)
    named = tables.section_aliases.get(d.id, {})
    for heading in headings(text):
        out += _folded([heading, *named.get(heading, [])], "section", f"{d.id}:{heading}", d.province)
    return out


class DocumentNames:
    """The names of documents by `key` (the document's content key and its aliases): those given, and
    those computed since (`computed` counts them)."""

    def __init__(self, known: dict[str, list[Name]] | None = None) -> None:
        self.known = dict(known or {})
        self.computed = 0
        self._used: set[str] = set()  # the keys asked for: what `save` keeps

    @staticmethod
    def key(d: DocumentMeta, tables: Tables, content: str) -> str:
        """`content`: the document's key (retrieval/chunk_table.doc_key: its manifest entry and text)."""
        aliases = [tables.document_aliases.get(d.id), tables.section_aliases.get(d.id)]
        named = json.dumps(aliases, ensure_ascii=False) if aliases != [None, None] else "-"  # most have none
        return hashlib.sha256(f"{content}|{named}".encode()).hexdigest()[:32]

    def of(self, d: DocumentMeta, tables: Tables, text: str, content: str | None) -> list[Name]:
        """The names of one document (`content`: its key; None: not known, computed and not kept)."""
        key = self.key(d, tables, content) if content is not None else None
        found = self.known.get(key) if key is not None else None
        if found is None:
            found = names_of(d, tables, text)
            self.computed += 1
        if key is not None:
            self.known[key] = found
            self._used.add(key)
        return found

    def save(self, directory: Path) -> None:
        """Keep the names of the documents asked for (those of documents gone are dropped), after the
        sha256 of what follows: a file that is not as written (cut short, edited) is not taken."""
        kept = json.dumps({k: v for k, v in self.known.items() if k in self._used}, ensure_ascii=False).encode()
        (directory / FILE).write_bytes(hashlib.sha256(kept).hexdigest().encode() + b"\n" + kept)

    @classmethod
    def read(cls, directory: Path | None) -> DocumentNames:
        """What a snapshot kept; none when it kept nothing that is as written."""
        try:
            digest, _, kept = (directory / FILE).read_bytes().partition(b"\n") if directory else (b"", b"", b"")
        except OSError:
            return cls()
        if not kept or digest.decode("ascii", "replace") != hashlib.sha256(kept).hexdigest():
            return cls()  # none, or not as written: its shape is not checked name by name
        return cls(cast(dict[str, list[Name]], json.loads(kept)))
