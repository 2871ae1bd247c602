"""Answerers over the narrative facts: people, events and who spoke, the press questions, what a speaker
or document says, figures and targets, mechanisms."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant import tools as T
from assistant.offline.answer_chains import row_evidence
from assistant.offline.reply import Context, Evidence, Reply
from assistant.understanding.dialogue import Frame
from retrieval.facts import Event, Fact, Figure, Mechanism, Person, Statement
from retrieval.normalize import fold
from retrieval.overlap import grams, overlap

_CLOSE = 0.8  # a second match within this share of the best score is shown too
_CLOSE_LIST = 0.5
_MAX_POINTS = 10
_POINT_SCORE = 1.5  # a point that shares at least the topic's main word with the ask
_SUBJECTS = ("chain", "term", "problem", "city", "action", "mechanism")
_SUBJECT_CHARS = 3
_NAMED = {"city", "person", "leader", "chain", "department", "outlet"}  # what a second record must name too


def _who(ctx: Context, p: Person) -> str:
    name = ctx.en_name(p.name) if ctx.en else p.name
    return f"{p.title}**{name}**"


def _notes(records: Sequence[Fact]) -> list[str]:
    return list(dict.fromkeys(r.note for r in records if r.status == "inferred" and r.note))


def person_profile(ctx: Context, frame: Frame) -> Reply | None:
    names = frame.keys("person") or frame.keys("leader") or frame.keys("liaison")
    parts, cites, records, rows = [], [], [], []
    for name in names[:2]:
        r = T.person_profile(ctx.deps, name)
        if r.not_found:
            continue
        shown = ctx.en_name(r.name) if ctx.en else r.name
        roles = [ctx.say("role_event", title=ctx.title_of(p), role=p.role, event=_event_name(ctx, p),
                         represents=f"，代表{p.represents}" if p.represents else "") for p in r.people]
        roles += [ctx.say("role_general", province=ctx.province_name(g.province), post=g.post) for g in r.general]
        if r.leads:
            f = r.leads[0]
            post = (f" ({f.leader_post})" if ctx.en else f"（{f.leader_post}）") if f.leader_post else ""
            roles.append(ctx.say("role_leader", province=ctx.province_name(f.province), post=post,
                                 chains="、".join(x.chain for x in r.leads),
                                 title=ctx.tables.spec(f.province).leader_title))
        if r.liaison_for:
            f = r.liaison_for[0]
            roles.append(ctx.say("role_liaison", label=f.labels.get("liaison", ""), division=f.division or "",
                                 chains="、".join(x.chain for x in r.liaison_for)))
        parts.append(ctx.say("person", name=shown, roles="；".join(roles)))
        if len(roles) > 1 and len({c.doc_id for c in r.citations}) > 1:
            parts.append(ctx.say("same_name", name=r.name))
        cites += [ctx.deps.cite(p.source, p.quote) for p in r.people] + [ctx.deps.cite(g.source, g.quote)
                                                                         for g in r.general]
        rows += [*r.leads, *r.liaison_for]
        records += r.people
    if not parts:
        return None
    evidence = ctx.evidence(T.unique_citations(cites)) + row_evidence(ctx, list({f.chain: f for f in rows}.values()))
    return Reply("\n\n".join(parts), evidence, notes=_notes(records), tools=["person_profile"], about_people=True)


def _event_name(ctx: Context, p: Person) -> str:
    e = next((e for e in ctx.tables.facts.events if e.id == p.event), None)
    if e is not None:
        return e.name
    meta = ctx.tables.document(p.source)
    return f"《{meta.title}》" if meta else ""


def _event(ctx: Context, frame: Frame) -> tuple[Event, T.narrative.EventResult] | None:
    keys = frame.keys("event")
    if not keys:
        docs = frame.keys("document")
        keys = [e.id for e in ctx.tables.facts.events if e.source in docs]
    if not keys:  # a document that reports no event (a scheme) has no speakers to list
        return None
    r = T.event_info(ctx.deps, keys[0])
    return None if r.not_found or r.event is None else (r.event, r)


def event_info(ctx: Context, frame: Frame) -> Reply | None:
    found = _event(ctx, frame)
    if found is None:
        return None
    e, r = found
    facets = frame.facets or {"date", "organiser", "host"}
    lines = []
    if "host" in facets and r.host:
        lines.append(ctx.say("event_host", event=e.name, host=_who(ctx, r.host)))
    if facets & {"date", "organiser", "session"} or not lines:
        if e.date:
            lines.append(ctx.say("event_when", event=e.name, date=_date(e.date), organiser=e.organiser or ""))
        else:
            meta = ctx.tables.meta(e.source)
            lines.append(ctx.say("event_undated", event=e.name, organiser=e.organiser or "", title=meta.title,
                                 published=meta.published or ""))
    if "purpose" in facets and e.purpose:
        lines.append(ctx.say("event_purpose", event=e.name, purpose=e.purpose))
    records: list[Fact] = [e, *([r.host] if r.host and "host" in facets else [])]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(x.source, x.quote) for x in records])),
                 notes=_notes(records), tools=["event_info"], about_people="host" in facets)


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def event_people(ctx: Context, frame: Frame) -> Reply | None:
    found = _event(ctx, frame)
    if found is None or not found[1].people:
        return None
    event, r = found
    roles = list(dict.fromkeys(p.role for p in r.people))
    wanted = [x for x in roles if x in frame.facets] or roles
    lines = []
    for role in wanted:
        people = [p for p in r.people if p.role == role]
        lines.append(ctx.say("event_people", event=event.name, role=role, count=len(people),
                             people="；".join(_who(ctx, p) + (f"（代表{p.represents}）" if p.represents else "")
                                             for p in people)))
    chosen = [p for p in r.people if p.role in wanted]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(p.source, p.quote) for p in chosen])),
                 notes=_notes(chosen), tools=["event_info"], about_people=True)


def exchange(ctx: Context, frame: Frame) -> Reply | None:
    outlet = frame.keys("outlet")
    person = frame.keys("person")
    r = T.exchanges(ctx.deps, outlet=outlet[0] if outlet else None, person=person[0] if person and not outlet else None,
                    topic=frame.reading.topic or None)
    if r.not_found:
        return None
    people = {p.name: p for p in ctx.tables.facts.people}
    lines = []
    for x in r.exchanges[:4]:
        who = people.get(x.answered_by)
        lines.append(ctx.say("exchange", outlet=x.outlet, question=x.question,
                             answered=_who(ctx, who) if who else x.answered_by))
    return Reply("\n\n".join(lines), ctx.evidence(r.citations[:4]), tools=["exchanges"], about_people=True)


def _said_before(ctx: Context, record: Fact) -> bool:
    """Already stated in the previous answer ("他还提到了哪条走廊？" wants another one)."""
    last = ctx.dialogue.last
    if last is None or not last.answer:
        return False
    said = fold(last.answer)
    return any(len(p) >= 6 and fold(p[:12]) in said for p in (record.quote, getattr(record, "fact", "")))


def _pick(ctx: Context, frame: Frame, result: T.narrative.RecordResult) -> list:
    """The best records, and the next ones close to them; more for a list ("讲了哪几条"), and none the
    ask shares too little with."""
    records = [m for m in result.matches if not (frame.reading.again and _said_before(ctx, m.record))]
    want = grams(_topical(frame))
    records = [m for m in records if want and overlap(want, _text(m.record)) / len(want) >= _MIN_COVERAGE]
    if not records:
        return []
    listing = "list" in frame.reading.answer_types
    best = records[0].score
    close = _CLOSE_LIST if listing else _CLOSE
    chosen = [m.record for m in records if m.score >= best * close][: 6 if listing else 3]
    return _distinct(frame, chosen, listing)


def _distinct(frame: Frame, records: list, listing: bool) -> list:
    """The best record, and others only when they add something: not the same number again, and naming
    what the best one names of the ask (孝感's statement, not another speaker's on 传统产业)."""
    text = fold(_text(records[0]))
    named = {frame.reading.folded[m.start : m.end] for m in frame.reading.mentions if m.kind in _NAMED}
    named = {n for n in named if n and n in text}
    out = records[:1]
    for r in records[1:]:
        if all(n in fold(_text(r)) for n in named) and (listing or not any(_same(r, kept) for kept in out)):
            out.append(r)
    return out


def _same(a, b) -> bool:
    """The same number again, or another number of the same sentence (the ask wants one of them)."""
    if isinstance(a, Figure) and isinstance(b, Figure):
        return (a.value == b.value and a.unit == b.unit) or a.quote == b.quote
    return False


def _topical(frame: Frame) -> str:
    """The ask's content without the words that only say how it is asked (提到, 说了 … the intent's cues)."""
    text = _content(frame)
    for cue in sorted(frame.intent.cues if frame.intent else [], key=len, reverse=True):
        text = text.replace(fold(cue), "")
    return text or _content(frame)


def _content(frame: Frame) -> str:
    """What the ask is about, its entities included (生物医药, 孝感): the record search wants them."""
    return frame.reading.content or frame.reading.topic or frame.reading.folded


def _speaker(ctx: Context, frame: Frame) -> str | None:
    """The person named, or the one speaker of the event or document asked about who speaks for the
    department named ("发布会上发改委怎么说" is what 省发改委's speaker said)."""
    names = frame.keys("person") or frame.keys("leader")
    if names:
        return names[0]
    departments, documents = set(frame.keys("department")), set(frame.keys("document"))
    if not departments or not documents:
        return None
    speakers = {p.name for p in ctx.tables.facts.people if p.source in documents and departments & {
        m.key for m in ctx.deps.gazetteer.scan(p.org) if m.kind == "department"}}
    return speakers.pop() if len(speakers) == 1 else None


def _source(frame: Frame) -> str | None:
    docs = frame.keys("document")
    if docs:
        return docs[0]
    return None


def statement(ctx: Context, frame: Frame) -> Reply | None:
    topic = _content(frame)
    speaker = _speaker(ctx, frame)
    r = T.statements(ctx.deps, topic, speaker=speaker, source=_source(frame), limit=8)
    if r.not_found and speaker:
        r = T.statements(ctx.deps, topic, source=_source(frame), limit=8)
    chosen = [s for s in _pick(ctx, frame, r) if isinstance(s, Statement)]
    if not chosen or r.matches[0].score < 2:
        return None
    people = {p.name: p for p in ctx.tables.facts.people}
    if speaker in people and "list" in frame.reading.answer_types:
        return _speakers_points(ctx, frame, people[speaker], topic)
    lines = [ctx.say("statement", who=_who(ctx, people[s.speaker]) if s.speaker in people else
                     f"《{ctx.tables.meta(s.source).title}》", fact=s.fact) for s in chosen]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(s.source, s.quote) for s in chosen])),
                 notes=_notes(chosen), tools=["statements"])


def _speakers_points(ctx: Context, frame: Frame, person: Person, topic: str) -> Reply | None:
    """"袁德芳讲了哪几条": everything the speaker said that touches the topic, in the document's order."""
    # An ask about a subject (汽车, 融资) keeps the points on it; "经信厅讲了哪几点" wants them all.
    if any(frame.slots.get(k) for k in _SUBJECTS) or len(frame.reading.topic) >= _SUBJECT_CHARS:
        r = T.statements(ctx.deps, topic, speaker=person.name, source=_source(frame), limit=_MAX_POINTS)
        points = [m.record for m in r.matches if isinstance(m.record, Statement) and m.score >= _POINT_SCORE]
    else:
        source = _source(frame)
        points = [s for s in ctx.tables.facts.statements if s.speaker == person.name and
                  (source is None or s.source == source)]
    if not points:
        return None
    text = ctx.deps.documents.get(points[0].source)
    points.sort(key=lambda s: text.text.find(s.quote) if text else 0)
    total, points = len(points), points[:_MAX_POINTS]
    items = "\n".join(f"{i}. **{s.topic}**：{s.fact}" for i, s in enumerate(points, 1))
    lead = ctx.say("statement_list" if total == len(points) else "statement_list_more", who=_who(ctx, person),
                   count=len(points), total=total, items=items)
    return Reply(lead, ctx.evidence(T.unique_citations([ctx.deps.cite(s.source, s.quote) for s in points[:1]])),
                 notes=_notes(points), tools=["statements"])


def figure(ctx: Context, frame: Frame) -> Reply | None:
    topic = _content(frame)
    province = frame.provinces[0] if len(frame.provinces) == 1 else None
    kind = next((k for k in ("target", "figure") if k in frame.facets), None)
    r = T.figures(ctx.deps, topic, province=province, source=_source(frame), kind=kind, limit=5)
    chosen = [f for f in _pick(ctx, frame, r) if isinstance(f, Figure)]
    if not chosen or r.matches[0].score < 3:
        return None
    lines = [ctx.say("figure", subject=f.subject or "", what=f.what, clause=_clause(f), when=_when(f))
             for f in chosen]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(f.source, f.quote) for f in chosen])),
                 notes=_notes(chosen), tools=["figures"])


_CLAUSE = re.compile(r"[^，,；;。]+[，,；;。]?")
_SHORT_QUOTE = 90


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


def mechanism(ctx: Context, frame: Frame) -> Reply | None:
    """The mechanism the ask names or describes, in each province it asks about."""
    provinces: list[str | None] = list(frame.provinces) or [None]
    replies = [r for p in provinces if (r := _mechanism_in(ctx, frame, p)) is not None]
    if not replies:
        return None
    return Reply("\n\n".join(r.lead for r in replies), [e for r in replies for e in r.evidence],
                 body="\n\n".join(r.body for r in replies if r.body), notes=[n for r in replies for n in r.notes],
                 tools=["mechanisms"])


def _mechanism_in(ctx: Context, frame: Frame, province: str | None) -> Reply | None:
    named = [x for x in ctx.tables.facts.mechanisms if x.id in frame.keys("mechanism")
             and (province is None or x.province == province)]
    if named:
        candidates = named
    else:
        r = T.mechanisms(ctx.deps, " ".join([*frame.keys("term"), _content(frame)]), province=province, limit=5)
        if r.not_found and province:  # a counterpart asked of another province: its closest mechanism
            r = T.mechanisms(ctx.deps, _counterpart_topic(ctx, frame), province=province, limit=5)
        candidates = [m.record for m in r.matches if isinstance(m.record, Mechanism) and m.score >= 2]
    wanted = [f for f in ("frequency", "recipient") if f in frame.facets]
    chosen = [m for m in candidates if all(getattr(m, f) for f in wanted)][:1] or candidates[:1]
    if not chosen:
        return None
    m = chosen[0]
    yes = ctx.say("yes") if "yesno" in frame.reading.answer_types else ""
    parts = "\n".join(f"{i}. {p}" for i, p in enumerate(m.parts, start=1))
    detail = "；".join(x for x in (f"频次：{m.frequency}" if m.frequency else "",
                                   f"报送：{m.reporter}→{m.recipient}" if m.reporter and m.recipient else "") if x)
    lead = yes + ctx.say("mechanism", province=ctx.province_name(m.province), name=m.name, fact=m.fact,
                         detail=f"（{detail}）" if detail else "")
    return Reply(lead, ctx.evidence([ctx.deps.cite(m.source, m.quote)]), body=parts, notes=_notes([m]),
                 tools=["mechanisms"])


def _counterpart_topic(ctx: Context, frame: Frame) -> str:
    last = ctx.dialogue.last
    keys = [m.key for m in (last.slots.get("mechanism", []) if last else [])]
    recs = [m for m in ctx.tables.facts.mechanisms if m.id in keys]
    return " ".join([frame.reading.topic, *(f"{m.name} {m.fact} {' '.join(m.keywords)}" for m in recs)])


def shown_evidence(ctx: Context, record: Fact) -> Evidence:
    return Evidence(ctx.deps.cite(record.source, record.quote))


_MIN_SCORE = 4.0  # a narrative record must share at least this much with the ask …
_MIN_COVERAGE = 0.3  # … and this share of the ask's topic bigrams


def lookup(ctx: Context, frame: Frame) -> Reply | None:
    """The narrative record (statement, figure or mechanism) that best matches an ask no answerer settled,
    when it shares enough with the ask; stated like its own answerer would."""
    topic = _content(frame)
    want = grams(topic)
    if len(want) < 2:
        return None
    province = frame.provinces[0] if len(frame.provinces) == 1 else None
    found = [T.statements(ctx.deps, topic, speaker=_speaker(ctx, frame), source=_source(frame), limit=1),
             T.figures(ctx.deps, topic, province=province, source=_source(frame), limit=1),
             T.mechanisms(ctx.deps, topic, province=province, limit=1)]
    best = max((m for r in found for m in r.matches), key=lambda m: m.score, default=None)
    if best is None or best.score < _MIN_SCORE or overlap(want, _text(best.record)) / len(want) < _MIN_COVERAGE:
        return None
    handler = {Statement: statement, Figure: figure, Mechanism: mechanism}[type(best.record)]
    return handler(ctx, frame)


def _text(record: Fact) -> str:
    return " ".join(str(getattr(record, f, "") or "") for f in ("topic", "what", "name", "fact", "quote"))
