"""Ranks the catalogue's intents for a reading: slot fit (what the ask names, or may take from the dialogue),
cue phrases, and similarity of the delexicalised ask to each intent's delexicalised example questions
(character 1–3-gram TF-IDF, nearest examples). The weights are chosen on the dev split (docs/EVAL.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from assistant.understanding.reading import Reader, Reading, phrases
from retrieval.catalog import Catalog, IntentSpec
from retrieval.embedding_cache import LruCache
from retrieval.gazetteer import PEOPLE
from retrieval.normalize import fold_words
from retrieval.tfidf import CharTfidf

# Slot fit is mostly a gate (a needed slot nobody supplies rules an intent out); among the intents an ask
# can fill, cues and similarity decide.
_NEED = 0.4
# Kinds of names whose mention an intent should use; terms, sections and problems are ordinary words as well
_NAMED = {"chain", "leader", "person", "liaison", "department", "action", "mechanism", "event", "outlet", "document",
          "city", "division"}
_WEAK = 0.1  # a topic (the ask's own words) is almost always there: needing one says little
_TITLES = frozenset({"document", "event", "section", "outlet"})  # names whose words ask nothing
_OWN_TOPIC = 4  # an ask with this many words of its own ("四大基地分别四个") is more than "确定吗"
# What a typed pronoun may stand for ("它", "这些" stand for anything and say nothing of the intent).
REFERS = {"person": PEOPLE, "unit": ("department",), "division": ("division",), "chain": ("chain",),
          "event": ("event",), "document": ("document",)}


@dataclass(frozen=True)
class Weights:
    slot: float = 1.0
    cue: float = 1.1
    similarity: float = 2.5
    inherited: float = 0.5  # a needed slot the dialogue supplies
    missing: float = -2.0  # per needed slot nobody supplies
    unused: float = -0.8  # per kind of entity the ask names that the intent does not use
    avoid: float = -1.2
    no_cue: float = -1.5  # an intent that requires a cue, without one
    continuity: float = 0.3  # a follow-up naming nothing new leans towards the previous question's intent
    pronoun: float = 0.6  # a typed pronoun ("他", "该部门") is an entity too: the intent should have its slot
    facets: float = 1.5  # per facet beyond the first: "链长和联络员各是谁" asks several columns of one row
    # a slot taken from the dialogue by an ask with words of its own, no cue of the intent and no word that
    # refers back ("四大基地分别是哪四个" after a chain's answer asks about something else)
    uncued_inherit: float = -0.6
    other_kind: float = -1.0  # the ask wants a unit, the intent's answers name people (or the reverse)


@dataclass(frozen=True)
class Ranked:
    intent: IntentSpec
    score: float
    slots: float
    cues: float
    similarity: float
    inherits: tuple[str, ...]  # needed slot kinds to take from the dialogue


class IntentRanker:
    def __init__(self, catalog: Catalog, reader: Reader, weights: Weights | None = None) -> None:
        self.catalog = catalog
        self.w = weights or Weights()
        self._cues = {i.name: phrases(i.cues) for i in catalog.intents}
        self._avoid = {i.name: phrases(i.avoid) for i in catalog.intents}
        self._facet_cues = {i.name: _facet_cues(i) for i in catalog.intents}
        self._intents = {i.name: i for i in catalog.intents}
        self._reader = reader
        self._kinds = {i.name: frozenset(i.slot_kinds()) for i in catalog.intents}
        # the kinds an ask's entities are used by: a leader slot takes a person too
        self._used = {n: k | ({"person"} if "leader" in k else set()) for n, k in self._kinds.items()}
        examples = [(i.name, reader.read(e).delex) for i in catalog.intents for e in i.examples]
        self._labels = np.array([name for name, _ in examples])
        self._tfidf = CharTfidf(ngram_range=(1, 3), sublinear_tf=True)
        self._matrix = self._tfidf.fit_transform([text for _, text in examples])
        self._rows = {i.name: np.flatnonzero(self._labels == i.name) for i in catalog.intents}
        # many asks share a delexicalised form ("<chain>这条链谁是链长"); transforming one short text
        # cost more than the rest of a table answer
        self._similar = LruCache(4096)

    def similarities(self, reading: Reading) -> dict[str, float]:
        """Per intent: the mean cosine of the ask to its two nearest example questions."""
        known = self._similar.get(reading.delex)
        if known is not None:
            return dict(known)
        sims = (self._matrix @ self._tfidf.transform([reading.delex]).T).toarray().ravel()
        out = {}
        for intent in self.catalog.intents:
            top = np.sort(sims[self._rows[intent.name]])[-2:]
            out[intent.name] = float(top.mean()) if top.size else 0.0
        self._similar.put(reading.delex, out)
        return dict(out)

    def facets(self, intent: IntentSpec, folded: str) -> set[str]:
        """`facets_of`, with the facet cues of the catalogue's own intents sorted once, not per ask."""
        own = self._intents.get(intent.name) is intent
        return _facets_in(self._facet_cues[intent.name] if own else _facet_cues(intent), folded)

    def rank(self, reading: Reading, available: set[str], previous: str | None = None) -> list[Ranked]:
        """Every intent, best first. `available`: slot kinds the dialogue could supply to a follow-up;
        `previous`: the intent of the question it follows."""
        sims = self.similarities(reading)
        ranked = []
        text = self._reader.without_pointers(reading.folded)  # "这几条链": no cue 几条
        titled = _blanked(text, reading, _TITLES)  # "<省>链长制方案" is a document's name: it asks for no 链长
        for intent in self.catalog.intents:
            matches = list(self._cues[intent.name].finditer(text))  # one search for both uses
            slots, inherits = self._slot_fit(intent, reading, available, matches)
            cues = self._cue_score(intent, reading, matches)
            score = self.w.slot * slots + self.w.cue * cues + self.w.similarity * sims[intent.name]
            score += self.w.continuity if intent.name == previous else 0.0
            score += self.w.pronoun * _pronoun_fit(self._kinds[intent.name], reading)
            if intent.gives and _asks_other_kind(intent, reading):
                score += self.w.other_kind
            if inherits and not matches and intent.name != previous and not reading.follow_up and not reading.pronouns \
                    and len(reading.topic) >= _OWN_TOPIC:
                score += self.w.uncued_inherit
            facet_cues = self._facet_cues[intent.name]
            if facet_cues:  # (not a cue inside a word the intent avoids: the 链长 of 总链长 asks no column)
                plain = self._avoid[intent.name].sub(" ", titled) if intent.avoid else titled
                score += self.w.facets * max(0, len(_facets_in(facet_cues, plain)) - 1)
            ranked.append(Ranked(intent, round(score, 4), slots, cues, sims[intent.name], inherits))
        return sorted(ranked, key=lambda r: -r.score)

    def _slot_fit(self, intent: IntentSpec, reading: Reading, available: set[str],
                  matches: list[re.Match]) -> tuple[float, tuple[str, ...]]:
        score, inherits = 0.0, []
        for kind in intent.needs:
            if reading.has(kind):
                score += _WEAK if kind == "topic" else _NEED
            elif kind in available:
                score += self.w.inherited
                inherits.append(kind)
            else:
                score += self.w.missing
        if intent.needs_any:
            if any(reading.has(k) for k in intent.needs_any):
                score += _NEED
            elif inherit := next((k for k in intent.needs_any if k in available), None):
                score += self.w.inherited
                inherits.append(inherit)
            else:
                score += self.w.missing
        if not intent.needs and not intent.needs_any:
            score += _NEED  # nothing required is as good as everything supplied
        score += 0.1 * sum(reading.has(k) for k in intent.uses)
        score += self.w.unused * len(self._unused(intent, reading, matches))
        return score, tuple(inherits)

    def _unused(self, intent: IntentSpec, reading: Reading, matches: list[re.Match]) -> set[str]:
        """Kinds of entity the ask names that the intent has no slot for, unless its cues cover them
        (牵头部门 is a glossary term and a cue of lead_department)."""
        if not reading.mentions:
            return set()
        cue_spans = [m.span() for m in matches]
        kinds = self._used[intent.name]
        out: set[str] = set()
        # a name read as several kinds (郭涛: a person and a liaison) is used when one of its readings is
        used = {(m.start, m.end) for m in reading.mentions if m.kind in kinds and m.kind in PEOPLE}
        checked = {(m.start, m.end) for m in reading.checked}  # "是X吗": compared with the answer, not used
        for mention in reading.mentions:
            if mention.kind not in _NAMED or mention.kind in kinds or (mention.kind == "leader" and "person" in kinds):
                continue
            if (mention.start, mention.end) in checked:
                continue
            if mention.kind in PEOPLE and (mention.start, mention.end) in used:
                continue
            if not any(_covers(s, e, mention) for s, e in cue_spans):
                out.add(mention.kind)
        return out

    def _cue_score(self, intent: IntentSpec, reading: Reading, matches: list[re.Match]) -> float:
        hits = {m.group() for m in matches}
        score = min(2.0, sum(min(1.0, 0.25 + 0.2 * len(h)) for h in hits))
        if intent.requires_cue and not hits:
            score += self.w.no_cue
        avoid = self._avoid[intent.name]  # (masking only when there is a word to avoid at all: a hot path)
        if avoid.search(reading.folded) and avoid.search(_masked(reading, self._kinds[intent.name])):
            score += self.w.avoid
        return score


def _asks_other_kind(intent: IntentSpec, reading: Reading) -> bool:
    """Does the ask want only names of a kind (person, unit) the intent's answers do not give?"""
    wanted = {t for t in reading.answer_types if t in ("person", "unit")}
    return bool(wanted) and not wanted & set(intent.gives)


def _blanked(text: str, reading: Reading, kinds: frozenset[str]) -> str:
    """`text` with the mentions of `kinds` blanked, same length."""
    for m in reading.mentions:
        if m.kind in kinds:
            text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


def _masked(reading: Reading, kinds: frozenset[str]) -> str:
    """The ask with the names of the kinds an intent uses blanked: a word to avoid inside one ("目标" in the
    section 主要目标 the outline is asked for) says nothing against it."""
    text = list(reading.folded)
    for m in reading.mentions:
        if m.kind in kinds:
            text[m.start : m.end] = " " * (m.end - m.start)
    return "".join(text)


def without_cues(intent: IntentSpec | None, text: str, also: Iterable[str] = ()) -> str:
    """The ask's text without its intent's cue phrases (and any `also`), longest first: what is asked about
    once the words that only say how it is asked ("提到", "说了", "哪个部门") are gone."""
    for cue in sorted([*(intent.cues if intent else []), *also], key=len, reverse=True):
        text = text.replace(fold_words(cue), "")
    return text


def facets_of(intent: IntentSpec, folded: str) -> set[str]:
    """The facets whose cues occur in the ask, longest cue first: "主题发言" cues 主题发言人, not also 发言人."""
    return _facets_in(_facet_cues(intent), folded)


def _facet_cues(intent: IntentSpec) -> list[tuple[str, str]]:
    return sorted(((fold_words(c), f) for f, cs in intent.facets.items() for c in cs if c), key=lambda x: -len(x[0]))


def _facets_in(cues: list[tuple[str, str]], folded: str) -> set[str]:
    taken = [False] * len(folded)
    out: set[str] = set()
    for cue, facet in cues:
        start = folded.find(cue)
        while start >= 0:
            if not any(taken[start : start + len(cue)]):
                out.add(facet)
                taken[start : start + len(cue)] = [True] * len(cue)
            start = folded.find(cue, start + 1)
    return out


def _pronoun_fit(kinds: frozenset[str], reading: Reading) -> int:
    """+1 when one of the ask's typed pronouns refers to a kind the intent has a slot for, -1 when it has
    typed pronouns and none does, 0 without typed pronouns."""
    typed = [REFERS[p] for p in reading.pronouns if p in REFERS]
    if not typed:
        return 0
    return 1 if any(kinds.intersection(refers) for refers in typed) else -1


def _covers(start: int, end: int, mention) -> bool:
    """A cue covers an entity it spans at least half of ("牵头部门" the term; not "行动" in an action's name)."""
    shared = min(end, mention.end) - max(start, mention.start)
    return shared > 0 and 2 * shared >= mention.end - mention.start
