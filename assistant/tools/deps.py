"""What the tools read: the validated knowledge base, the entity index and the documents."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from assistant.answer import Citation
from retrieval.documents import Document
from retrieval.gazetteer import Gazetteer
from retrieval.registry import Tables

SectionAt = Callable[[str, int], str]  # (doc_id, offset) → "五、工作机制 > （四）…"


@dataclass
class ToolDeps:
    tables: Tables
    gazetteer: Gazetteer
    documents: dict[str, Document]
    section_at: SectionAt

    def cite(self, source: str, quote: str) -> Citation:
        """A citation of `quote` in document `source`, with its offsets and section when it is verbatim."""
        doc = self.documents[source]
        start = doc.text.find(quote)
        section = self.section_at(source, start) if start >= 0 else ""
        return Citation(doc_id=source, doc_title=doc.title, section=section, quote=quote,
                        start=start if start >= 0 else None, end=start + len(quote) if start >= 0 else None)


class NotFoundInfo(BaseModel):
    query: str
    suggestions: list[str] = Field(default_factory=list)
    message: str


def not_found(query: str, candidates: list[str], what: str) -> NotFoundInfo:
    close = difflib.get_close_matches(query, candidates, n=3, cutoff=0.3)
    msg = f"知识库中没有找到{what}“{query}”。"
    if close:
        msg += "您是否想问：" + "、".join(close) + "？"
    return NotFoundInfo(query=query, suggestions=close, message=msg)


def unknown_province(deps: ToolDeps, province: str) -> NotFoundInfo | None:
    """None when `province` is configured, else a not_found naming the covered ones."""
    names = deps.tables.province_names
    if province in names:
        return None
    return NotFoundInfo(query=province, suggestions=names,
                        message=f"知识库没有{province}的资料，目前覆盖：{'、'.join(names)}。")


def unique_citations(cites: list[Citation]) -> list[Citation]:
    """Citations in order, each (document, quote) once."""
    seen, out = set(), []
    for c in cites:
        if (c.doc_id, c.quote) not in seen:
            seen.add((c.doc_id, c.quote))
            out.append(c)
    return out
