"""Answerers over the units: a unit's duties, which unit handles a problem, the actions and their leads."""

from __future__ import annotations

import re

from assistant import tools as T
from assistant.offline.answer_chains import department_chains
from assistant.offline.chain_rows import chain_facts, inferred_note, row_evidence
from assistant.offline.records import asked_about
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame

_CLAUSE = re.compile(r"[;；]")
_SUMMARY_CHARS = 130


def summary(duty: str) -> str:
    """A duty's first clauses, up to a short length (the quote below it gives the whole)."""
    parts = [p.strip(" 。") for p in _CLAUSE.split(duty) if p.strip(" 。")]
    out = ""
    for p in parts:
        if out and len(out) + len(p) > _SUMMARY_CHARS:
            return out + "等"
        out = f"{out}；{p}" if out else p
    return out


def _name(ctx: Context, unit: str) -> str:
    return ctx.en_name(unit) if ctx.en else unit


def department_duties(ctx: Context, frame: Frame) -> Reply | None:
    province = frame.provinces[0] if len(frame.provinces) == 1 else None
    lines, cites = [], []
    for dept in frame.keys("department"):
        r = T.department_duties(ctx.deps, dept, province)
        for d in r.duties:
            lines.append(ctx.say("duties", unit=_name(ctx, d.unit), duty=summary(d.duty),
                                 province=ctx.province_name(d.province)))
        cites += r.citations
    if not lines:  # a province without a duties list: what its scheme says the unit does, or the chains it leads
        return _role_in_statements(ctx, frame, province) or (department_chains(ctx, frame) if province else None)
    return Reply("\n\n".join(dict.fromkeys(lines)), ctx.evidence(T.unique_citations(cites)),
                 tools=["department_duties"], suggestions=_fill(frame, province))


def duty_owner(ctx: Context, frame: Frame) -> Reply | None:
    """"推动重大科技基础设施项目建设是哪个部门的事": the unit whose listed duty says it, in each province asked."""
    task = asked_about(frame)
    lines, cites = [], []
    for province in frame.provinces or ctx.tables.province_names:
        r = T.units_for_duty(ctx.deps, task, province)
        if r.not_found:
            continue
        units = "、".join(f"**{_name(ctx, d.unit)}**" for d in r.duties)
        lines.append(ctx.say("duty_owner", province=ctx.province_name(province), units=units,
                             clauses="；".join(dict.fromkeys(r.matched))))
        cites += r.citations
    if not lines:
        return None
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations(cites)), tools=["units_for_duty"])


def _role_in_statements(ctx: Context, frame: Frame, province: str | None) -> Reply | None:
    """A province without a duties list: what its scheme says the unit does (statements naming it)."""
    spec = ctx.tables.province(province) if province else None
    if spec is None:
        return None
    names = [a for d in frame.keys("department") for a in ctx.tables.department_families.get(d, [])]
    found = [s for s in ctx.tables.facts.statements if s.source == spec.scheme and any(n in s.quote for n in names)]
    if not found:
        return None
    lines = [ctx.say("statement", who=f"《{ctx.tables.meta(s.source).title}》", fact=s.fact) for s in found[:4]]
    return Reply("\n\n".join(lines), ctx.evidence([ctx.deps.cite(s.source, s.quote) for s in found[:4]]),
                 tools=["statements"])


def _fill(frame: Frame, province: str | None) -> list[str]:
    if frame.intent is None or province is None:
        return []
    return [s.format(province=province) for s in frame.intent.suggestions if "{province}" in s]


def problem_department(ctx: Context, frame: Frame) -> Reply | None:
    provinces = frame.provinces or ctx.tables.province_names
    parts, evidence, notes, tools = [], [], [], ["department_for_problem"]
    for province in provinces:
        # the problems the ask names by a colloquial word ("拿地") count as their own name
        r = T.department_for_problem(ctx.deps, " ".join([frame.reading.text, *frame.keys("problem")]), province)
        if r.not_found:
            continue
        spec = ctx.tables.province(province)
        if spec and spec.problem_routing == "mechanism":
            part, ev, nt = _by_mechanism(ctx, frame, r, province)
        else:
            part, ev, nt = _by_duties(ctx, r, province)
        parts.append(part)
        evidence += ev
        notes += nt
    if not parts:
        return None
    return Reply("\n\n".join(parts), evidence, notes=notes, tools=tools, suggestions=_fill(frame, provinces[0]))


def _by_duties(ctx: Context, r: T.RouteResult, province: str):
    units = list(dict.fromkeys(u for route in r.routes for u in route.units))
    problem = "、".join(dict.fromkeys(x.problem for x in r.routes))
    duties = [d for d in r.duties if d.unit in units]
    lead = ctx.say("problem_duties", province=ctx.province_name(province), problem=problem,
                   units="、".join(f"**{_name(ctx, u)}**" for u in units),
                   # a body no duties list names (工作专班): the sentence of its route says what it does
                   details="；".join(f"{_name(ctx, d.unit)}：{summary(d.duty)}" for d in duties)
                   or "；".join(dict.fromkeys(route.quote.rstrip("。") for route in r.routes)))
    cites = T.unique_citations([*r.citations, *(ctx.deps.cite(d.source, d.quote) for d in duties)])
    return lead, ctx.evidence(cites), []


def _by_mechanism(ctx: Context, frame: Frame, r: T.RouteResult, province: str):
    route = r.routes[0]
    spec = ctx.tables.province(province)
    mech = next((m for m in ctx.tables.facts.mechanisms if spec and m.id == spec.problem_mechanism), None)
    lead = ctx.say("problem_mechanism", province=ctx.province_name(province), problem=route.problem,
                   units="、".join(f"**{_name(ctx, u)}**" for u in route.units),
                   mechanism=mech.name if mech else "", how=mech.fact if mech else "")
    evidence = ctx.evidence(r.citations + ([ctx.deps.cite(mech.source, mech.quote)] if mech else []))
    notes = []
    facts = [f for f in chain_facts(ctx, frame)[0] if f.province == province and f.lead_department]
    for f in facts[:2]:
        lead += ctx.say("problem_chain", chain=f.chain, department=f.lead_department)
    if facts:
        evidence += row_evidence(ctx, facts[:2])
        notes += inferred_note(ctx, facts[:2], ("lead_department",))
    if route.policy:
        lead += ctx.say("problem_policy", policy=route.policy)
        evidence.append(ctx.evidence([ctx.deps.cite(route.source, route.policy)])[0])
    return lead, evidence, notes


def action_lead(ctx: Context, frame: Frame) -> Reply | None:
    lines, cites = [], []
    asked = frame.reading.provinces  # "<省>呢" after one of the other province's actions: it has none of that name
    for key in frame.keys("action"):
        r = T.action_lead(ctx.deps, key)
        for a in (a for a in r.actions if not asked or a.province in asked):
            lines.append(ctx.say("action_count" if "count" in frame.facets else "action", action=a.action,
                                 lead=_name(ctx, a.lead_unit), count=1 + len(a.participants),
                                 participants="、".join(_name(ctx, p) for p in a.participants) or "—"))
        cites += r.citations
    if not lines:
        return None
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations(cites)), tools=["action_lead"],
                 suggestions=_fill(frame, frame.provinces[0] if frame.provinces else None))


def all_actions(ctx: Context, frame: Frame) -> Reply | None:
    province = frame.provinces[0] if len(frame.provinces) == 1 else None
    r = T.all_actions(ctx.deps, province)
    if r.not_found:
        return None
    items = "\n".join(ctx.say("action_item", number=i, action=a.action, lead=_name(ctx, a.lead_unit),
                              participants="、".join(_name(ctx, p) for p in a.participants) or "—")
                      for i, a in enumerate(r.actions, start=1))
    lead = ctx.say("all_actions", province=ctx.province_name(r.actions[0].province), count=len(r.actions))
    return Reply(lead, ctx.evidence(r.citations[:1] + r.citations[-1:]), body=items, tools=["all_actions"],
                 suggestions=_fill(frame, r.actions[0].province))


def department_actions(ctx: Context, frame: Frame) -> Reply | None:
    lines, cites = [], []
    for dept in frame.keys("department"):
        r = T.department_actions(ctx.deps, dept)
        if r.not_found or (frame.provinces and not {a.province for a in [*r.led, *r.joined]} & set(frame.provinces)):
            continue  # "<省>发改委负责什么" is not answered by another province's actions
        unit = next((a.lead_unit for a in r.led), None) or next(
            (p for a in r.joined for p in a.participants if T.units.families(ctx.deps, p) &
             T.units.families(ctx.deps, dept)), dept)
        lines.append(ctx.say("department_actions", unit=_name(ctx, unit), led="、".join(a.action for a in r.led) or "无",
                             joined="、".join(a.action for a in r.joined) or "无", led_count=len(r.led),
                             joined_count=len(r.joined)))
        cites += r.citations
    if not lines:
        return None
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations(cites)), tools=["department_actions"])


def list_units(ctx: Context, frame: Frame) -> Reply | None:
    """The units of a division-of-responsibilities list (an annex of 有关单位责任分工)."""
    provinces = frame.provinces or ctx.tables.province_names
    parts, cites = [], []
    for province in provinces:
        duties = [d for d in ctx.tables.duties if d.province == province]
        if not duties:
            continue
        parts.append(ctx.say("list_units", province=ctx.province_name(province), count=len(duties),
                             units="、".join(_name(ctx, d.unit) for d in duties)))
        cites += [ctx.deps.cite(d.source, d.quote) for d in duties[:2]]
    if not parts:
        return None
    return Reply("\n\n".join(parts), ctx.evidence(cites), tools=["department_duties"])
