"""An operator's change of the content-safety lexicon or of a held document, checked before it is stored: add a
term (or an allow-listed phrase), import a list (the import format of assistant/lexicon.py), remove a term,
enable or disable one, approve a document held for review. Each is the overlay's next version, like an alias
(assistant/api/overlay_edits.py): a rollback brings the lexicon back too, and every replica serves it within a
poll interval. The first change starts from the deployment's file; from then on the stored lexicon is served."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.content_policy import fingerprint
from assistant.errors import Conflict, NotFound
from assistant.lexicon import ACTION_LABELS, Category, Lexicon, Phrase, Term, parse
from assistant.service import Service
from assistant.store import Change
from retrieval.overlay import Overlay


class TermIn(BaseModel):
    term: Phrase
    category: Category = "自定义"
    action: Literal["block", "mask", "flag", "allow"] = Field(
        default="block", description="block: refuse; mask: answer, masked in logs; flag: record only; "
                                     "allow: a legitimate phrase that contains a term")


class ImportIn(BaseModel):
    text: str = Field(min_length=1, max_length=1_000_000,
                      description="one term a line, or CSV `term,category,action` (README, content safety)")


class TermRef(BaseModel):
    term: Phrase


class ToggleIn(TermRef):
    enabled: bool


class ApproveIn(BaseModel):
    doc_id: str = Field(min_length=1, max_length=64)


def _current(service: Service, before: dict[str, Any]) -> Lexicon:
    """The lexicon a change starts from: the stored one, or the deployment's file before the first edit."""
    stored = Overlay.model_validate(before).lexicon
    return Lexicon.model_validate(stored) if stored is not None else service.safety.lexicon


def _lexicon_change(service: Service, edit) -> Change:
    """`edit(lexicon) → (summary, lexicon)` as an overlay change."""
    def change(_version: int, before: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        summary, lexicon = edit(_current(service, before))
        now = Overlay.model_validate(before)
        now.lexicon = lexicon.model_dump()
        return "lexicon", summary, now.model_dump()

    return change


def add_change(service: Service, body: TermIn) -> Change:
    def edit(lexicon: Lexicon) -> tuple[str, Lexicon]:
        if body.action == "allow":
            if body.term in lexicon.allow:
                raise Conflict(f"'{body.term}' is on the allow-list already")
            return f"白名单：“{body.term}”", lexicon.merged([], [body.term])
        term = Term(term=body.term, category=body.category, action=body.action)
        if term in lexicon.terms:
            raise Conflict(f"'{body.term}' is in the lexicon already")
        return f"敏感词“{term.term}”（{term.category}，{ACTION_LABELS[term.action]}）", lexicon.merged([term], [])

    return _lexicon_change(service, edit)


def import_change(service: Service, body: ImportIn) -> Change:
    terms, allow = parse(body.text)  # InvalidLexicon (422) before anything is stored
    if not terms and not allow:
        raise NotFound("the import holds no term")

    def edit(lexicon: Lexicon) -> tuple[str, Lexicon]:
        return f"导入敏感词 {len(terms)} 个、白名单 {len(allow)} 个", lexicon.merged(terms, allow)

    return _lexicon_change(service, edit)


def remove_change(service: Service, body: TermRef) -> Change:
    def edit(lexicon: Lexicon) -> tuple[str, Lexicon]:
        if not lexicon.has(body.term):
            raise NotFound(f"'{body.term}' is not in the lexicon")
        return f"删除“{body.term}”", lexicon.without(body.term)

    return _lexicon_change(service, edit)


def toggle_change(service: Service, body: ToggleIn) -> Change:
    def edit(lexicon: Lexicon) -> tuple[str, Lexicon]:
        if not any(t.term == body.term for t in lexicon.terms):
            raise NotFound(f"'{body.term}' is not a term of the lexicon")
        return f"{'启用' if body.enabled else '停用'}“{body.term}”", lexicon.toggled(body.term, body.enabled)

    return _lexicon_change(service, edit)


def approve_change(service: Service, body: ApproveIn) -> Change:
    """Approve a held document as it is now (a changed text is held again)."""
    doc = service.deps.documents.get(body.doc_id)
    if doc is None:
        raise NotFound(f"no document with id '{body.doc_id}'")
    if body.doc_id not in service.held:
        raise Conflict(f"document '{body.doc_id}' is not held for review")

    def change(_version: int, before: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        now = Overlay.model_validate(before)
        now.approved[body.doc_id] = fingerprint(doc.text)
        return "approve", f"审核通过文件 {body.doc_id}", now.model_dump()

    return change


def _review(service: Service) -> list[dict[str, Any]]:
    """The documents held for review: id, title, the terms found, whether search leaves them out."""
    hold = service.settings.lexicon_hold_documents
    return [{"doc_id": doc_id, "title": service.deps.documents[doc_id].title, "terms": terms, "out_of_search": hold}
            for doc_id, terms in sorted(service.held.items())]


def lexicon_view(service: Service) -> dict[str, Any]:
    lexicon = service.safety.lexicon
    return {"enabled": service.settings.lexicon_enabled, "terms": [t.model_dump() for t in lexicon.terms],
            "allow": list(lexicon.allow), "review": _review(service)}
