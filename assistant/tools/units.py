"""Tools over the units' duties, the problem routes and the actions: what a unit does, which unit handles
a problem, who leads an action and which actions a unit leads or joins."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.answer import Citation
from assistant.tools.deps import NotFoundInfo, ToolDeps, not_found, unique_citations, unknown_province
from retrieval.normalize import fold
from retrieval.overlap import grams, overlap
from retrieval.rows import Action, ProblemRoute, UnitDuty


class DutyResult(BaseModel):
    duties: list[UnitDuty] = Field(default_factory=list)
    matched: list[str] = Field(default_factory=list)  # units_for_duty: the clause of each duty that matched
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class RouteResult(BaseModel):
    province: str | None = None
    routes: list[ProblemRoute] = Field(default_factory=list)
    duties: list[UnitDuty] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class ActionResult(BaseModel):
    actions: list[Action] = Field(default_factory=list)
    led: list[Action] = Field(default_factory=list)  # department_actions: the ones the unit leads
    joined: list[Action] = Field(default_factory=list)  # … and the ones it takes part in
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


def families(deps: ToolDeps, text: str) -> set[str]:
    return deps.gazetteer.keys(text, "department")


def unit_matches(deps: ToolDeps, department: str, pool: list[str]) -> list[str]:
    """The units of `pool` that are `department` (same name family, or containing its name)."""
    wanted = families(deps, department)
    names = {unit for unit in pool if families(deps, unit) & wanted or fold(department) in fold(unit)}
    return sorted(names, key=pool.index)


def department_duties(deps: ToolDeps, department: str, province: str | None = None) -> DutyResult:
    """A unit's duties in a division-of-responsibilities list (a scheme's 有关单位责任分工):
    省自然资源厅, 人社厅, 发改委 …; without `province`, every province that lists the unit."""
    if province and (bad := unknown_province(deps, province)):
        return DutyResult(not_found=bad)
    pool = [d.unit for d in deps.tables.duties if province is None or d.province == province]
    units = unit_matches(deps, department, pool)
    duties = [d for d in deps.tables.duties if d.unit in units and (province is None or d.province == province)]
    if not duties:
        return DutyResult(not_found=not_found(department, pool, "责任单位"))
    return DutyResult(duties=duties, citations=[deps.cite(d.source, d.quote) for d in duties])


_CLAUSES = re.compile(r"[^;；。]+")
_MIN_SHARED = 3  # bigrams a duty clause must share with the task …
_MIN_SHARE = 0.4  # … and this share of the task's bigrams


def units_for_duty(deps: ToolDeps, task: str, province: str | None = None) -> DutyResult:
    """Whose duty a task is in a division-of-responsibilities list ("推动重大科技基础设施项目建设" → 省科技厅):
    the units whose listed duty says it, best first, with the clause that says it."""
    want = grams(task)
    scored = []
    for d in deps.tables.duties:
        if province and d.province != province:
            continue
        clause = max(_CLAUSES.findall(d.duty), key=lambda c: overlap(want, c), default="")
        shared = overlap(want, clause)
        if want and shared >= _MIN_SHARED and shared / len(want) >= _MIN_SHARE:
            scored.append((shared, d, clause.strip()))
    if not scored:
        return DutyResult(not_found=not_found(task, [], "责任分工中的职责"))
    best = max(s for s, _, _ in scored)
    kept = [x for x in scored if x[0] == best][:3]
    return DutyResult(duties=[d for _, d, _ in kept], matched=[c for _, _, c in kept],
                      citations=unique_citations([deps.cite(d.source, c) for _, d, c in kept]))


def _score_route(route: ProblemRoute, folded: str) -> int:
    return sum(len(k) for k in route.keywords if fold(k) in folded)


def department_for_problem(deps: ToolDeps, problem: str, province: str) -> RouteResult:
    """Which department handles a problem officials raise (用地, 融资, 用工, 排放指标, 展会, 军工配套 …) in a
    province, with the sentence that assigns it (a unit's duty, or the province's problem-handling mechanism)."""
    if bad := unknown_province(deps, province):
        return RouteResult(province=province, not_found=bad)
    folded = fold(problem)
    scored = [(r, _score_route(r, folded)) for r in deps.tables.routes if r.province == province]
    if any(s and not r.fallback for r, s in scored):  # "拿地有困难": the land route, not the one for any difficulty
        scored = [(r, s) for r, s in scored if not r.fallback]
    best = max((s for _, s in scored), default=0)
    routes = sorted((r for r, s in scored if s and s >= best * 0.6), key=lambda r: -_score_route(r, folded))
    if not routes:
        kinds = sorted({r.problem for r in deps.tables.routes if r.province == province})
        return RouteResult(province=province, not_found=not_found(problem, kinds, "对应的问题类型"))
    units = [u for r in routes for u in r.units]
    duties = [d for d in deps.tables.duties if d.unit in units and d.province == province]
    cites = [deps.cite(r.source, r.quote) for r in routes]
    return RouteResult(province=province, routes=routes, duties=duties, citations=unique_citations(cites))


def action_lead(deps: ToolDeps, action: str) -> ActionResult:
    """The lead unit (the first named, 牵头单位) and the participating units of an action (六大行动 …)."""
    keys = {m.key for m in deps.gazetteer.scan(action) if m.kind == "action"}
    acts = [a for a in deps.tables.actions if a.action in keys]
    if not acts:
        return ActionResult(not_found=not_found(action, [a.action for a in deps.tables.actions], "行动"))
    cites = [deps.cite(a.source, a.quote) for a in acts] + [deps.cite(a.source, a.rule_quote) for a in acts[:1]]
    return ActionResult(actions=acts, citations=unique_citations(cites))


def all_actions(deps: ToolDeps, province: str | None = None) -> ActionResult:
    """Every action of a province's scheme (the 六大行动 of one scheme) with its lead unit and participants."""
    acts = [a for a in deps.tables.actions if province is None or a.province == province]
    if not acts:
        return ActionResult(not_found=not_found(province or "", deps.tables.province_names, "行动"))
    cites = [deps.cite(a.source, a.quote) for a in acts] + [deps.cite(acts[0].source, acts[0].rule_quote)]
    return ActionResult(actions=acts, citations=unique_citations(cites))


def department_actions(deps: ToolDeps, department: str) -> ActionResult:
    """Which actions a unit leads (named first) and which it takes part in."""
    wanted = families(deps, department)

    def same(unit: str) -> bool:
        return bool(families(deps, unit) & wanted) or fold(department) in fold(unit)

    led = [a for a in deps.tables.actions if same(a.lead_unit)]
    joined = [a for a in deps.tables.actions if a not in led and any(same(p) for p in a.participants)]
    if not led and not joined:
        units = sorted({a.lead_unit for a in deps.tables.actions})
        return ActionResult(not_found=not_found(department, units, "行动的牵头或参与单位"))
    acts = led + joined
    cites = [deps.cite(a.source, a.quote) for a in acts] + [deps.cite(acts[0].source, acts[0].rule_quote)]
    return ActionResult(actions=acts, led=led, joined=joined, citations=unique_citations(cites))
