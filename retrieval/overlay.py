"""Operators' fixes on top of knowledge/, kept in the shared store: extra aliases of entities, extra example
questions of intents, and curated answers (each citing a verbatim quote). Applying an overlay gives a new
knowledge base; nothing in knowledge/ changes, so a rollback is dropping the overlay's newest version."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from retrieval.errors import KnowledgeFileError
from retrieval.registry import Tables

ALIAS_KINDS = ("chain", "department", "term", "action", "document")


class Alias(BaseModel):
    kind: str  # chain | department | term | action | document
    target: str  # the canonical name (chain name, department family, term, action, document id)
    alias: str
    province: str | None = None  # chains: which province's chain


class Example(BaseModel):
    intent: str
    question: str


class Curated(BaseModel):
    """An answer an operator wrote for a question, with a citation checked verbatim against the document."""

    question: str
    answer: str
    doc_id: str
    quote: str


class Overlay(BaseModel):
    aliases: list[Alias] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    curated: list[Curated] = Field(default_factory=list)
    # the content-safety lexicon as operators edited it (assistant/lexicon.py validates it); None: not edited,
    # the deployment's file is served
    lexicon: dict[str, Any] | None = None
    approved: dict[str, str] = Field(default_factory=dict)  # documents approved after review → text fingerprint

    @property
    def empty(self) -> bool:
        return not (self.aliases or self.examples or self.curated or self.lexicon is not None or self.approved)


def problems(tables: Tables, overlay: Overlay, texts: dict[str, str]) -> list[str]:
    """What is wrong with an overlay against this knowledge base (empty: it may be applied)."""
    out = []
    intents = {i.name for i in tables.catalog.intents}
    targets: dict[str, set[tuple[str, str | None]]] = {"chain": {(r.chain, r.province) for r in tables.chains},
               "department": {(k, None) for k in tables.department_families},
               "term": {(t.term, None) for t in tables.terms}, "action": {(a.action, None) for a in tables.actions},
               "document": {(d.id, None) for d in tables.documents}}
    for a in overlay.aliases:
        key = (a.target, a.province if a.kind == "chain" else None)
        if a.kind not in ALIAS_KINDS:
            out.append(f"alias '{a.alias}': unknown kind '{a.kind}' (one of {', '.join(ALIAS_KINDS)})")
        elif key not in targets[a.kind]:
            out.append(f"alias '{a.alias}': no {a.kind} '{a.target}'" + (f" in {a.province}" if a.province else ""))
        elif len(a.alias.strip()) < 2:
            out.append(f"alias '{a.alias}': too short")
    out += [f"example '{e.question}': no intent '{e.intent}'" for e in overlay.examples if e.intent not in intents]
    for c in overlay.curated:
        if c.doc_id not in texts:
            out.append(f"curated answer '{c.question}': no document '{c.doc_id}'")
        elif c.quote not in texts[c.doc_id]:
            out.append(f"curated answer '{c.question}': the quote is not verbatim in {c.doc_id}")
    return out


def apply(tables: Tables, overlay: Overlay) -> Tables:
    """The knowledge base with the overlay's aliases and examples added (raises if it does not fit)."""
    data = tables.model_copy(deep=True)
    for a in overlay.aliases:
        if a.kind == "chain":
            data.chain_aliases.setdefault(a.province or "", {}).setdefault(a.target, []).append(a.alias)
        elif a.kind == "department":
            data.department_families.setdefault(a.target, []).append(a.alias)
        elif a.kind == "term":
            next(t for t in data.terms if t.term == a.target).aliases.append(a.alias)
        elif a.kind == "action":
            data.action_aliases.setdefault(a.target, []).append(a.alias)
        elif a.kind == "document":
            data.document_aliases.setdefault(a.target, []).append(a.alias)
        else:
            raise KnowledgeFileError(f"overlay alias '{a.alias}': unknown kind '{a.kind}'")
    for e in overlay.examples:
        data.catalog.intent(e.intent).examples.append(e.question)
    return data
