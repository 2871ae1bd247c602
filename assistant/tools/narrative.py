"""Tools over the narrative facts (knowledge/facts/): events and who hosted or spoke, a person's roles,
the press questions and who answered, what a speaker or document says about a topic, reported figures
and targets, and the working mechanisms."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, Field

from assistant.answer import Citation
from assistant.tools.chains import ChainFact, fact
from assistant.tools.deps import NotFoundInfo, ToolDeps, not_found, unique_citations
from retrieval.facts import Event, Exchange, Fact, Figure, Mechanism, Person, Statement
from retrieval.gazetteer import PEOPLE
from retrieval.normalize import fold, squash
from retrieval.overlap import grams, keyword_hits, overlap
from retrieval.rows import GeneralLeader


class EventResult(BaseModel):
    event: Event | None = None
    host: Person | None = None
    people: list[Person] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class ProfileResult(BaseModel):
    name: str
    people: list[Person] = Field(default_factory=list)  # the person at events / as author
    leads: list[ChainFact] = Field(default_factory=list)  # chains the person heads or contacts
    liaison_for: list[ChainFact] = Field(default_factory=list)
    general: list[GeneralLeader] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class ExchangeResult(BaseModel):
    exchanges: list[Exchange] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class Scored(BaseModel):
    score: float
    record: Statement | Figure | Mechanism


class RecordResult(BaseModel):
    """Statements, figures or mechanisms that match a topic, best first, each with its match score."""

    matches: list[Scored] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


def _cite(deps: ToolDeps, records: Sequence[Fact]) -> list[Citation]:
    return unique_citations([deps.cite(r.source, r.quote) for r in records])


def event_info(deps: ToolDeps, event: str | None = None) -> EventResult:
    """Facts of an event in the sources (the press conference, the CPPCC session): date, organiser, purpose,
    host and the people who spoke. `event` is a name or alias (发布会, 政协常委会 …); None: the first event."""
    events = deps.tables.facts.events
    keys = {m.key for m in deps.gazetteer.scan(event) if m.kind == "event"} if event else set()
    chosen = next((e for e in events if e.id in keys or e.id == event), None) if event else \
        next(iter(events), None)
    if chosen is None:
        return EventResult(not_found=not_found(event or "", [e.name for e in events], "会议或活动"))
    people = sorted((p for p in deps.tables.facts.people if p.event == chosen.id), key=lambda p: p.order or 99)
    host = next((p for p in people if chosen.host and p.name == chosen.host), None)
    return EventResult(event=chosen, host=host, people=people, citations=_cite(deps, [chosen, *people]))


def person_profile(deps: ToolDeps, name: str) -> ProfileResult:
    """Everything the sources say a named person is: post and organisation at an event or as an author,
    chains they head or contact, chains they are liaison officer for, chief chain leader."""
    keys = {m.key for m in deps.gazetteer.scan(name) if m.kind in PEOPLE} or {squash(name)}
    t = deps.tables
    result = ProfileResult(name=next(iter(keys)) if len(keys) == 1 else squash(name))
    result.people = [p for p in t.facts.people if p.name in keys]
    result.leads = [fact(deps, r) for r in t.chains if r.leader in keys]
    result.liaison_for = [fact(deps, r) for r in t.chains if r.liaison and squash(r.liaison) in keys]
    result.general = [g for g in t.general_leaders if g.name in keys]
    if not (result.people or result.leads or result.liaison_for or result.general):
        known = sorted({p.name for p in t.facts.people} | {r.leader for r in t.chains})
        result.not_found = not_found(squash(name), known, "人物")
        return result
    cites = [deps.cite(p.source, p.quote) for p in result.people]
    cites += [deps.cite(f.source, f.quote) for f in (*result.leads, *result.liaison_for)]
    cites += [deps.cite(g.source, g.quote) for g in result.general]
    result.citations = unique_citations(cites)
    return result


def exchanges(deps: ToolDeps, event: str | None = None, outlet: str | None = None, person: str | None = None,
              topic: str | None = None) -> ExchangeResult:
    """The reporters' questions of a press event: which outlet asked what, of whom, and who answered.
    Filters: `event` (an event id: another event had no press questions), `outlet` (a news outlet), `person`
    (who was asked or answered), `topic` (words of the question)."""
    rows = [x for x in deps.tables.facts.exchanges if not event or x.event == event]
    if outlet:
        rows = [x for x in rows if fold(x.outlet) in fold(outlet) or fold(outlet) in fold(x.outlet)]
    if person:
        names = {m.key for m in deps.gazetteer.scan(person) if m.kind in ("person", "leader")} or {squash(person)}
        rows = [x for x in rows if x.answered_by in names or (x.addressed_to or "") in names]
    if topic and len(rows) > 1:
        q = grams(topic)
        best = max((overlap(q, x.question) for x in rows), default=0)
        rows = [x for x in rows if best and overlap(q, x.question) == best] or rows
    if not rows:
        return ExchangeResult(not_found=not_found(outlet or person or topic or "",
                                                  [x.outlet for x in deps.tables.facts.exchanges], "提问"))
    return ExchangeResult(exchanges=rows, citations=_cite(deps, rows))


def _score(record: Fact, q: frozenset[str], folded: str, fields: tuple[str, ...]) -> float:
    words = 2.0 * len(keyword_hits(folded, record.keywords))
    text = sum(overlap(q, getattr(record, f) or "") * w for f, w in zip(fields, (1.5, 1.0, 0.5), strict=False))
    return words + text


def _ranked(deps: ToolDeps, records: list, topic: str, fields: tuple[str, ...], limit: int) -> RecordResult:
    q, folded = grams(topic), _with_synonyms(deps, fold(topic))
    scored = sorted(((_score(r, q, folded, fields), r) for r in records), key=lambda s: -s[0])
    scored = [(s, r) for s, r in scored if s > 0][:limit]
    if not scored:
        return RecordResult(not_found=not_found(topic, [], "相关内容"))
    return RecordResult(matches=[Scored(score=round(s, 2), record=r) for s, r in scored],
                        citations=_cite(deps, [r for _, r in scored]))


def quotes_value(topic: str, record: Fact) -> bool:
    """Does the ask quote the number a figure gives ("刚才那个10%…" and the figure of 10%)?"""
    value = getattr(record, "value", None)
    return bool(value) and value in _NUMBERS.findall(topic)


# a number the ask is about: with its unit, then what is said of it ("10%是…", "那个4000亿指…"), not one that
# counts a thing of its own ("为16条链提供…")
_NUMBERS = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])[%％亿万元]*(?=是|指|说|这|那|的意思|[，,？?。]|$)")
QUOTED = 6.0  # a figure whose value the ask quotes outranks one that only shares its words


def _with_synonyms(deps: ToolDeps, folded: str) -> str:
    """The ask with the words its colloquial ones stand for ("架子" → 总链长, 牵头负责), so that a record's
    keywords meet the user's wording; only keywords see them (their grams would be noise in the text overlap)."""
    extra = [fold(v) for k, values in deps.tables.synonyms.items() if fold(k) in folded for v in values]
    return " ".join([folded, *extra])


def statements(deps: ToolDeps, topic: str, speaker: str | None = None, source: str | None = None,
               limit: int = 3, province: str | None = None) -> RecordResult:
    """What a speaker or a document says about a topic (measures, commitments, proposals, views), best match
    first. `speaker`: a person's name; `source`: a document id; `province`: only that province's documents."""
    rows = deps.tables.facts.statements
    if province:
        theirs = {d.id for d in deps.tables.documents if d.province == province}
        rows = [s for s in rows if s.source in theirs]
    if speaker:
        names = {m.key for m in deps.gazetteer.scan(speaker) if m.kind in ("person", "leader")} or {squash(speaker)}
        rows = [s for s in rows if s.speaker in names]
    if source:
        rows = [s for s in rows if s.source == source]
    return _ranked(deps, rows, topic, ("topic", "fact", "quote"), limit)


def figures(deps: ToolDeps, topic: str, province: str | None = None, source: str | None = None,
            kind: str | None = None, limit: int = 3, quoting: str = "") -> RecordResult:
    """Numbers the documents report (kind=figure) or set as goals (kind=target) about a topic: what is
    counted, the value and unit, rank, as of when, by when. Best match first. `quoting`: the ask's text; the
    figures of a number it quotes ("那个10%是什么指标") come first."""
    rows = [f for f in deps.tables.facts.figures if (province is None or f.province in (None, province))
            and (source is None or f.source == source) and (kind is None or f.kind == kind)]
    # "刚才那个10%是针对什么指标": the figures of the number the ask quotes, before any that share words
    named = [f for f in rows if quotes_value(quoting, f)] if quoting else []
    if named:
        ranked = _ranked(deps, named, topic, ("what", "quote", "subject"), limit)
        return RecordResult(matches=[Scored(score=m.score + QUOTED, record=m.record) for m in ranked.matches] or
                            [Scored(score=QUOTED, record=f) for f in named[:limit]],
                            citations=ranked.citations or _cite(deps, named[:limit]))
    return _ranked(deps, rows, topic, ("what", "quote", "subject"), limit)


def mechanisms(deps: ToolDeps, topic: str, province: str | None = None, limit: int = 2) -> RecordResult:
    """The working mechanisms of a province's scheme that match a name or topic (调度督导, 问题办理, 八个一 …):
    what they consist of, how often, who reports to whom."""
    rows = [m for m in deps.tables.facts.mechanisms if province is None or m.province == province]
    keys = {mn.key for mn in deps.gazetteer.scan(topic) if mn.kind == "mechanism"}
    named = [m for m in rows if m.id in keys]
    if named:
        return RecordResult(matches=[Scored(score=10.0, record=m) for m in named], citations=_cite(deps, named))
    return _ranked(deps, rows, topic, ("name", "fact", "quote"), limit)
