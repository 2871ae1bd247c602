"""The mechanism answerer: a province's working mechanism that the ask names or describes, with its parts,
frequency and who reports to whom."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.records import MIN_COVERAGE, content_of, record_notes, record_text
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame
from retrieval.facts import Mechanism
from retrieval.overlap import grams, overlap


def mechanism(ctx: Context, frame: Frame) -> Reply | None:
    """The mechanism the ask names or describes, in each province it asks about."""
    provinces: list[str | None] = list(frame.provinces) or [None]
    last = ctx.dialogue.last
    # "<省>呢" after one of the other province's mechanisms: its side of the comparison on that point first
    named = [m for m in ctx.tables.facts.mechanisms if m.id in frame.keys("mechanism")]
    elsewhere = bool(named) and bool(frame.provinces) and all(m.province not in frame.provinces for m in named)
    side_first = last is not None and bool(last.keys("mechanism")) and (elsewhere or not named)
    if side_first and (side := _compared_side(ctx, frame)) is not None:
        return side
    replies = [r for p in provinces if (r := _mechanism_in(ctx, frame, p)) is not None]
    if not replies:  # (a comparison already tried above found no side)
        return None if side_first else _compared_side(ctx, frame)
    return Reply("\n\n".join(r.lead for r in replies), [e for r in replies for e in r.evidence],
                 body="\n\n".join(r.body for r in replies if r.body), notes=[n for r in replies for n in r.notes],
                 tools=["mechanisms"])


def _without_terms(frame: Frame) -> str:
    text = content_of(frame)
    for m in frame.reading.slots.get("term", []):
        text = text.replace(frame.reading.folded[m.start : m.end], "")
    return text


def _said_elsewhere(ctx: Context, own: str, province: str | None) -> bool:
    """Does a statement of the documents cover the ask's own words `own` (its terms aside)?"""
    want = grams(own)
    if len(want) < 2:
        return False
    r = T.statements(ctx.deps, own, source=ctx.tables.spec(province).scheme if province else None, limit=1)
    return bool(r.matches) and overlap(want, record_text(r.matches[0].record)) / len(want) >= MIN_COVERAGE


def _mechanism_in(ctx: Context, frame: Frame, province: str | None) -> Reply | None:
    last = ctx.dialogue.last
    keys = frame.keys("mechanism")
    if not keys and not frame.reading.mentions and last is not None:
        keys = last.keys("mechanism")  # "多久督办一次" after a mechanism: still that one
    named = [x for x in ctx.tables.facts.mechanisms if x.id in keys and (province is None or x.province == province)]
    if named:
        candidates = named
    else:
        # the ask's own words first: a term it also names (链长制) is often the whole system, which every
        # mechanism belongs to ("链长制是怎么抓招商的" asks about 招商)
        # (a follow-up's term may be what ties it to the last answer: "链长具体用什么方式推进")
        after_one = last is not None and (bool(last.keys("mechanism")) or any(m.kind == "mechanism" for m in last.named))
        words = _without_terms(frame)
        own = None if after_one else T.mechanisms(ctx.deps, words, province=province, limit=5)
        found = own is not None and bool(own.matches) and own.matches[0].score >= 2
        if own is not None and not found and frame.keys("term") and _said_elsewhere(ctx, words, province):
            return None  # "链长制的日常协调是谁在做": a statement says it; the system as a whole does not
        r = own if own is not None and found else \
            T.mechanisms(ctx.deps, " ".join([*frame.keys("term"), content_of(frame)]), province=province, limit=5)
        if r.not_found and province:  # a counterpart asked of another province: its closest mechanism
            r = T.mechanisms(ctx.deps, _counterpart_topic(ctx, frame), province=province, limit=5)
        candidates = [m.record for m in r.matches if isinstance(m.record, Mechanism) and m.score >= 2]
    wanted = [f for f in ("frequency", "recipient") if f in frame.facets]
    if not candidates and wanted and province:  # "<省>多久汇总一次": the province's mechanism that has a cadence
        rows = [x for x in ctx.tables.facts.mechanisms if x.province == province and all(getattr(x, f) for f in wanted)]
        ranked = [x for m in r.matches for x in rows if m.record is x]  # best match first
        candidates = rows[:1] if len(rows) == 1 else ranked[:1]
        if not candidates and len(rows) > 1 and wanted == ["frequency"]:  # "多久开一次会": every cadence it sets
            return _cadences(ctx, province, rows)
    chosen = [m for m in candidates if all(getattr(m, f) for f in wanted)][:1] or candidates[:1]
    if not chosen:
        return None
    m = chosen[0]
    exists = frame.reading.says(ctx.tables.catalog.markers.exists)
    yes = ctx.say("yes") if "yesno" in frame.reading.answer_types and exists else ""  # not "都是副省长吗"
    parts = "\n".join(f"{i}. {p}" for i, p in enumerate(m.parts, start=1))
    detail = "；".join(x for x in (f"频次：{m.frequency}" if m.frequency else "",
                                   f"报送：{m.reporter}→{m.recipient}" if m.reporter and m.recipient else "") if x)
    lead = yes + ctx.say("mechanism", province=ctx.province_name(m.province), name=m.name, fact=m.fact,
                         detail=f"（{detail}）" if detail else "")
    return Reply(lead, ctx.evidence([ctx.deps.cite(m.source, m.quote)]), body=parts, notes=record_notes([m]),
                 tools=["mechanisms"])


def _compared_side(ctx: Context, frame: Frame) -> Reply | None:
    last = ctx.dialogue.last
    names = [m.name for m in ctx.tables.facts.mechanisms if m.id in last.keys("mechanism")] if last else []
    return compared_side(ctx, frame, names)


def compared_side(ctx: Context, frame: Frame, words: list[str]) -> Reply | None:
    """"那<另一省>呢" after a mechanism or term it has no namesake of: the other province's side of the prepared
    comparison on that point (问题办理 → its leaders' 专题会议), said to be that side, not the same thing."""
    last = ctx.dialogue.last
    if last is None or len(frame.provinces) != 1 or frame.provinces == last.provinces:
        return None
    target = frame.provinces[0]
    r = T.compare(ctx.deps, " ".join([*words, last.reading.topic]))
    row = next((x for x in r.rows if target in x.sides or target in x.nearest), None)
    if row is None:
        return None
    side = row.sides.get(target) or row.nearest[target]
    home = next((m for m in ctx.tables.facts.mechanisms if m.province == target and m.source == side.source
                 and (side.quote in m.quote or m.quote in side.quote)), None)  # the mechanism the side stands in
    lead = ctx.say("compared_side", province=ctx.province_name(target), topic=row.topic, text=side.text,
                   where=ctx.say("compared_in", name=home.name) if home else "")
    return Reply(lead, ctx.evidence([ctx.deps.cite(side.source, side.quote)]), tools=["compare"])


def _cadences(ctx: Context, province: str, rows: list[Mechanism]) -> Reply:
    items = "；".join(f"**{m.name}**：{m.frequency}" for m in rows)
    lead = ctx.say("cadences", province=ctx.province_name(province), items=items)
    return Reply(lead, ctx.evidence([ctx.deps.cite(m.source, m.quote) for m in rows[:2]]), notes=record_notes(rows),
                 tools=["mechanisms"])


def _counterpart_topic(ctx: Context, frame: Frame) -> str:
    last = ctx.dialogue.last
    keys = [m.key for m in (last.slots.get("mechanism", []) if last else [])]
    recs = [m for m in ctx.tables.facts.mechanisms if m.id in keys]
    return " ".join([frame.reading.topic, *(f"{m.name} {m.fact} {' '.join(m.keywords)}" for m in recs)])
