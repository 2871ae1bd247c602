"""Typed tool functions over the registry. Each docstring is the tool's description for the LLM."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from assistant.answer import Citation
from retrieval.documents import Document
from retrieval.gazetteer import Gazetteer
from retrieval.normalize import fold, squash
from retrieval.registry import Action, ChainRow, ProblemRoute, Tables, UnitDuty

Province = Literal["湖北", "湖南"]


@dataclass
class ToolDeps:
    """What the tools read: the validated tables, the entity index and the documents."""

    tables: Tables
    gazetteer: Gazetteer
    documents: dict[str, Document]
    section_at: object  # callable(doc_id, offset) -> str

    def cite(self, source: str, quote: str) -> Citation:
        doc = self.documents[source]
        start = doc.text.find(quote)
        section = self.section_at(source, start) if start >= 0 else ""
        return Citation(doc_id=source, doc_title=doc.title, section=section, quote=quote,
                        start=start if start >= 0 else None, end=start + len(quote) if start >= 0 else None)


class NotFoundInfo(BaseModel):
    query: str
    suggestions: list[str] = Field(default_factory=list)
    message: str


class ChainFact(BaseModel):
    province: str
    chain: str
    leader: str | None
    leader_post: str | None = None
    lead_department: str | None = None
    liaison: str | None = None
    division: str | None = None
    industry: str | None = None
    cluster_type: str | None = None
    inferred_fields: list[str] = Field(default_factory=list)
    source: str
    quote: str


class ChainResult(BaseModel):
    matches: list[ChainFact] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class LeaderResult(BaseModel):
    leader: str | None = None
    province: str | None = None
    post: str | None = None
    chains: list[ChainFact] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class GeneralLeadersResult(BaseModel):
    province: str
    leaders: list[dict[str, str]] = Field(default_factory=list)
    statement: str | None = None  # where the sources name no persons, what they do say
    citations: list[Citation] = Field(default_factory=list)


class DutyResult(BaseModel):
    duties: list[UnitDuty] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class RouteResult(BaseModel):
    routes: list[ProblemRoute] = Field(default_factory=list)
    duties: list[UnitDuty] = Field(default_factory=list)
    lead_departments: list[ChainFact] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


class ActionResult(BaseModel):
    actions: list[Action] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    not_found: NotFoundInfo | None = None


def _fact(row: ChainRow) -> ChainFact:
    inferred = [k for k, v in row.cell_status.items() if v == "inferred_merged_cell"]
    return ChainFact(**row.model_dump(include=set(ChainFact.model_fields) - {"inferred_fields"}),
                     inferred_fields=inferred)


def _not_found(query: str, candidates: list[str], what: str) -> NotFoundInfo:
    close = difflib.get_close_matches(query, candidates, n=3, cutoff=0.3)
    msg = f"知识库中没有找到{what}“{query}”。"
    if close:
        msg += "您是否想问：" + "、".join(close) + "？"
    return NotFoundInfo(query=query, suggestions=close, message=msg)


def _rows_for_chain(deps: ToolDeps, chain: str, province: str | None) -> list[ChainRow]:
    keys = {(m.key, m.province) for m in deps.gazetteer.scan(chain) if m.kind == "chain"}
    rows = [r for r in deps.tables.chains if (r.chain, r.province) in keys or fold(r.chain) == fold(chain)]
    return [r for r in rows if province is None or r.province == province]


def _chain_result(deps: ToolDeps, chain: str, province: str | None) -> ChainResult:
    rows = _rows_for_chain(deps, chain, province)
    if not rows:
        names = [r.chain for r in deps.tables.chains if province is None or r.province == province]
        return ChainResult(not_found=_not_found(chain, names, "产业链"))
    return chain_result(deps, rows)


def chain_result(deps: ToolDeps, rows: list[ChainRow]) -> ChainResult:
    """The facts of these table rows, each cited by its row's quote."""
    return ChainResult(matches=[_fact(r) for r in rows], citations=[deps.cite(r.source, r.quote) for r in rows])


def list_chains(deps: ToolDeps, province: Province) -> list[ChainFact]:
    """List every key industrial chain of a province (湖北: 16 chains, 湖南: 22 clusters/chains)
    with its leader (链长 / 联系省领导), the lead department and liaison where the table has them."""
    return [_fact(r) for r in deps.tables.chains if r.province == province]


def chain_leader(deps: ToolDeps, chain: str, province: Province | None = None) -> ChainResult:
    """Who heads (链长 / 联系省领导) a chain. `chain` may be a colloquial name (芯片, 信创, 农机, AI…)."""
    return _chain_result(deps, chain, province)


def lead_department(deps: ToolDeps, chain: str, province: Province | None = "湖北") -> ChainResult:
    """The lead department (牵头部门) of a Hubei chain; says when the table cell is inferred."""
    return _chain_result(deps, chain, province)


def liaison(deps: ToolDeps, chain: str, province: Province | None = "湖北") -> ChainResult:
    """The 省经信厅 liaison officer (联络员) and liaison division (联络处室) of a Hubei chain."""
    return _chain_result(deps, chain, province)


def chains_of_leader(deps: ToolDeps, name: str) -> LeaderResult:
    """Which chains a provincial leader heads, with the leader's post where the table gives it."""
    wanted = {m.key for m in deps.gazetteer.scan(name) if m.kind == "leader"} or {squash(name)}
    rows = [r for r in deps.tables.chains if r.leader in wanted]
    if not rows:
        names = sorted({r.leader for r in deps.tables.chains})
        return LeaderResult(not_found=_not_found(squash(name), names, "链长"))
    first = rows[0]
    return LeaderResult(leader=first.leader, province=first.province, post=first.leader_post,
                        chains=[_fact(r) for r in rows], citations=[deps.cite(r.source, r.quote) for r in rows])


def general_leaders(deps: ToolDeps, province: Province = "湖北") -> GeneralLeadersResult:
    """The province-wide chief chain leaders (总链长) and their posts."""
    rows = [g for g in deps.tables.general_leaders if g.province == province]
    if rows:
        return GeneralLeadersResult(province=province, leaders=[{"name": g.name, "post": g.post} for g in rows],
                                    citations=[deps.cite(rows[0].source, rows[0].quote)])
    term = next((t for t in deps.tables.terms if t.term == "省领导联系机制"), None)
    cites = [deps.cite(term.source, term.quote)] if term else []
    return GeneralLeadersResult(province=province, statement=term.quote if term else None, citations=cites)


def _unit_matches(deps: ToolDeps, department: str, pool: list[str]) -> list[str]:
    families = {m.key for m in deps.gazetteer.scan(department) if m.kind == "department"}
    names = set()
    for unit in pool:
        unit_families = {m.key for m in deps.gazetteer.scan(unit) if m.kind == "department"}
        if unit_families & families or fold(department) in fold(unit):
            names.add(unit)
    return sorted(names, key=pool.index)


def department_duties(deps: ToolDeps, department: str, province: Province = "湖南") -> DutyResult:
    """A unit's duties in the Hunan plan's Annex 1 (有关单位责任分工), e.g. 省自然资源厅, 人社厅, 发改委."""
    pool = [d.unit for d in deps.tables.duties if d.province == province]
    units = _unit_matches(deps, department, pool)
    duties = [d for d in deps.tables.duties if d.unit in units]
    if not duties:
        return DutyResult(not_found=_not_found(department, pool, f"{province}的责任单位"))
    return DutyResult(duties=duties, citations=[deps.cite(d.source, d.quote) for d in duties])


def _score_route(route: ProblemRoute, folded: str) -> int:
    return sum(len(k) for k in route.keywords if fold(k) in folded)


def department_for_problem(deps: ToolDeps, problem: str, province: Province = "湖南") -> RouteResult:
    """Which department handles a problem officials raise (用地, 融资, 用工, 排放指标, 展会, 军工配套…),
    with the sentence that assigns it. For 湖北 this is the problem-handling mechanism."""
    folded = fold(problem)
    scored = [(r, _score_route(r, folded)) for r in deps.tables.routes if r.province == province]
    best = max((s for _, s in scored), default=0)
    routes = [r for r, s in scored if s and s >= best * 0.6]
    routes.sort(key=lambda r: -_score_route(r, folded))
    if not routes:
        kinds = sorted({r.problem for r in deps.tables.routes if r.province == province})
        return RouteResult(not_found=_not_found(problem, kinds, "对应的问题类型"))
    units = [u for r in routes for u in r.units]
    duties = [d for d in deps.tables.duties if d.unit in units and d.province == province]
    cites = [deps.cite(r.source, r.quote) for r in routes]
    return RouteResult(routes=routes, duties=duties, citations=unique_citations(cites))


def action_lead(deps: ToolDeps, action: str) -> ActionResult:
    """The lead unit (first-named, 牵头单位) and participating units of one of Hunan's six actions."""
    keys = {m.key for m in deps.gazetteer.scan(action) if m.kind == "action"}
    acts = [a for a in deps.tables.actions if a.action in keys]
    if not acts:
        return ActionResult(not_found=_not_found(action, [a.action for a in deps.tables.actions], "行动"))
    cites = [deps.cite(a.source, a.quote) for a in acts]
    rule = deps.cite("hunan_plan", "排第一的为牵头单位")
    return ActionResult(actions=acts, citations=unique_citations([*cites, rule]))


def unique_citations(cites: list[Citation]) -> list[Citation]:
    """Citations in order, each (document, quote) once."""
    seen, out = set(), []
    for c in cites:
        if (c.doc_id, c.quote) not in seen:
            seen.add((c.doc_id, c.quote))
            out.append(c)
    return out


TOOLS = {
    "list_chains": list_chains,
    "chain_leader": chain_leader,
    "chains_of_leader": chains_of_leader,
    "lead_department": lead_department,
    "liaison": liaison,
    "general_leaders": general_leaders,
    "department_duties": department_duties,
    "department_for_problem": department_for_problem,
    "action_lead": action_lead,
}
