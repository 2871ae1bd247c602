"""The division-of-labour tables as typed rows with provenance, loaded and validated from knowledge/."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from retrieval.errors import KnowledgeFileError
from retrieval.normalize import squash

CellStatus = Literal["stated", "inferred_merged_cell"]


class Sourced(BaseModel):
    source: str
    quote: str = Field(min_length=2)


class ChainRow(Sourced):
    province: Literal["湖北", "湖南"]
    chain: str
    leader: str
    leader_post: str | None = None
    lead_department: str | None = None
    liaison: str | None = None
    division: str | None = None
    industry: str | None = None
    cluster_type: str | None = None
    table_name: str | None = None
    cell_status: dict[str, CellStatus] = Field(default_factory=dict)

    def inferred(self, *fields: str) -> bool:
        return any(self.cell_status.get(f) == "inferred_merged_cell" for f in fields)


class GeneralLeader(Sourced):
    province: str
    name: str
    post: str


class UnitDuty(Sourced):
    province: str = "湖南"
    unit: str
    duty: str


class Action(Sourced):
    number: str
    action: str
    lead_unit: str
    participants: list[str]
    rule_quote: str = "排第一的为牵头单位"

    @field_validator("participants", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        return [p for p in v.split("、") if p] if isinstance(v, str) else v


class ProblemRoute(Sourced):
    province: Literal["湖北", "湖南"]
    problem: str
    keywords: list[str]
    units: list[str]
    basis: Literal["direct", "mechanism"]
    policy: str | None = None  # a verbatim policy sentence of the same document on this problem

    @field_validator("policy", mode="before")
    @classmethod
    def _blank(cls, v: object) -> object:
        return v or None

    @field_validator("keywords", "units", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return [p.strip() for p in v.replace("|", "、").split("、") if p.strip()]
        return v


class Term(Sourced):
    term: str
    aliases: list[str] = Field(default_factory=list)
    province: str
    definition: str | None = None  # one own-words sentence; its numbers occur in the quote (the defining sentence)
    note: str | None = None
    counterpart: str | None = None  # the other province's equivalent term (七个一 ↔ 八个一)


class Tables(BaseModel):
    chains: list[ChainRow]
    general_leaders: list[GeneralLeader]
    duties: list[UnitDuty]
    actions: list[Action]
    routes: list[ProblemRoute]
    terms: list[Term]
    chain_aliases: dict[str, dict[str, list[str]]]
    department_families: dict[str, list[str]]
    synonyms: dict[str, list[str]]
    english: dict[str, list[str]] = Field(default_factory=dict)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            out = []
            for row in reader:
                if None in row:
                    raise KnowledgeFileError(f"{path}:{reader.line_num}: more cells than the header has")
                out.append((reader.line_num, row))
            return out
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise KnowledgeFileError(f"{path}: cannot read table: {exc}") from exc


def _validate(model: type[BaseModel], data: dict, where: str):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "row"
        raise KnowledgeFileError(f"{where}: field '{field}': {err['msg']}") from exc


_HUBEI_STATUS = ("leader", "post", "department", "liaison", "division")
_STATUS_FIELD = {"post": "leader_post", "department": "lead_department"}


def _hubei_chain(row: dict[str, str], where: str) -> ChainRow:
    status = {}
    for key in _HUBEI_STATUS:
        status[_STATUS_FIELD.get(key, key)] = row.get(f"{key}_status", "")
    data = {k: v for k, v in row.items() if not k.endswith("_status")}
    return _validate(ChainRow, {**data, "province": "湖北", "cell_status": status}, where)


def _hunan_chain(row: dict[str, str], where: str) -> ChainRow:
    status = {"cluster_type": row.get("type_status", ""), "industry": row.get("industry_status", ""),
              "leader": row.get("leader_status", "")}
    data = {k: v for k, v in row.items() if not k.endswith("_status")}
    return _validate(ChainRow, {**data, "province": "湖南", "cell_status": status}, where)


def _table(path: Path, build) -> list:
    return [build(row, f"{path}:{line}") for line, row in _rows(path)]


def _yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{path}: expected a mapping at the top")
    return data


def load_tables(knowledge_dir: Path) -> Tables:
    """Load and validate every table; a bad row raises KnowledgeFileError naming file:line and field."""
    t = knowledge_dir / "tables"
    general = _table(t / "hubei_general_leaders.csv",
                     lambda r, w: _validate(GeneralLeader, {**r, "province": "湖北"}, w))
    aliases = _yaml(knowledge_dir / "aliases.yaml")
    glossary = _yaml(knowledge_dir / "glossary.yaml")
    terms = [_validate(Term, entry, f"{knowledge_dir / 'glossary.yaml'}: term #{i}")
             for i, entry in enumerate(glossary.get("terms") or [], start=1)]
    return Tables(
        chains=_table(t / "hubei_chains.csv", _hubei_chain) + _table(t / "hunan_chains.csv", _hunan_chain),
        general_leaders=general,
        duties=_table(t / "hunan_unit_duties.csv", lambda r, w: _validate(UnitDuty, r, w)),
        actions=_table(t / "hunan_actions.csv", lambda r, w: _validate(Action, r, w)),
        routes=_table(t / "problem_routes.csv", lambda r, w: _validate(ProblemRoute, r, w)),
        terms=terms,
        chain_aliases=aliases.get("chains") or {},
        department_families=aliases.get("departments") or {},
        synonyms=aliases.get("synonyms") or {},
        english=aliases.get("english") or {},
    )


def names_in_row(row: ChainRow) -> list[str]:
    """The names a row asserts, for the provenance check (whitespace-insensitive)."""
    return [squash(v) for v in (row.leader, row.lead_department, row.liaison, row.division) if v]
