"""Multi-turn: fills what a follow-up leaves out ("那它的牵头部门呢？", "湖南呢？") from earlier turns."""

from __future__ import annotations

import re

from assistant.answer import Turn
from assistant.offline.intent import Understanding, understand
from retrieval.gazetteer import Gazetteer

_SLOT_INTENTS = ("lead_dept", "liaison", "leader", "duties", "problem", "action", "term", "list", "general", "document")
_FOLLOW_UP = re.compile(r"^(那|那么|还有|和|跟|与|and|what about|how about)|呢[?？]?$|呢$|对应|一样吗")


def context_text(u: Understanding, history: list[Turn]) -> str:
    """The last exchange, for a follow-up whose own words are too few to search with."""
    if not history or not (_FOLLOW_UP.search(u.text) or u.pronoun or len(u.text) <= 14):
        return ""
    return " ".join(t.content for t in history[-2:])


def resolve(u: Understanding, history: list[Turn], gazetteer: Gazetteer) -> Understanding:
    """Carry province, entities and intent over from the most recent turns that have them."""
    if not history:
        return u
    previous = [understand(t.content, gazetteer) for t in reversed(history) if t.role in ("user", "assistant")]
    last_user = next((understand(t.content, gazetteer) for t in reversed(history) if t.role == "user"), None)
    entity_kinds = ("chain", "leader", "department", "action", "term")
    has_entity = any(u.of(k) for k in entity_kinds)
    follow_up = bool(_FOLLOW_UP.search(u.text)) or u.pronoun or len(u.text) <= 12
    if not follow_up and has_entity:
        return u
    slot_without_subject = not u.of("chain") and not u.of("leader") and (u.has("liaison") or u.has("lead_dept"))
    if u.pronoun or not has_entity or slot_without_subject:
        _carry_entities(u, previous, last_user)
    if last_user and (not _specific(u) or (follow_up and not has_entity and u.provinces)):
        u.intents = u.intents + [i for i in last_user.intents if i not in u.intents]
        u.world_class = u.world_class or (last_user.world_class and not u.provinces)
    if not u.provinces:
        u.provinces = next((p.provinces for p in previous if p.provinces), [])
    return u


def _specific(u: Understanding) -> bool:
    return any(u.has(i) for i in _SLOT_INTENTS)


def _carry_entities(u: Understanding, previous: list[Understanding], last_user: Understanding | None) -> None:
    wants_leader = bool(re.search(r"他|她|这位|\bhe\b|\bshe\b", u.text))
    wants_dept = bool(re.search(r"这个部门|该部门|这个单位|该单位|这个厅", u.text))
    order = previous
    if last_user is not None and not (wants_leader or wants_dept):
        order = [last_user, *previous]
    kinds = ("chain", "leader", "department", "action", "term")
    if wants_leader:
        kinds = ("leader",)
    elif wants_dept:
        kinds = ("department",)
    for p in order:
        carried = [m for m in p.mentions if m.kind in kinds]
        if carried:
            u.mentions = u.mentions + carried
            return

