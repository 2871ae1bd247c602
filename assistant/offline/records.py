"""Choosing the narrative records (statements, figures, mechanisms) for an ask: what the ask is about,
the speaker and document it names, the best records and the close ones that add something, their notes."""

from __future__ import annotations

from collections.abc import Sequence

from assistant import tools as T
from assistant.offline.reply import Context
from assistant.understanding.dialogue import Frame
from assistant.understanding.intents import without_cues
from retrieval.facts import Fact, Figure
from retrieval.gazetteer import PEOPLE
from retrieval.normalize import fold
from retrieval.overlap import grams, overlap

_CLOSE = 0.8  # a second match within this share of the best score is shown too
_CLOSE_LIST = 0.5
_NAMED = {"city", "person", "leader", "chain", "department", "outlet"}  # what a second record must name too
_WHERE = ("event", "document", "outlet")
MIN_COVERAGE = 0.3  # a record must share at least this share of the ask's topic bigrams


def record_notes(records: Sequence[Fact]) -> list[str]:
    return list(dict.fromkeys(r.note for r in records if r.status == "inferred" and r.note))


def said_before(ctx: Context, record: Fact) -> bool:
    """Already stated in the previous answer ("他还提到了哪条走廊？" wants another one)."""
    last = ctx.dialogue.last
    if last is None or not last.answer:
        return False
    said = fold(last.answer)
    return any(len(p) >= 6 and fold(p[:12]) in said for p in (record.quote, getattr(record, "fact", "")))


def pick(ctx: Context, frame: Frame, result: T.narrative.RecordResult) -> list:
    """The best records, and the next ones close to them; more for a list ("讲了哪几条"), and none the
    ask shares too little with."""
    records = [m for m in result.matches if not (frame.reading.again and said_before(ctx, m.record))]
    want, optional = topical(frame), _optional(frame)
    records = [m for m in records if want and coverage(want, optional, m.record) >= MIN_COVERAGE]
    if not records:
        return []
    # "十堰主要发展什么": a record naming the place asked about comes before a better-scoring one that does not,
    # and one about another place only ("武汉呢" after 孝感's 技改 target) does not answer at all
    places = {frame.reading.folded[m.start : m.end] for m in frame.reading.mentions if m.kind == "city"}
    if places:
        about = [(_about(ctx, m.record, places), m) for m in records]  # one gazetteer scan a record
        records = [m for named, m in sorted(about, key=lambda x: not x[0]) if named is not False]
        if not records:
            return []
    listing = bool({"list", "how"} & set(frame.reading.answer_types))  # "具体咋做": the steps, not one
    best = records[0].score
    close = _CLOSE_LIST if listing else _CLOSE
    chosen = [m.record for m in records if m.score >= best * close or listing and _sibling(m.record, records[0].record)]
    return _distinct(frame, chosen[: 6 if listing else 3], listing)


def _sibling(record: Fact, best: Fact) -> bool:
    """An item of the same section as the best match: their topics share the part before "：" (当好联络员：调度会商,
    当好联络员：决策咨询), so "当好联络员具体咋做" lists them all."""
    head = str(getattr(best, "topic", "") or "").partition("：")
    return bool(head[1]) and str(getattr(record, "topic", "") or "").startswith(head[0] + "：")


def _about(ctx: Context, record: Fact, places: set[str]) -> bool | None:
    """Whether a record names the places asked about; False when it names only other places, None when none."""
    text = fold(record_text(record))
    if all(p in text for p in places):
        return True
    named = [m for m in ctx.deps.gazetteer.scan(text) if m.kind == "city"]
    return False if named else None


def _distinct(frame: Frame, records: list, listing: bool) -> list:
    """The best record, and others only when they add something: not the same number again, and naming
    what the best one names of the ask (孝感's statement, not another speaker's on 传统产业)."""
    text = fold(record_text(records[0]))
    named = {frame.reading.folded[m.start : m.end] for m in frame.reading.mentions if m.kind in _NAMED}
    named = {n for n in named if n and n in text}
    out = records[:1]
    for r in records[1:]:
        if all(n in fold(record_text(r)) for n in named) and (listing or not any(_same(r, kept) for kept in out)):
            out.append(r)
    return out


def _same(a, b) -> bool:
    """The same number again, or another number of the same sentence (the ask wants one of them)."""
    if isinstance(a, Figure) and isinstance(b, Figure):
        return (a.value == b.value and a.unit == b.unit) or a.quote == b.quote
    return False


def asked_about(frame: Frame) -> str:
    """The ask's content without the words that only say how it is asked (the intent's cues)."""
    return without_cues(frame.intent, content_of(frame))


def topical(frame: Frame) -> frozenset[str]:
    """The bigrams of the ask's content without the words that only say how it is asked (提到, 说了 … the
    intent's cues) or where it was said (政协常委会的发言里: naming the event narrows the search already)."""
    text = asked_about(frame)
    if frame.reading.lang == "en":  # the English words' bigrams match no record; their Chinese translations do
        text = "".join(ch for ch in text if not ch.isascii()) or text
    # with one character either side: the bigrams straddling the name ("省政协开常委会时") are not content either
    where = set().union(*(grams(frame.reading.folded[max(0, m.start - 1) : m.end + 1]) for m in frame.reading.mentions
                          if m.kind in _WHERE))
    return (grams(text) - where) or grams(text or content_of(frame))


def _optional(frame: Frame) -> frozenset[str]:
    """Topic bigrams that count only where a record has them too: one straddling an entity's edge ("对链长制本身":
    对链, 制本; but "汉江汽车走廊") is half a word of nothing, and a record's words rarely name its speaker
    ("毛厅长") unless it is about him."""
    folded = frame.reading.folded
    edges = {folded[i - 1 : i + 1] for m in frame.reading.mentions for i in (m.start, m.end) if 0 < i < len(folded)}
    return frozenset(edges.union(*(grams(folded[m.start : m.end]) for m in frame.reading.mentions if m.kind in PEOPLE)))


def coverage(want: frozenset[str], optional: frozenset[str], record: Fact) -> float:
    """The share of the ask's topic bigrams a record holds, the `optional` ones counted only where it has them."""
    text = record_text(record)
    hits = overlap(want, text)
    total = len(want - optional) + overlap(want & optional, text)
    return hits / total if total else 0.0


def content_of(frame: Frame) -> str:
    """What the ask is about, its entities included (生物医药, 孝感): the record search wants them."""
    return frame.reading.content or frame.reading.topic or frame.reading.folded


def speaker_of(ctx: Context, frame: Frame) -> str | None:
    """The person named, or the one speaker of the event or document asked about who speaks for the
    department named ("发布会上发改委怎么说" is what 省发改委's speaker said)."""
    names = frame.keys("person") or frame.keys("leader")
    if names:
        return names[0]
    departments, documents = set(frame.keys("department")), set(frame.keys("document"))
    if not departments or not documents:
        return None
    speakers = {p.name for p in ctx.tables.facts.people
                if p.source in documents and departments & ctx.deps.gazetteer.keys(p.org, "department")}
    return speakers.pop() if len(speakers) == 1 else None


def document_of(ctx: Context, frame: Frame) -> str | None:
    """The document the ask names, or the one reporting the event it names ("政协会上" → the CPPCC report)."""
    docs = frame.keys("document")
    if docs:
        return docs[0]
    events = {e.id: e.source for e in ctx.tables.facts.events}
    return next((events[k] for k in frame.keys("event") if k in events), None)


def record_text(record: Fact) -> str:
    """What a record says, its curated keywords included (清欠 names the figure 累计清偿账款 stands for)."""
    own = " ".join(str(getattr(record, f, "") or "") for f in ("topic", "what", "name", "fact", "quote"))
    return own + " " + " ".join(getattr(record, "keywords", None) or [])
