"""Tools over the documents themselves and the glossary: a document's facts (number, date, issuer,
validity, supersession), the numbered items of a section, what a term means, how the provinces compare."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.answer import Citation
from assistant.tools.deps import NotFoundInfo, ToolDeps, not_found, unique_citations
from retrieval.documents import DocumentMeta
from retrieval.normalize import fold
from retrieval.overlap import grams, keyword_hits, overlap
from retrieval.rows import CompareRow, Term

_ITEM = re.compile(r"^(?:#+\s*)?([（(][一二三四五六七八九十]+[)）])\s*([^。\n]{2,40})。", re.M)
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.M)


class DocumentResult(BaseModel):
    meta: DocumentMeta | None = None
    facts: dict[str, Citation] = Field(default_factory=dict)  # what is stated (number, date …) → where
    superseded_by: list[DocumentMeta] = Field(default_factory=list)  # newer documents of the base replacing it
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class OutlineResult(BaseModel):
    doc_id: str | None = None
    section: str | None = None
    items: list[str] = Field(default_factory=list)
    texts: list[str] = Field(default_factory=list)  # each item's opening sentences, verbatim ("" for a part)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class TermResult(BaseModel):
    terms: list[Term] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class CompareResult(BaseModel):
    rows: list[CompareRow] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)


def _date_forms(meta: DocumentMeta) -> list[str]:
    d = meta.date
    return [f"{d.year}年{d.month}月{d.day}日", f"{d.year}-{d.month:02d}-{d.day:02d}", f"{d.year}年{d.month:02d}月{d.day:02d}日"]


def _sentence_with(text: str, needle: str) -> str | None:
    i = text.find(needle)
    if i < 0:
        return None
    start = max(text.rfind("。", 0, i), text.rfind("\n", 0, i)) + 1
    end = text.find("。", i)
    return text[start : end + 1 if end >= 0 else len(text)].strip()


def _issuer_line(text: str, meta) -> str | None:
    """The first line that names the issuer (the title line of a 通知 usually does): the full name, one of
    joint issuers, or the name as the document prints it without the province (省人民政府办公厅)."""
    if not meta.issuer:
        return None
    names = [meta.issuer, *(n.strip() for n in meta.issuer.replace("，", "、").split("、"))]
    names += [n.replace(meta.province, "", 1) for n in names if meta.province and meta.province in n]
    for line in text.splitlines():
        if any(len(n) >= 4 and n in line for n in names):
            return line.lstrip("# ").strip()
    return None


def document_info(deps: ToolDeps, document: str) -> DocumentResult:
    """Facts of a document of the knowledge base: its number (文号), date, issuer, addressees, annexes,
    validity period, what it repeals, where it was published, and newer documents that supersede it.
    `document`: a document id or any of its names (a short title, a document number, an alias …)."""
    metas = deps.tables.documents
    keys = {m.key for m in deps.gazetteer.scan(document) if m.kind == "document"}
    meta = next((m for m in metas if m.id == document or m.id in keys), None)
    if meta is None:
        return DocumentResult(not_found=not_found(document, [m.short_title for m in metas], "文件"))
    text = deps.documents[meta.id].text
    found: dict[str, str | None] = {
        "date": next((f for f in _date_forms(meta) if f in text), None),
        "doc_number": meta.doc_number if meta.doc_number and meta.doc_number in text else None,
        "validity": f"（{meta.valid_from}-{meta.valid_to}年）" if meta.valid_from else None,
        "addressees": meta.addressees, "effective": _sentence_with(text, meta.effective) if meta.effective else None,
        "annexes": next((a for a in meta.annexes if a in text), None),
        "supersedes": _sentence_with(text, "废止") if meta.supersedes else None,
        "published": meta.published, "issuer": _issuer_line(text, meta),
        "author": next((p.quote for p in deps.tables.facts.people if p.source == meta.id and meta.author
                        and p.name in meta.author.split("、")), None),
    }
    facts = {k: deps.cite(meta.id, v) for k, v in found.items() if v and v in text}
    newer = [m for m in metas if m.supersedes == meta.id]
    return DocumentResult(meta=meta, facts=facts, superseded_by=newer,
                          citations=unique_citations(list(facts.values())))


def _section_span(text: str, heading: str) -> tuple[int, int] | None:
    for m in _HEADING.finditer(text):
        if heading in m.group(2):
            level = len(m.group(1))
            nxt = next((n for n in _HEADING.finditer(text, m.end()) if len(n.group(1)) <= level), None)
            return m.end(), nxt.start() if nxt else len(text)
    return None


_NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def _parts(text: str) -> list[tuple[str, str]]:
    """A document's own parts: its numbered headings of the highest level that has them (一、总体要求 …)."""
    numbered = [(len(h.group(1)), h.group(2)) for h in _HEADING.finditer(text) if _NUMBERED_HEADING.match(h.group(2))]
    if not numbered:
        return []
    top = min(level for level, _ in numbered)
    return [("", name) for level, name in numbered if level == top]


_PARAGRAPH_LEAD = re.compile(r"^(\S{2})[^。\n]{4,38}。", re.M)
_PARALLEL = 3  # paragraphs opening alike that make the parts of a text without numbered headings


def _parallel_paragraphs(text: str) -> list[tuple[str, int]]:
    """The paragraphs of a text that open with the same two characters and a short first sentence
    ("聚焦谋划顶层设计这个战略牵引,…。", "聚焦科技自立自强这个战略支撑,…。"): each one's lead and where its body starts."""
    leads = list(_PARAGRAPH_LEAD.finditer(text))
    openers = [m.group(1) for m in leads]
    common = max(set(openers), key=openers.count, default="")
    if openers.count(common) < _PARALLEL:
        return []
    return [(m.group(0).rstrip("。"), m.end()) for m in leads if m.group(1) == common]


def outline(deps: ToolDeps, document: str, section: str | None = None) -> OutlineResult:
    """The numbered items of a section of a document ((一)…(五) of 工作机制, 重点任务, 保障措施 …), or the
    document's own parts when no section is given. `document`: a document id."""
    doc = deps.documents.get(document)
    if doc is None:
        return OutlineResult(not_found=not_found(document, list(deps.documents), "文件"))
    text = doc.text
    span = _section_span(text, section) if section else None
    if section and span is None:
        return OutlineResult(not_found=not_found(section, [], f"《{doc.title}》中的章节"))
    matches = [] if span is None else list(_ITEM.finditer(text, *span))
    items = _parts(text) if span is None else [(m.group(1), m.group(2)) for m in matches]
    ends = [m.end() for m in matches]
    if not items and span is None:  # an article has no numbered parts: its parallel paragraphs are them
        found = _parallel_paragraphs(text)
        items, ends = [("", lead) for lead, _ in found], [end for _, end in found]
    if not items:
        return OutlineResult(not_found=not_found(section or document, [], "可列举的条目"))
    return OutlineResult(doc_id=document, section=section, items=[name for _, name in items],
                         texts=[_opening(text, end) for end in ends] or [""] * len(items),
                         citations=unique_citations([deps.cite(document, num + name) if num else
                                                     deps.cite(document, name) for num, name in items]))


def section_opening(deps: ToolDeps, document: str, section: str) -> str | None:
    """The first sentences of a section that has no numbered items ("主要目标" is written as a paragraph)."""
    doc = deps.documents.get(document)
    span = _section_span(doc.text, section) if doc else None
    if doc is None or span is None:
        return None
    body = doc.text[span[0] : span[1]].strip()
    return _opening(body, 0, limit=240) or None


def _opening(text: str, start: int, limit: int = 160) -> str:
    """The first sentences of an item's own text after its heading, up to `limit` characters."""
    end = text.find("\n", start)
    body = text[start : end if end >= 0 else len(text)].strip()
    out = ""
    for sentence in re.findall(r"[^。；]+[。；]?", body):
        if out and len(out) + len(sentence) > limit:
            break
        out += sentence
    return out.strip()


def define(deps: ToolDeps, term: str) -> TermResult:
    """What a term of the chain-leader system means (七个一, 五图作业, 链主企业 …), with the sentence of the
    documents that defines or explains it, and its counterpart in the other province where there is one."""
    keys = {m.key for m in deps.gazetteer.scan(term) if m.kind == "term"}
    terms = [t for t in deps.tables.terms if t.term in keys or fold(t.term) == fold(term)]
    if not terms:
        return TermResult(not_found=not_found(term, [t.term for t in deps.tables.terms], "术语"))
    return TermResult(terms=terms, citations=unique_citations([deps.cite(t.source, t.quote) for t in terms]))


def compare(deps: ToolDeps, topic: str) -> CompareResult:
    """How the provinces' systems compare on a point (coverage, leadership, 七个一 vs 八个一, 五图作业,
    reporting, experts …); every side quotes its document. An empty topic compares every point; a topic no
    point matches compares none."""
    rows = deps.tables.comparison
    folded, q = fold(topic), grams(topic)
    scored = [(2 * len(keyword_hits(folded, r.keywords)) + overlap(q, r.topic), r) for r in rows]
    best = max((s for s, _ in scored), default=0)
    chosen = [r for s, r in scored if best and s == best] if folded.strip() else list(rows)
    cites = [deps.cite(side.source, side.quote) for r in chosen for side in (*r.sides.values(), *r.nearest.values())]
    return CompareResult(rows=chosen, citations=unique_citations(cites))
