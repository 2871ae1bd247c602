"""The statement answerer: what a speaker or a document says about a topic, or every point a speaker made."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.answer_people import titled_name
from assistant.offline.records import (
    asked_about,
    content_of,
    document_of,
    pick,
    record_notes,
    said_before,
    speaker_of,
)
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame
from retrieval.facts import Person, Statement
from retrieval.normalize import fold
from retrieval.overlap import grams

_MAX_POINTS = 10
_POINT_SCORE = 1.5  # a point that shares at least the topic's main word with the ask
_RELATIVE = 0.4  # … and at least this share of the best point's score
_SUBJECTS = ("chain", "term", "problem", "city", "action", "mechanism")


def statement(ctx: Context, frame: Frame) -> Reply | None:
    topic = content_of(frame)
    speaker = speaker_of(ctx, frame)
    people = {p.name: p for p in ctx.tables.facts.people}
    if speaker in people and not _subject(ctx, frame, people[speaker]):  # "郭涛在发布会上说了什么": all his points
        return _speakers_points(ctx, frame, people[speaker], topic)
    types = set(frame.reading.answer_types)
    if speaker in people and "number" in types and "list" not in types and not any(frame.slots.get(k) for k in _SUBJECTS):
        return _speakers_points(ctx, frame, people[speaker], topic, every=True)  # "她提了几条建议": all, counted
    # a province the ask names keeps the other's documents out ("<省>领导小组办公室负责什么")
    named = frame.reading.provinces[0] if len(frame.reading.provinces) == 1 else None
    r = T.statements(ctx.deps, topic, speaker=speaker, source=document_of(ctx, frame), limit=8, province=named)
    if r.not_found and speaker:
        r = T.statements(ctx.deps, topic, source=document_of(ctx, frame), limit=8, province=named)
    chosen = [s for s in pick(ctx, frame, r) if isinstance(s, Statement)]
    if not chosen or r.matches[0].score < 2:
        return None
    if speaker in people and "list" in frame.reading.answer_types:
        return _speakers_points(ctx, frame, people[speaker], topic)
    lines = [ctx.say("statement", who=titled_name(ctx, people[s.speaker]) if s.speaker in people else
                     f"《{ctx.tables.meta(s.source).title}》", fact=s.fact) for s in chosen]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(s.source, s.quote) for s in chosen])),
                 notes=record_notes(chosen), tools=["statements"])


def _subject(ctx: Context, frame: Frame, speaker: Person) -> frozenset[str]:
    """What the ask is about besides who said it (named, described: "武大那位教授", or a pronoun: "他"), where and
    how it is asked: the bigrams of the topic no word of those covers (a bigram left between two is no subject)."""
    reading = frame.reading
    known = grams(speaker.name + speaker.post + speaker.org).union(
        *(grams(reading.folded[m.start : m.end]) for m in reading.mentions))
    text = asked_about(frame)
    covered = [False] * len(text)
    for i in range(len(text) - 1):
        if text[i : i + 2] in known:
            covered[i] = covered[i + 1] = True
    for word in (fold(w) for words in ctx.tables.catalog.markers.pronouns.model_dump().values() for w in words):
        for at in (i for i in range(len(text)) if word and text.startswith(word, i)):
            covered[at : at + len(word)] = [True] * len(word)
    runs = "".join(c if not hit else " " for c, hit in zip(text, covered, strict=True)).split()
    return frozenset().union(*(grams(r) for r in runs if len(r) >= 2))


def _speakers_points(ctx: Context, frame: Frame, person: Person, topic: str, every: bool = False) -> Reply | None:
    """"袁德芳讲了哪几条": everything the speaker said that touches the topic, in the document's order."""
    # An ask about a subject (汽车, 融资) keeps the points on it; "经信厅讲了哪几点" wants them all.
    if not every and (any(frame.slots.get(k) for k in _SUBJECTS) or _subject(ctx, frame, person)):
        r = T.statements(ctx.deps, topic, speaker=person.name, source=document_of(ctx, frame), limit=_MAX_POINTS)
        # "讲了汽车的哪几点" keeps every point on the chain; "当好联络员包括哪几件事" only those close to the best
        # one (a point sharing just "包括" with the ask is not on it)
        broad = any(frame.slots.get(k) for k in ("chain", "city"))
        floor = _POINT_SCORE if broad or not r.matches else max(_POINT_SCORE, r.matches[0].score * _RELATIVE)
        points = [m.record for m in r.matches if isinstance(m.record, Statement) and m.score >= floor]
    else:
        source = document_of(ctx, frame)
        points = [s for s in ctx.tables.facts.statements if s.speaker == person.name and
                  (source is None or s.source == source)]
    if frame.reading.again:  # "还有呢" after his first points: the ones not given yet
        points = [s for s in points if not said_before(ctx, s)]
    if not points:
        return None
    text = ctx.deps.documents.get(points[0].source)
    points.sort(key=lambda s: text.text.find(s.quote) if text else 0)
    total, points = len(points), points[:_MAX_POINTS]
    items = "\n".join(f"{i}. **{s.topic}**：{s.fact}" for i, s in enumerate(points, 1))
    template = "statement_list_rest" if frame.reading.again else \
        "statement_list" if total == len(points) else "statement_list_more"
    lead = ctx.say(template, who=titled_name(ctx, person),
                   count=len(points), total=total, items=items)
    return Reply(lead, ctx.evidence(T.unique_citations([ctx.deps.cite(s.source, s.quote) for s in points[:1]])),
                 notes=record_notes(points), tools=["statements"])
