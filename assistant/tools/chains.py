"""Tools over the chain tables: who leads a chain, its lead department and liaison, a leader's chains,
a department's chains, the chief chain leaders, the list of a province's chains."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.answer import Citation
from assistant.tools.deps import NotFoundInfo, ToolDeps, not_found, unknown_province
from retrieval.normalize import fold, squash
from retrieval.rows import ChainRow


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
    labels: dict[str, str] = Field(default_factory=dict)  # field → the table's printed column name
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
    not_found: NotFoundInfo | None = None


def _labels(deps: ToolDeps, row: ChainRow) -> dict[str, str]:
    meta = deps.tables.document(row.source)
    spec = next((t for t in (meta.tables if meta else []) if t.id == row.table), None)
    return {field: label for label, field in spec.columns.items()} if spec else {}


def fact(deps: ToolDeps, row: ChainRow) -> ChainFact:
    inferred = [k for k, v in row.cell_status.items() if v == "inferred_merged_cell"]
    data = row.model_dump(include=set(ChainFact.model_fields) - {"inferred_fields", "labels"})
    return ChainFact(**data, inferred_fields=inferred, labels=_labels(deps, row))


def chain_result(deps: ToolDeps, rows: list[ChainRow]) -> ChainResult:
    """The facts of these table rows, each cited by its row's quote."""
    return ChainResult(matches=[fact(deps, r) for r in rows], citations=[deps.cite(r.source, r.quote) for r in rows])


def rows_for_chain(deps: ToolDeps, chain: str, province: str | None) -> list[ChainRow]:
    keys = {(m.key, m.province) for m in deps.gazetteer.scan(chain) if m.kind == "chain"}
    rows = [r for r in deps.tables.chains if (r.chain, r.province) in keys or fold(r.chain) == fold(chain)]
    return [r for r in rows if province is None or r.province == province]


def _chain_result(deps: ToolDeps, chain: str, province: str | None) -> ChainResult:
    if province and (bad := unknown_province(deps, province)):
        return ChainResult(not_found=bad)
    rows = rows_for_chain(deps, chain, province)
    if not rows:
        names = [r.chain for r in deps.tables.chains if province is None or r.province == province]
        return ChainResult(not_found=not_found(chain, names, "产业链"))
    return chain_result(deps, rows)


def list_chains(deps: ToolDeps, province: str) -> list[ChainFact]:
    """List every key industrial chain (or cluster) of a province with its leader (链长 / 联系省领导),
    and the lead department, liaison, industry group and cluster type where its table has them."""
    return [fact(deps, r) for r in deps.tables.chains if r.province == province]


def chain_leader(deps: ToolDeps, chain: str, province: str | None = None) -> ChainResult:
    """Who heads a chain (链长 / 联系省领导) and the leader's post where the table gives it.
    `chain` may be a colloquial name (芯片, 信创, 农机, AI …); without `province`, every province's match."""
    return _chain_result(deps, chain, province)


def lead_department(deps: ToolDeps, chain: str, province: str | None = None) -> ChainResult:
    """The lead department (牵头部门) of a chain, for provinces whose table has that column; each fact says
    whether the table cell is stated or inferred from a merged cell."""
    return _chain_result(deps, chain, province)


def liaison(deps: ToolDeps, chain: str, province: str | None = None) -> ChainResult:
    """The liaison officer (联络员) and liaison division (联络处室) of a chain, where the table has them."""
    return _chain_result(deps, chain, province)


def chains_of_leader(deps: ToolDeps, name: str) -> LeaderResult:
    """Which chains a provincial leader heads or contacts, with the leader's post where the table gives it."""
    wanted = {m.key for m in deps.gazetteer.scan(name) if m.kind == "leader"} or {squash(name)}
    rows = [r for r in deps.tables.chains if r.leader in wanted]
    if not rows:
        names = sorted({r.leader for r in deps.tables.chains})
        return LeaderResult(not_found=not_found(squash(name), names, "链长"))
    first = rows[0]
    return LeaderResult(leader=first.leader, province=first.province, post=first.leader_post,
                        chains=[fact(deps, r) for r in rows], citations=[deps.cite(r.source, r.quote) for r in rows])


def chains_of_liaison(deps: ToolDeps, name: str) -> ChainResult:
    """Which chains a liaison officer (联络员) is listed for."""
    rows = [r for r in deps.tables.chains if r.liaison and squash(r.liaison) == squash(name)]
    if not rows:
        names = sorted({r.liaison for r in deps.tables.chains if r.liaison})
        return ChainResult(not_found=not_found(squash(name), names, "联络员"))
    return chain_result(deps, rows)


def chains_of_division(deps: ToolDeps, division: str) -> ChainResult:
    """Which chains a liaison division (联络处室, e.g. 电子处) is listed for."""
    rows = [r for r in deps.tables.chains if r.division and squash(r.division) == squash(division)]
    if not rows:
        names = sorted({r.division for r in deps.tables.chains if r.division})
        return ChainResult(not_found=not_found(squash(division), names, "联络处室"))
    return chain_result(deps, rows)


def chains_of_department(deps: ToolDeps, department: str, province: str | None = None) -> ChainResult:
    """Which chains a department is the lead department (牵头部门) of."""
    families = deps.gazetteer.keys(department, "department")
    rows = [r for r in deps.tables.chains if r.lead_department and (province is None or r.province == province)
            and (deps.gazetteer.keys(r.lead_department, "department") & families
                 or fold(department) in fold(r.lead_department))]
    if not rows:
        depts = sorted({r.lead_department for r in deps.tables.chains if r.lead_department})
        return ChainResult(not_found=not_found(department, depts, "牵头部门"))
    return chain_result(deps, rows)


def general_leaders(deps: ToolDeps, province: str) -> GeneralLeadersResult:
    """The province-wide chief chain leaders (总链长) and their posts, or what the province's scheme says
    about who leads the whole system when it names no persons."""
    if bad := unknown_province(deps, province):
        return GeneralLeadersResult(province=province, not_found=bad)
    rows = [g for g in deps.tables.general_leaders if g.province == province]
    if rows:
        return GeneralLeadersResult(province=province, leaders=[{"name": g.name, "post": g.post} for g in rows],
                                    citations=[deps.cite(rows[0].source, rows[0].quote)])
    spec = deps.tables.province(province)
    lead = spec.leadership if spec else None
    cites = [deps.cite(lead.source, lead.quote)] if lead else []
    return GeneralLeadersResult(province=province, statement=lead.quote if lead else None, citations=cites)
