"""The figure answerer: the numbers the documents report or set as targets, worded as the document words them."""

from __future__ import annotations

import re

from assistant import tools as T
from assistant.offline.records import content_of, document_of, pick, record_notes, said_before
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame
from retrieval.facts import Figure


def figure(ctx: Context, frame: Frame) -> Reply | None:
    topic = content_of(frame)
    province = frame.provinces[0] if len(frame.provinces) == 1 else None
    kind = next((k for k in ("target", "figure") if k in frame.facets), None)
    r = T.figures(ctx.deps, topic, province=province, source=document_of(ctx, frame), kind=kind, limit=5,
                  quoting=frame.reading.folded if asks_of_value(frame) else "")
    quoted = [m.record for m in r.matches if isinstance(m.record, Figure) and asks_of_value(frame)
              and T.narrative.quotes_value(frame.reading.folded, m.record)]
    chosen = quoted[:3] or [f for f in pick(ctx, frame, r) if isinstance(f, Figure)]
    if not chosen or r.matches[0].score < 3:
        return _all_of(ctx, frame, kind, province)
    lines = [ctx.say("figure", subject=f.subject or "", what=f.what, clause=_clause(f), when=_when(f))
             for f in chosen]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(f.source, f.quote) for f in chosen])),
                 notes=record_notes(chosen), tools=["figures"])


def _all_of(ctx: Context, frame: Frame, kind: str | None, province: str | None) -> Reply | None:
    """"<省>方案定了哪些量化目标" (or "还有别的吗" after some of them): every target of the document, listed,
    when the ask names no target in particular."""
    named = any(frame.slots.get(k) for k in ("person", "event", "term", "chain"))  # "袁德芳说…": his, not the scheme's
    source = document_of(ctx, frame) or (ctx.tables.spec(province).scheme if province and not named else None)
    if kind is None or source is None or not ({"list"} & set(frame.reading.answer_types) or frame.reading.again):
        return None
    first: dict[str, Figure] = {}  # one line a sentence: its first figure (5, 20 and 40 of one sentence)
    for f in ctx.tables.facts.figures:
        if f.source == source and f.kind == kind and not (frame.reading.again and said_before(ctx, f)):
            first.setdefault(f.quote, f)
    rows = list(first.values())
    if not rows:
        return None
    title = ctx.tables.meta(source).title
    more = "more_" if frame.reading.again else ""  # "还有别的吗": the ones the last answer did not give
    lead = ctx.say(f"figure_list_{more}{kind}", title=title, count=len(rows))
    body = "\n".join(f"{i}. {_clause(f)}{_when(f)}" for i, f in enumerate(rows, start=1))
    cites = T.unique_citations([ctx.deps.cite(f.source, f.quote) for f in rows])
    return Reply(lead, ctx.evidence(cites), body=body, notes=record_notes(rows), tools=["figures"])


_CLAUSE = re.compile(r"[^，,；;。]+[，,；;。]?")
_SHORT_QUOTE = 90


def asks_of_value(frame: Frame) -> bool:
    """Does the ask ask what a number it quotes stands for ("10%是针对什么指标"), not for a name, date or number
    of something the number only qualifies ("为16条链提供咨询的是哪个机构")?"""
    return not {"person", "unit", "date", "number", "name"} & set(frame.reading.answer_types)


def _clause(f: Figure) -> str:
    """The figure as the document words it: the quote (or, when long, its clauses around the value),
    the value in bold."""
    text = f.quote.strip()
    if len(text) > _SHORT_QUOTE:
        parts = _CLAUSE.findall(text)
        at = next((i for i, p in enumerate(parts) if f.value in p), 0)
        text = "".join(parts[max(0, at - 1) : at + 2])
    text = text.rstrip("，,；;。")
    return text.replace(f.value, f"**{f.value}**", 1) if f.value in text else f"{text}（**{f.value}{f.unit}**）"


def _when(f: Figure) -> str:
    if f.kind == "target" and f.by_when:
        return f"（目标期限：{f.by_when}）"
    return f"（{f.as_of}）" if f.as_of else ""
