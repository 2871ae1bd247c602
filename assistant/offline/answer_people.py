"""Answerers over the people and events of the narrative facts: who a person is, an event's date, host and
speakers, the press questions and who answered them."""

from __future__ import annotations

from dataclasses import replace

from assistant import tools as T
from assistant.offline.chain_rows import row_evidence
from assistant.offline.records import MIN_COVERAGE, content_of, record_notes, record_text, topical
from assistant.offline.reply import Context, Reply
from assistant.policy import RefusalReason
from assistant.understanding.dialogue import Frame
from retrieval.facts import Event, Fact, Person
from retrieval.normalize import fold_words
from retrieval.overlap import overlap


def titled_name(ctx: Context, p: Person) -> str:
    name = ctx.en_name(p.name) if ctx.en else p.name
    return f"{p.title}**{name}**"


def person_profile(ctx: Context, frame: Frame) -> Reply | None:
    names = frame.keys("person") or frame.keys("leader") or frame.keys("liaison")
    parts, cites, records, rows, general = [], [], [], [], []
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
        general += r.general
    if not parts:
        return None
    evidence = ctx.evidence(T.unique_citations(cites)) + row_evidence(ctx, list({f.chain: f for f in rows}.values()))
    if "post" in frame.facets and not records and not general and not any(f.leader_post for f in rows):
        # "谢卫江是什么职务": the table names him without a post; say so, and what it does say
        lead = ctx.say("post_missing", roles="\n\n".join(parts))
        return Reply(lead, evidence, tools=["person_profile"], refused=RefusalReason.NOT_FOUND, about_people=True)
    return Reply("\n\n".join(parts), evidence, notes=record_notes(records), tools=["person_profile"], about_people=True)


def _event_name(ctx: Context, p: Person) -> str:
    e = next((e for e in ctx.tables.facts.events if e.id == p.event), None)
    if e is not None:
        return e.name
    meta = ctx.tables.document(p.source)
    return f"《{meta.title}》" if meta else ""


def _event(ctx: Context, frame: Frame) -> tuple[Event, T.narrative.EventResult] | None:
    keys = frame.keys("event")
    if not keys:  # the event of the document named, or of the document whose section is named ("主题发言")
        docs = [*frame.keys("document"), *(k.partition(":")[0] for k in frame.keys("section"))]
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
        lines.append(ctx.say("event_host", event=e.name, host=titled_name(ctx, r.host)))
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
                 notes=record_notes(records), tools=["event_info"], about_people="host" in facets)


def _date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def event_people(ctx: Context, frame: Frame) -> Reply | None:
    found = _event(ctx, frame)
    if found is None or not found[1].people:
        return None
    event, r = found
    if set(frame.keys("person")) & {p.name for p in r.people}:
        # "会上邓霞飞和杨智分别代表谁发言", "张锋呢": about the people named, not the event's whole list
        return person_profile(ctx, frame)
    of_unit = [p for p in r.people if _of_units(ctx, p, frame.keys("department"))]
    if of_unit:  # "发布会上代表发改委发言的是谁": the speakers of the unit named
        named = [m for p in of_unit for m in ctx.deps.gazetteer.named(p.name, "person")]
        return person_profile(ctx, replace(frame, slots={**frame.slots, "person": named}))
    roles = list(dict.fromkeys(p.role for p in r.people))
    wanted = [x for x in roles if x in frame.facets] or roles
    lines = []
    for role in wanted:
        people = [p for p in r.people if p.role == role]
        lines.append(ctx.say("event_people", event=event.name, role=role, count=len(people),
                             people="；".join(titled_name(ctx, p) + (f"（代表{p.represents}）" if p.represents else "")
                                             for p in people)))
    chosen = [p for p in r.people if p.role in wanted]
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations([ctx.deps.cite(p.source, p.quote) for p in chosen])),
                 notes=record_notes(chosen), tools=["event_info"], about_people=True)


def _of_units(ctx: Context, person: Person, families: list[str]) -> bool:
    names = [n for f in families for n in ctx.tables.department_families.get(f, [])]
    return any(n in person.org or n in person.post for n in names)


def exchange(ctx: Context, frame: Frame) -> Reply | None:
    outlet = frame.keys("outlet")
    if "unit" in frame.reading.answer_types and not any(m.kind == "outlet" for m in frame.reading.mentions):
        outlet = []  # "那问孝感的是哪家": the outlet is asked for; the one the last answer named is not it
    person = frame.keys("person")
    events = frame.keys("event")
    r = T.exchanges(ctx.deps, event=events[0] if events else None, outlet=outlet[0] if outlet else None, person=person[0] if person and not outlet else None,
                    topic=content_of(frame) or None)  # "代表汽车链答问的": the chain named is part of it
    named = outlet or person or frame.keys("department") or frame.keys("chain")
    if r.not_found or not (named or _cued(frame)) and not _on_topic(frame, r.exchanges[0]):
        return None  # "传统的是哪几条" after 孝感's chains: a press question that names 孝感 does not answer it
    people = {p.name: p for p in ctx.tables.facts.people}
    lines = []
    outlets = list(dict.fromkeys(x.outlet for x in r.exchanges))
    if {"number", "list"} & set(frame.reading.answer_types) and len(outlets) > 1:  # "有几家媒体提问？分别是哪几家？"
        lines.append(ctx.say("exchange_count", count=len(outlets), outlets="、".join(f"**{o}**" for o in outlets)))
    for x in r.exchanges[:4]:
        who = people.get(x.answered_by)
        lines.append(ctx.say("exchange", outlet=x.outlet, question=x.question,
                             answered=titled_name(ctx, who) if who else x.answered_by))
    return Reply("\n\n".join(lines), ctx.evidence(r.citations[:4]), tools=["exchanges"], about_people=True)


def _cued(frame: Frame) -> bool:
    """Does the ask speak of the press questions itself (记者, 提问, 哪家媒体 …)?"""
    return frame.intent is not None and any(fold_words(c) in frame.reading.folded for c in frame.intent.cues)


def _on_topic(frame: Frame, exchange: Fact) -> bool:
    """Does the press question share enough of what the ask is about (without where it was said)?"""
    want = topical(frame)
    return not want or overlap(want, record_text(exchange) + str(getattr(exchange, "question", ""))) / len(want) >= MIN_COVERAGE
