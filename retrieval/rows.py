"""The typed rows of the knowledge base, each with its provenance (document id and verbatim quote)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from retrieval.normalize import squash

CellStatus = Literal["stated", "inferred_merged_cell"]


class Sourced(BaseModel):
    source: str
    quote: str = Field(min_length=2)


class ChainRow(Sourced):
    province: str  # a configured province (knowledge/provinces.yaml)
    chain: str
    leader: str
    leader_post: str | None = None
    lead_department: str | None = None
    liaison: str | None = None
    division: str | None = None
    industry: str | None = None
    cluster_type: str | None = None
    table_name: str | None = None  # the chain's name as the table prints it
    table: str | None = None  # id of the declared table the row comes from
    cell_status: dict[str, CellStatus] = Field(default_factory=dict)

    def inferred(self, *fields: str) -> bool:
        return any(self.cell_status.get(f) == "inferred_merged_cell" for f in fields)


class GeneralLeader(Sourced):
    province: str
    name: str
    post: str


class UnitDuty(Sourced):
    province: str
    unit: str
    duty: str


class Action(Sourced):
    province: str
    number: str
    action: str
    lead_unit: str
    participants: list[str]
    rule_quote: str  # the sentence that says which named unit leads

    @field_validator("participants", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        return [p for p in v.split("、") if p] if isinstance(v, str) else v


class ProblemRoute(Sourced):
    province: str
    problem: str
    keywords: list[str]
    units: list[str]
    basis: Literal["direct", "mechanism"]
    policy: str | None = None  # a verbatim policy sentence of the same document on this problem
    # a route for a difficulty of no named kind (困难, 难题): it answers only when no other route does
    fallback: bool = False

    @field_validator("policy", mode="before")
    @classmethod
    def _blank(cls, v: object) -> object:
        return v or None

    @field_validator("fallback", mode="before")
    @classmethod
    def _unset(cls, v: object) -> object:
        return v or False

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
    # the documents use the term but never say what it consists of ("3+3+2" 领域): asking for its parts is
    # declined, with what they do say
    parts_unstated: bool = False


class ProvinceSpec(BaseModel):
    """A covered province and how its chain-leader system reads (knowledge/provinces.yaml)."""

    name: str
    full_name: str
    english: str
    aliases: list[str] = Field(default_factory=list)
    cities: list[str] = Field(default_factory=list)
    scheme: str  # document id of the scheme that sets the system up
    leader_title: str  # 链长 / 联系省领导
    leader_title_en: str
    chain_word: str
    chain_measure: str = "条（个）"  # the measure word of its chains
    general_leaders: bool = False
    leadership: Sourced | None = None  # the scheme's sentence on who leads the whole system
    leadership_summary: str | None = None  # the same in our words, for a province that names no 总链长
    problem_routing: Literal["mechanism", "duties"]
    problem_mechanism: str | None = None  # id of the mechanism record that routes problems (problem_routing=mechanism)


class Region(BaseModel):
    """A provincial-level region of China, covered or not (for the other_province refusal)."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    cities: list[str] = Field(default_factory=list)


class Correction(Sourced):
    """A table value the document itself prints differently elsewhere (现代化工业产业链 → 现代化工产业链)."""

    table: str
    column: str
    printed: str
    value: str


class CompareSide(Sourced):
    text: str


class CompareRow(BaseModel):
    """One point of comparison between provinces; `sides` maps a province to what its documents say."""

    topic: str
    keywords: list[str]
    sides: dict[str, CompareSide]
    note: str | None = None  # ours: what the sides have in common, or the nearest equivalent of a missing side
    nearest: dict[str, CompareSide] = Field(default_factory=dict)  # a province without this point: its closest


def names_in_row(row: ChainRow) -> list[str]:
    """The names a row asserts, for the provenance check (whitespace-insensitive)."""
    return [squash(v) for v in (row.leader, row.lead_department, row.liaison, row.division) if v]
