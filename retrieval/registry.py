"""The knowledge base as validated data: provinces, chain tables read from the documents, the hand-written
tables (general leaders, actions, problem routes, corrections), glossary, comparison points, narrative
facts, aliases and the understanding catalogue. Every error names its file, row and field."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

from retrieval import yaml_text
from retrieval.catalog import Catalog, Policy
from retrieval.documents import Document, DocumentMeta, load_documents
from retrieval.errors import KnowledgeFileError
from retrieval.facts import Facts, load_facts
from retrieval.rows import (
    Action,
    ChainRow,
    CompareRow,
    Correction,
    GeneralLeader,
    ProblemRoute,
    ProvinceSpec,
    Region,
    Term,
    UnitDuty,
)
from retrieval.tables import read_list, read_table
from retrieval.yaml_text import YamlItems

M = TypeVar("M", bound=BaseModel)


class Tables(BaseModel):
    """Everything of knowledge/ but the document texts, loaded once per index snapshot."""

    provinces: list[ProvinceSpec]
    regions: list[Region]
    documents: list[DocumentMeta]
    chains: list[ChainRow]
    general_leaders: list[GeneralLeader]
    duties: list[UnitDuty]
    actions: list[Action]
    routes: list[ProblemRoute]
    terms: list[Term]
    comparison: list[CompareRow] = Field(default_factory=list)
    facts: Facts = Field(default_factory=Facts)
    catalog: Catalog
    policy: Policy
    chain_aliases: dict[str, dict[str, list[str]]]
    department_families: dict[str, list[str]]
    synonyms: dict[str, list[str]]
    english: dict[str, list[str]] = Field(default_factory=dict)  # English phrase → Chinese words
    english_names: dict[str, str] = Field(default_factory=dict)  # Chinese name → English name
    document_aliases: dict[str, list[str]] = Field(default_factory=dict)
    action_aliases: dict[str, list[str]] = Field(default_factory=dict)
    section_aliases: dict[str, dict[str, list[str]]] = Field(default_factory=dict)  # doc id → heading → names
    not_names: list[str] = Field(default_factory=list)  # words holding a name that are not it (推广 holds 广东…)

    def province(self, name: str | None) -> ProvinceSpec | None:
        return next((p for p in self.provinces if p.name == name), None)

    @property
    def province_names(self) -> list[str]:
        return [p.name for p in self.provinces]

    def document(self, doc_id: str) -> DocumentMeta | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def meta(self, doc_id: str) -> DocumentMeta:
        """A document the knowledge base is known to hold (a citation's, a record's source)."""
        found = self.document(doc_id)
        if found is None:
            raise KeyError(f"no document {doc_id!r} in the manifest")
        return found

    def spec(self, province: str) -> ProvinceSpec:
        """A province known to be configured (a row's, a document's)."""
        found = self.province(province)
        if found is None:
            raise KeyError(f"province {province!r} is not configured")
        return found


def _validate(model: type[M], data: dict, where: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "row"
        raise KnowledgeFileError(f"{where}: field '{field}': {err['msg']}") from exc


def _csv(path: Path, build: Callable[[dict, str], M]) -> list[M]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            out = []
            for row in reader:
                if None in row:
                    raise KnowledgeFileError(f"{path}:{reader.line_num}: more cells than the header has")
                out.append(build(row, f"{path}:{reader.line_num}"))
            return out
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise KnowledgeFileError(f"{path}: cannot read table: {exc}") from exc


def _yaml(path: Path, required: bool = True, items: YamlItems | None = None) -> dict:
    """`items`: those parsed before, for a file that splits into items (yaml_text.YamlItems)."""
    if not required and not path.exists():
        return {}
    try:
        data = (items.load if items is not None else yaml_text.load)(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeFileError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{path}: expected a mapping at the top")
    return data


def _list(data: dict, key: str, model: type[M], path: Path) -> list[M]:
    return [_validate(model, entry, f"{path}: {key} #{i}") for i, entry in enumerate(data.get(key) or [], start=1)]


def _corrected(row: dict, corrections: list[Correction], table: str) -> dict:
    for c in corrections:
        if c.table == table and row.get(c.column) == c.printed:
            row = {**row, c.column: c.value}
    return row


def _declared_rows(knowledge_dir: Path, metas: list[DocumentMeta], corrections: list[Correction],
                   texts: dict[str, str]) -> tuple[list[ChainRow], list[UnitDuty]]:
    """The chain rows and unit duties of every table and list the manifest declares."""
    chains: list[ChainRow] = []
    duties: list[UnitDuty] = []
    for meta in metas:
        where = str(knowledge_dir / meta.file)
        for spec in meta.tables:
            for row in read_table(texts[meta.id], spec, where):
                line = row.pop("line")
                data = {**_corrected(row, corrections, spec.id), "province": meta.province, "source": meta.id,
                        "table": spec.id}
                chains.append(_validate(ChainRow, data, f"{where}:{line}"))
        for listing in meta.lists:
            for item in read_list(texts[meta.id], listing, where):
                line = item.pop("line")
                duties.append(_validate(UnitDuty, {**item, "province": meta.province, "source": meta.id},
                                        f"{where}:{line}"))
    return chains, duties


def _catalog(k: Path) -> Catalog:
    """intents.yaml, with the extra example questions of intent_examples.yaml (intent → questions) added."""
    data = _yaml(k / "intents.yaml")
    extra = _yaml(k / "intent_examples.yaml", required=False)
    names = {i.get("name") for i in data.get("intents") or []}
    for name in extra:
        if name not in names:
            raise KnowledgeFileError(f"{k / 'intent_examples.yaml'}: no intent '{name}' in intents.yaml")
    for intent in data.get("intents") or []:
        intent["examples"] = [*(intent.get("examples") or []), *(extra.get(intent.get("name")) or [])]
    return _validate(Catalog, data, str(k / "intents.yaml"))


def _check_provinces(tables: Tables, knowledge_dir: Path) -> None:
    known = set(tables.province_names)
    rows = [("manifest.yaml", d.id, d.province) for d in tables.documents]
    rows += [("chains", r.chain, r.province) for r in tables.chains]
    rows += [("problem_routes.csv", r.problem, r.province) for r in tables.routes]
    rows += [("glossary.yaml", t.term, t.province) for t in tables.terms]
    for where, what, province in rows:
        if province not in known:
            raise KnowledgeFileError(f"{knowledge_dir / where}: '{what}': province '{province}' is not configured "
                                     f"in provinces.yaml ({'、'.join(sorted(known))})")
    docs = {d.id for d in tables.documents}
    for p in tables.provinces:
        if p.scheme not in docs:
            raise KnowledgeFileError(f"{knowledge_dir / 'provinces.yaml'}: {p.name}: scheme '{p.scheme}' "
                                     "is not a document of the manifest")


def configured_provinces(knowledge_dir: Path) -> list[str]:
    """The names of the configured provinces, read alone (for what must show before the index loads);
    an unreadable provinces.yaml gives none."""
    try:
        data = _yaml(knowledge_dir / "provinces.yaml")
    except KnowledgeFileError:
        return []
    return [str(p.get("name")) for p in data.get("provinces") or [] if isinstance(p, dict) and p.get("name")]


def load_tables(knowledge_dir: Path, documents: dict[str, Document] | None = None,
                items: YamlItems | None = None) -> Tables:
    """Load and validate every knowledge file; a bad row raises KnowledgeFileError naming file:line and field.
    `documents`: those of `knowledge_dir`, when the caller has loaded them already (an index build);
    `items`: YAML items parsed before (provinces.yaml, which grows by a province with each scheme)."""
    k, t = knowledge_dir, knowledge_dir / "tables"
    documents = documents if documents is not None else load_documents(k)
    metas = [d.meta for d in documents.values()]
    texts = {d.id: d.text for d in documents.values()}
    provinces = _yaml(k / "provinces.yaml", items=items)
    aliases, glossary = _yaml(k / "aliases.yaml"), _yaml(k / "glossary.yaml")
    corrections = _csv(t / "corrections.csv", lambda r, w: _validate(Correction, r, w))
    chains, duties = _declared_rows(k, metas, corrections, texts)
    tables = Tables(
        provinces=_list(provinces, "provinces", ProvinceSpec, k / "provinces.yaml"),
        regions=_list(provinces, "regions", Region, k / "provinces.yaml"),
        documents=metas,
        chains=chains,
        general_leaders=_csv(t / "general_leaders.csv", lambda r, w: _validate(GeneralLeader, r, w)),
        duties=duties,
        actions=_csv(t / "actions.csv", lambda r, w: _validate(Action, r, w)),
        routes=_csv(t / "problem_routes.csv", lambda r, w: _validate(ProblemRoute, r, w)),
        terms=_list(glossary, "terms", Term, k / "glossary.yaml"),
        comparison=_list(_yaml(k / "comparison.yaml", required=False), "rows", CompareRow, k / "comparison.yaml"),
        facts=load_facts(k),
        catalog=_catalog(k),
        policy=_validate(Policy, _yaml(k / "policy.yaml"), str(k / "policy.yaml")),
        chain_aliases=aliases.get("chains") or {},
        department_families=aliases.get("departments") or {},
        synonyms=aliases.get("synonyms") or {},
        english=aliases.get("english") or {},
        english_names=aliases.get("english_names") or {},
        document_aliases=aliases.get("documents") or {},
        action_aliases=aliases.get("actions") or {},
        section_aliases=aliases.get("sections") or {},
        not_names=aliases.get("not_names") or [],
    )
    _check_provinces(tables, k)
    return tables
