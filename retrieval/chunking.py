"""Structure-aware chunking: headings, paragraphs, list items and table rows, with section paths
and character offsets into the document text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

from retrieval.documents import Document
from retrieval.errors import KnowledgeFileError
from retrieval.normalize import fold

CHUNKER_VERSION = "1"  # part of the index fingerprint: bump when chunk boundaries change
MAX_CHARS = 300  # target size of a piece of a long paragraph
MERGE_BELOW = 20  # a paragraph shorter than this joins its neighbours of the same section

ChunkKind = Literal["text", "table_row", "heading"]


@dataclass(frozen=True)
class Chunk:
    id: str  # doc_id + ordinal, stable for the same document text
    doc_id: str
    doc_title: str
    section: str  # "五、工作机制 > （四）建立问题办理机制"
    province: str
    kind: ChunkKind
    text: str  # text/heading: exactly doc.text[start:end]; table_row: the row with its column names
    start: int
    end: int
    date: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)  # the fields, in order (all plain values: asdict's deep copy took 10 µs)

    @classmethod
    def from_dict(cls, data: dict) -> Chunk:
        return cls(**data)


@dataclass(frozen=True)
class _Block:
    """One structural unit of a document before packing into chunks."""

    kind: ChunkKind
    start: int
    end: int
    section: tuple[str, ...]
    text: str = ""  # only table rows carry a rewritten text


_MD_HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t]*$")
_NUM = "一二三四五六七八九十"
_MARKERS = (  # rank below Markdown levels are numbers > 6: outer items rank lower
    (re.compile(rf"[{_NUM}]+、"), 10),
    (re.compile(rf"[（(][{_NUM}]+[)）]"), 11),
    (re.compile(r"\d{1,2}[.、．](?!\d)"), 12),
    (re.compile(r"[（(]\d{1,2}[)）]"), 13),
)
_SENTENCE_END = re.compile(r"[。！？!?；;]+[”’」』)）]*")
_CLAUSE_END = re.compile(r"[，,、：:]")
_TRAILING = "。.:：;；，, \t"
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LEAD_MAX = 60  # the lead sentence of a list item is its title when at most this long
_HEADING_RANK = 11  # standalone 一、/（一） lines are headings; 1./(1) lines stay list items


def marker_rank(line: str) -> int | None:
    """The rank of a leading list marker (一、 < （一） < 1. < (1)), or None."""
    for pattern, rank in _MARKERS:
        if pattern.match(line):
            return rank
    return None


def _lines(text: str):
    """(start, end, line) for every line, end excluding the newline and trailing spaces."""
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        yield pos + lead, pos + len(stripped), stripped.lstrip()
        pos += len(raw) + 1


def _title(text: str) -> str:
    return text.strip().rstrip(_TRAILING).strip()


class _Sections:
    """The stack of open headings, each with its rank (Markdown level or list-marker rank)."""

    def __init__(self, doc: Document) -> None:
        self._stack: list[tuple[int, str]] = []
        self._doc_titles = {fold(t) for t in (doc.meta.title, doc.meta.full_title, doc.meta.short_title)}

    def _repeats_title(self, title: str) -> bool:
        folded = fold(title)
        return any(folded in t for t in self._doc_titles)

    def open(self, rank: int, title: str) -> None:
        self._stack = [(r, t) for r, t in self._stack if r < rank]
        if rank > 1 and not self._repeats_title(title):
            self._stack.append((rank, _title(title)))

    def path(self, below: int | None = None, lead: str | None = None) -> tuple[str, ...]:
        titles = [t for r, t in self._stack if below is None or r < below]
        return (*titles, lead) if lead else tuple(titles)


def _split_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [_CJK_GAP.sub("", cell.strip()) for cell in inner.split("|")]


def _is_separator(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{3,}:?", c) for c in cells)


def _table_blocks(doc: Document, rows: list[tuple[int, int, str]], section: tuple[str, ...]) -> list[_Block]:
    """One block per body row, empty (merged) cells carried down from the row above."""
    header = _split_cells(rows[0][2])
    blocks: list[_Block] = []
    previous = [""] * len(header)
    line_no = doc.text.count("\n", 0, rows[0][0]) + 1
    for offset, (start, end, line) in enumerate(rows[1:], start=1):
        cells = _split_cells(line)
        if _is_separator(cells):
            continue
        if len(cells) != len(header):
            raise KnowledgeFileError(
                f"{doc.meta.file}:{line_no + offset}: table row has {len(cells)} cells, "
                f"the header has {len(header)}")
        cells = [cell or prev for cell, prev in zip(cells, previous, strict=True)]
        previous = cells
        text = "; ".join(f"{col}: {val}" for col, val in zip(header, cells, strict=True) if val)
        blocks.append(_Block("table_row", start, end, section, text))
    return blocks


def _paragraph_block(line: str, start: int, end: int, sections: _Sections) -> _Block:
    rank = marker_rank(line)
    if rank is None:
        return _Block("text", start, end, sections.path())
    if len(line) <= _LEAD_MAX and "。" not in line.rstrip("。"):
        if rank <= _HEADING_RANK:  # a standalone "一、总体要求" or "（一）…" line opens a section
            sections.open(rank, line)
            return _Block("heading", start, end, sections.path())
        return _Block("text", start, end, sections.path(below=rank))
    head = line.partition("。")[0]
    lead = _title(head) if len(head) <= _LEAD_MAX else None
    return _Block("text", start, end, sections.path(below=rank, lead=lead))


def _blocks(doc: Document) -> list[_Block]:
    """The document as a sequence of headings, paragraphs and table rows with their section paths."""
    if bad := _CONTROL.search(doc.text):
        line = doc.text.count("\n", 0, bad.start()) + 1
        raise KnowledgeFileError(f"{doc.meta.file}:{line}: control character {bad.group()!r} in the text")
    sections = _Sections(doc)
    blocks: list[_Block] = []
    table: list[tuple[int, int, str]] = []
    for start, end, line in [*_lines(doc.text), (len(doc.text), len(doc.text), "")]:
        if line.startswith("|"):
            table.append((start, end, line))
            continue
        if table:
            blocks.extend(_table_blocks(doc, table, sections.path()))
            table = []
        if not line:
            continue
        if m := _MD_HEADING.match(line):
            sections.open(len(m.group(1)), m.group(2))
            blocks.append(_Block("heading", start + m.start(2), start + m.end(2), sections.path()))
        else:
            blocks.append(_paragraph_block(line, start, end, sections))
    return blocks


def _units(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; a sentence longer than max_chars is cut at clauses."""
    spans, pos = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    units = []
    for s, e in spans:
        while e - s > max_chars:
            cut = max((m.end() for m in _CLAUSE_END.finditer(text, s, s + max_chars)), default=s + max_chars)
            units.append((s, cut))
            s = cut
        units.append((s, e))
    return units


def split_long(text: str, start: int, end: int, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Pieces of at most about max_chars, cut at sentence ends; each piece after the first repeats
    the last sentence of the one before, so two neighbouring sentences always share a piece."""
    if end - start <= max_chars:
        return [(start, end)]
    units = _units(text, start, end, max_chars)
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = i + 1
        while j < len(units) and units[j][1] - units[i][0] <= max_chars:
            j += 1
        pieces.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        i = j - 1 if j - 1 > i else j
    return pieces


def _joins(run: list[_Block], block: _Block, max_chars: int, merge_below: int) -> bool:
    """A paragraph joins the run before it when both share a section, the whole fits, and either the
    paragraph is short or the run holds only short ones (two long paragraphs never share a chunk)."""
    if not run or block.kind != "text" or block.section != run[0].section:
        return False
    if block.end - run[0].start > max_chars:
        return False
    return block.end - block.start < merge_below or all(b.end - b.start < merge_below for b in run)


def _pack(doc: Document, blocks: list[_Block], max_chars: int, merge_below: int):
    """Join tiny paragraphs to their neighbours; split long ones. Yields (kind, start, end, section, text)."""
    run: list[_Block] = []
    for block in [*blocks, None]:
        if run and (block is None or not _joins(run, block, max_chars, merge_below)):
            yield "text", run[0].start, run[-1].end, run[0].section, ""
            run = []
        if block is None:
            break
        if block.kind == "text" and block.end - block.start <= max_chars:
            run.append(block)
        elif block.kind == "text":
            for s, e in split_long(doc.text, block.start, block.end, max_chars):
                yield "text", s, e, block.section, ""
        else:
            yield block.kind, block.start, block.end, block.section, block.text


def chunk_document(doc: Document, max_chars: int = MAX_CHARS, merge_below: int = MERGE_BELOW) -> list[Chunk]:
    """The chunks of one document in reading order. Raises KnowledgeFileError on malformed text."""
    meta = doc.meta
    chunks = []
    for n, (kind, start, end, section, text) in enumerate(_pack(doc, _blocks(doc), max_chars, merge_below)):
        chunks.append(Chunk(
            id=f"{meta.id}:{n:04d}", doc_id=meta.id, doc_title=meta.title, section=" > ".join(section),
            province=meta.province, kind=kind, text=text or doc.text[start:end], start=start, end=end,
            date=meta.date.isoformat()))
    return chunks


def chunk_documents(docs: dict[str, Document], max_chars: int = MAX_CHARS,
                    merge_below: int = MERGE_BELOW) -> list[Chunk]:
    return [c for doc in docs.values() for c in chunk_document(doc, max_chars, merge_below)]


class SectionMap:
    """Offset → section path for one document (binary search over its structural blocks)."""

    def __init__(self, doc: Document) -> None:
        blocks = _blocks(doc)
        self._starts = [b.start for b in blocks]
        self._sections = [" > ".join(b.section) for b in blocks]

    def at(self, offset: int) -> str:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._sections[i] if i >= 0 else ""


def section_at(doc: Document, offset: int) -> str:
    """The section path that contains the character offset (a heading's own path for its line)."""
    return SectionMap(doc).at(offset)
