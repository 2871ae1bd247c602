"""Narrative facts as data: events, people, press exchanges, statements, figures and targets, working
mechanisms, each with its document, a verbatim quote and whether it is stated or inferred.

Files: knowledge/facts/*.yaml, each a mapping with any of the lists below. Every quote must occur
verbatim in its document (tests/retrieval/test_facts.py), and every number and every person named in a
record's own-words fields must occur in its quote, so a lead sentence can only say what the quote says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from retrieval import yaml_text
from retrieval.errors import KnowledgeFileError, first_error

Status = Literal["stated", "inferred"]


class Fact(BaseModel):
    """What every record carries: where it comes from and how sure we are."""

    source: str  # document id in the manifest
    quote: str = Field(min_length=2)  # verbatim text of the document that states (or grounds) the record
    status: Status = "stated"
    note: str | None = None  # ours, shown with the answer: why a record is inferred, what the text does not say
    keywords: list[str] = Field(default_factory=list)  # words a question about this record would use


class Event(Fact):
    id: str
    kind: str  # 新闻发布会 | 会议
    name: str
    aliases: list[str] = Field(default_factory=list)
    date: dt.date | None = None
    organiser: str | None = None
    purpose: str | None = None
    host: str | None = None  # a person's name (see people)


class Person(Fact):
    name: str
    aliases: list[str] = Field(default_factory=list)  # 袁主任, Yuan Defang …
    # words that pick the person out when the name is not given: "武大那位教授", "交投的董事长"
    descriptors: list[str] = Field(default_factory=list)
    event: str | None = None  # the event id where the person speaks (None for an author)
    role: str  # 主持人 | 发布人 | 主题发言人 | 发言人 | 作者
    post: str  # 党组成员、副厅长
    org: str  # 省经信厅
    represents: str | None = None  # what they speak for: a chain's lead department, a city, a party …
    order: int | None = None  # speaking order at the event, when the text gives it

    @property
    def title(self) -> str:
        """Organisation and post as one title, the organisation once (省政协副主席, not 省政协省政协副主席)."""
        parts = [o for o in self.org.split("、") if o]  # "民盟…、法雷奥…": each named in the post already
        return self.post if parts and all(o in self.post for o in parts) else f"{self.org}{self.post}"


class Exchange(Fact):
    """One question of a press conference and who answered it."""

    event: str
    number: int
    outlet: str  # the news outlet, as printed
    question: str  # the reporter's question, verbatim
    addressed_to: str | None = None
    answered_by: str


class Statement(Fact):
    """Something a speaker or a document says: a commitment, a measure, a proposal, a view."""

    id: str
    speaker: str | None = None  # None: the document itself
    topic: str  # a short label: 汉江汽车走廊
    fact: str  # one own-words sentence stating it; every number and name in it occurs in the quote
    kind: Literal["commitment", "measure", "proposal", "view", "background", "figure"] = "measure"


class Figure(Fact):
    """A number a document reports (kind=figure) or sets as a goal (kind=target)."""

    id: str
    kind: Literal["figure", "target"]
    province: str | None = None
    subject: str | None = None  # whose number: a province, a city, a company
    what: str  # what is counted, as a noun phrase
    value: str  # as printed: 162, 50-80, 1651.2
    unit: str = ""  # 家, 亿元, %, 项
    rank: str | None = None  # 排全国第七、中部第一
    as_of: str | None = None  # 今年上半年, 截至目前
    by_when: str | None = None  # targets: 2025年, 每年, 2021-2023年
    speaker: str | None = None


class Mechanism(Fact):
    id: str
    province: str
    name: str  # 调度督导机制
    aliases: list[str] = Field(default_factory=list)
    fact: str  # own-words summary
    parts: list[str] = Field(default_factory=list)  # the items it consists of, in order
    frequency: str | None = None  # 每季度, 按季调度、半年通报、年度会商
    reporter: str | None = None  # who reports
    recipient: str | None = None  # to whom


class Facts(BaseModel):
    events: list[Event] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    exchanges: list[Exchange] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    mechanisms: list[Mechanism] = Field(default_factory=list)

    def records(self) -> list[Fact]:
        return [*self.events, *self.people, *self.exchanges, *self.statements, *self.figures, *self.mechanisms]

    def merge(self, other: Facts) -> Facts:
        return Facts(**{k: getattr(self, k) + getattr(other, k) for k in Facts.model_fields})


def _load_file(path: Path) -> Facts:
    try:
        data = yaml_text.load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{path}: expected a mapping at the top")
    unknown = set(data) - set(Facts.model_fields)
    if unknown:
        raise KnowledgeFileError(f"{path}: unknown section(s) {sorted(unknown)}; expected {list(Facts.model_fields)}")
    try:
        return Facts.model_validate(data)
    except ValidationError as exc:
        where, message = first_error(exc)
        raise KnowledgeFileError(f"{path}: {where}: {message}") from exc


def load_facts(knowledge_dir: Path) -> Facts:
    """Every facts file under knowledge/facts/, merged (no such directory: no facts)."""
    facts = Facts()
    directory = knowledge_dir / "facts"
    if directory.is_dir():
        for path in sorted(directory.glob("*.yaml")):
            facts = facts.merge(_load_file(path))
    return facts


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def unsupported(record: Fact, names: set[str]) -> list[str]:
    """Numbers and known names in a record's own-words fields that its quote does not contain."""
    quote = _SPACE.sub("", record.quote)
    own = [getattr(record, f) for f in ("fact", "value", "what", "rank") if isinstance(getattr(record, f, None), str)]
    missing = [n for text in own for n in _NUMBER.findall(text) if n not in quote]
    missing += [n for text in own for n in names if n in text and n not in quote]
    return sorted(set(missing))


def problems(facts: Facts, documents: dict[str, str]) -> list[str]:
    """Every provenance problem: unknown document, quote not verbatim, a claim its quote does not support."""
    names = {p.name for p in facts.people}
    out = []
    for r in facts.records():
        label = f"{type(r).__name__} {getattr(r, 'id', None) or getattr(r, 'name', None) or r.quote[:20]}"
        if r.source not in documents:
            out.append(f"{label}: unknown document {r.source!r}")
            continue
        if r.quote not in documents[r.source]:
            out.append(f"{label}: quote is not verbatim in {r.source}: {r.quote[:50]!r}")
        bad = unsupported(r, names)
        if bad:
            out.append(f"{label}: {bad} not in its quote")
    return out


if __name__ == "__main__":  # python -m retrieval.facts [knowledge_dir]: list provenance problems
    import sys

    from retrieval.documents import load_documents

    kdir = Path(sys.argv[1] if len(sys.argv) > 1 else "knowledge")
    docs = {k: d.text for k, d in load_documents(kdir).items()}
    found = problems(load_facts(kdir), docs)
    print("\n".join(found) or "ok")
    sys.exit(1 if found else 0)
