"""An operator's fix, checked before it is stored: a phrase as an alias of an entity, a question as an
example of an intent, or a curated answer whose quote is verbatim in its document. The knowledge base's
own checks (retrieval/overlay.py `problems`) decide what fits (422 with every reason); on top of them a
phrase that already names something else is refused (409): an alias naming two things makes questions
ambiguous. Each accepted change becomes the store's next overlay version, and this replica serves it
before the request returns (assistant/api/overlay.py); the others follow within a poll interval."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from assistant.api import overlay
from assistant.api.state import AppState
from assistant.curated import normalised
from assistant.errors import Conflict, InvalidOverlay, NotReady
from assistant.service import Service
from assistant.store import Change, Store
from retrieval.normalize import fold_words
from retrieval.overlay import Alias, Curated, Example, Overlay, problems

KIND_LABELS = {"chain": "产业链", "department": "部门", "term": "术语", "action": "行动", "document": "文件"}
_NAME_MARKS = set("-·/&")  # punctuation a name may hold (an English alias, 产业链/集群); a sentence's may not


def _text(value: str, lines: bool = False) -> str:
    value = value.strip() if not lines else value.replace("\r\n", "\n").strip()
    allowed = "\n\t" if lines else ""
    if not value or any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") and c not in allowed for c in value):
        raise ValueError("must be printable text" + ("" if lines else " on one line"))
    return value


def _name(value: str) -> str:
    value = _text(value)
    if any(unicodedata.category(c).startswith("P") and c not in _NAME_MARKS for c in value):
        raise ValueError("must be the phrase itself (a name such as 晶圆), not a sentence with punctuation")
    return value


def _quote(value: str) -> str:
    """Kept exactly as given (it is compared verbatim), but it must say something."""
    if len(value.strip()) < 4 or any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value):
        raise ValueError("must be at least 4 characters of the document's text")
    return value


Line = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_text)]
Paragraphs = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(lambda v: _text(v, True))]


class AliasIn(BaseModel):
    kind: Literal["chain", "department", "term", "action", "document"]
    target: Line = Field(description="chain name, department family, term, action, or document id")
    alias: Annotated[str, Field(min_length=2, max_length=30), AfterValidator(_name)]
    province: Line | None = Field(default=None, description="a chain's province (required for chains)")

    @model_validator(mode="after")
    def _province(self) -> AliasIn:
        if self.kind == "chain" and not self.province:
            raise ValueError("a chain alias needs the chain's province")
        if self.kind != "chain":
            self.province = None  # only chains are per province
        return self


class ExampleIn(BaseModel):
    intent: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_text)]
    question: Line


class CuratedIn(BaseModel):
    question: Line
    answer: Paragraphs
    doc_id: Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_text)]
    quote: Annotated[str, Field(min_length=4, max_length=2000, description="verbatim text of the document"),
                     AfterValidator(_quote)]


class RollbackIn(BaseModel):
    version: int | None = Field(default=None, ge=0, description="the version to restore; default: the one "
                                                                   "before the newest change (0: no overlay)")


def serving(state: AppState) -> Service:
    if state.service is None:
        raise NotReady("the knowledge index is not loaded yet")
    return state.service


def store_of(state: AppState) -> Store:
    if state.store is None:
        raise NotReady("the store is not open")
    return state.store


def _fits(service: Service, one: Overlay) -> None:
    found = problems(service.index.tables, one, overlay.texts(service.index))
    if found:
        raise InvalidOverlay("; ".join(found))


def _named_elsewhere(service: Service, a: Alias) -> None:
    """409 when the phrase, as a whole, already names an entity (this one: nothing to add)."""
    size = len(fold_words(a.alias))
    for m in service.deps.gazetteer.scan(a.alias):
        if m.start != 0 or m.end != size:
            continue
        if m.kind == a.kind and m.key == a.target and (a.kind != "chain" or m.province == a.province):
            raise Conflict(f"'{a.alias}' already names {a.kind} '{a.target}'")
        if not (m.kind == a.kind and m.key == a.target):  # the same chain of another province is fine
            where = f" ({m.province})" if m.province else ""
            raise Conflict(f"'{a.alias}' already names {m.kind} '{m.key}'{where}; an alias must name one thing")


def alias_change(service: Service, body: AliasIn) -> Change:
    item = Alias(**body.model_dump())

    def change(_version: int, before: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        now = Overlay.model_validate(before)
        _fits(service, Overlay(aliases=[item]))
        if any(fold_words(a.alias) == fold_words(item.alias) and (a.kind, a.target, a.province) ==
               (item.kind, item.target, item.province) for a in now.aliases):
            raise Conflict(f"'{item.alias}' is an alias of {item.kind} '{item.target}' already")
        _named_elsewhere(service, item)
        where = f"（{item.province}）" if item.province else ""
        now.aliases.append(item)
        return "alias", f"别名“{item.alias}” → {KIND_LABELS[item.kind]}“{item.target}”{where}", now.model_dump()

    return change


def example_change(service: Service, body: ExampleIn) -> Change:
    item = Example(**body.model_dump())

    def change(_version: int, before: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        now = Overlay.model_validate(before)
        _fits(service, Overlay(examples=[item]))
        known = service.deps.tables.catalog.intent(item.intent).examples
        if normalised(item.question) in {normalised(q) for q in known}:
            raise Conflict(f"'{item.question}' is an example of intent '{item.intent}' already")
        now.examples.append(item)
        return "example", f"例句“{item.question}” → 意图 {item.intent}", now.model_dump()

    return change


def curated_change(service: Service, body: CuratedIn) -> Change:
    """A curated answer; one for the same (normalised) question replaces it: that is how one is corrected."""
    item = Curated(**body.model_dump())

    def change(_version: int, before: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        now = Overlay.model_validate(before)
        _fits(service, Overlay(curated=[item]))
        key = normalised(item.question)
        kept = [c for c in now.curated if normalised(c.question) != key]
        verb = "修改人工答案" if len(kept) < len(now.curated) else "人工答案"
        now.curated = [*kept, item]
        return "curated", f"{verb}：“{item.question}”（引自 {item.doc_id}）", now.model_dump()

    return change


def _result(state: AppState, row: dict[str, Any]) -> dict[str, Any]:
    shown = {k: row[k] for k in ("version", "action", "summary", "key_name", "created_at", "restores")}
    return {**shown, "serving": state.overlay_version}


async def commit(state: AppState, key_name: str, change: Change) -> dict[str, Any]:
    """Store the change as the next version, then serve it here before answering."""
    row = await run_in_threadpool(store_of(state).change_overlay, change, key_name)
    await overlay.refresh(state)
    return _result(state, row)


async def rollback(state: AppState, key_name: str, to: int | None = None) -> dict[str, Any]:
    serving(state)
    row = await run_in_threadpool(store_of(state).rollback_overlay, key_name, to)
    await overlay.refresh(state)
    return _result(state, row)
