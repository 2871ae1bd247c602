"""Turns tool results into answer text with templates from prompts/: direct answer first, then quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Citation
from assistant.prompts import Prompts
from assistant.tools import ChainFact


@dataclass
class Draft:
    text: str
    citations: list[Citation] = field(default_factory=list)
    tools_used: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    refused: bool = False
    reason: str | None = None


_FIELD_NAMES = {"leader": "链长", "leader_post": "职务", "lead_department": "牵头部门",
                "liaison": "联络员", "division": "联络处室", "cluster_type": "类型", "industry": "产业"}


def inferred_note(prompts: Prompts, fact: ChainFact, fields: tuple[str, ...]) -> str:
    hit = [f for f in fields if f in fact.inferred_fields]
    if not hit:
        return ""
    names = "、".join(_FIELD_NAMES.get(f, f) for f in hit)
    return prompts.text("answers/inferred_note").replace("（", f"（{names}一栏：", 1)


def chains_table(facts: list[ChainFact], columns: list[str]) -> str:
    """A Markdown table of chain rows; inferred cells are marked with ※."""
    head = {"chain": "产业链", "leader": "链长", "leader_post": "职务", "lead_department": "牵头部门",
            "liaison": "联络员", "division": "联络处室", "industry": "产业", "cluster_type": "类型",
            "province": "省份"}
    lines = ["| " + " | ".join(head[c] for c in columns) + " |", "|" + " --- |" * len(columns)]
    for f in facts:
        cells = []
        for c in columns:
            value = getattr(f, c) or "—"
            cells.append(value + ("※" if c in f.inferred_fields else ""))
        lines.append("| " + " | ".join(cells) + " |")
    if any(set(f.inferred_fields) & set(columns) for f in facts):
        lines.append("\n※ 原表该格为合并单元格，据上一行推定。")
    return "\n".join(lines)


def quote_block(citations: list[Citation], limit: int = 2) -> str:
    lines = []
    for c in citations[:limit]:
        quote = c.quote.replace("\n", " ")
        where = f"《{c.doc_title}》" + (f"（{c.section}）" if c.section else "")
        lines.append(f"> {quote}\n>\n> —— {where}")
    return "\n\n".join(lines)


def with_sources(prompts: Prompts, draft: Draft, limit: int = 2) -> Draft:
    if draft.citations:
        draft.text += prompts.render("answers/sources", quotes=quote_block(draft.citations, limit))
    return draft
