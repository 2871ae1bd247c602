"""Dialogue state for a stateless API: the client's history is read turn by turn into frames (intent +
resolved slots + the entities each answer named). A new ask takes what it lacks from the latest compatible
frame: explicit entities and complete questions always win; pronouns resolve by type (他 → a person,
该部门 → a unit, 这条链 → a chain, 这些 → the last list); "那X省呢" keeps the intent and swaps the province,
moving a chain to its counterpart there."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Citation, own_words
from assistant.understanding.intents import REFERS, IntentRanker, Ranked
from assistant.understanding.reading import Reader, Reading
from retrieval.catalog import IntentSpec
from retrieval.gazetteer import PEOPLE, Gazetteer, Mention
from retrieval.normalize import fold_words
from retrieval.overlap import grams, overlap
from retrieval.registry import Tables

_SHORT_TOPIC = 4
_SHORT_ELLIPSIS = 6  # own words an elliptical follow-up may still have ("那牵头部门呢")
_NAMEABLE = {"person", "leader", "liaison", "department", "division"}  # what a "是X吗" check names
_SHORT_CONFIRMATION = 4  # "是他吗", "确定是X吗": what is left without the name and the question words
_PERSONISH = set(PEOPLE)


@dataclass
class Frame:
    intent: IntentSpec | None
    slots: dict[str, list[Mention]]
    provinces: list[str]
    reading: Reading
    named: list[Mention] = field(default_factory=list)  # entities the answer to this ask named, in order
    score: float = 0.0
    facets: set[str] = field(default_factory=set)  # which of the intent's facets the ask cues (文号, 日期 …)
    answer: str = ""  # the text of the answer to this ask (what "还" asks for more than)
    cited: Citation | None = None  # where its answer stands ("在哪部分？" after it asks that)

    def keys(self, kind: str) -> list[str]:
        return list(dict.fromkeys(m.key for m in self.slots.get(kind, [])))

    def values(self, kind: str) -> list[Mention]:
        return self.slots.get(kind) or [m for m in self.named if m.kind == kind]


@dataclass
class Dialogue:
    frames: list[Frame] = field(default_factory=list)

    def available(self) -> set[str]:
        kinds: set[str] = set()
        for f in self.frames[-3:]:
            kinds |= {k for k, v in f.slots.items() if v} | {m.kind for m in f.named}
            kinds |= {"province"} if f.provinces else set()  # "这个方案管哪几年" after a question about one province
        if kinds & _PERSONISH:
            kinds |= _PERSONISH
        if self.frames and self.frames[-1].reading.topic:
            kinds.add("topic")
        return kinds

    def latest(self, kinds: tuple[str, ...], said_first: bool = False) -> list[Mention]:
        """The latest mentions of one of `kinds`. `said_first`: what an answer named comes before what its
        question took from earlier turns ("他" after "…由郭涛回答" is 郭涛, not the person asked about before)."""
        for f in reversed(self.frames):
            if said_first:
                said = next((ms for kind in kinds if (ms := [m for m in f.named if m.kind == kind])), [])
                if said:
                    return said
            for kind in kinds:
                found = f.values(kind)
                if found:
                    return found
        return []

    @property
    def last(self) -> Frame | None:
        return self.frames[-1] if self.frames else None


def _own_words(reading: Reading, measures: frozenset[str], swapped: tuple[str, ...] = ()) -> str:
    """The ask's topic without the places it names: "随州呢" has none, like "<省>呢", and "船舶那条呢" has
    only the measure word its pronoun leaves. `swapped`: more kinds that stand in for the last ask's."""
    topic = reading.topic
    swaps = [m for k in ("city", "problem", *swapped) for m in reading.slots.get(k, [])]
    for m in swaps:  # "融资方面呢" after 用地
        topic = topic.replace(reading.folded[m.start : m.end], "")
    return "" if topic in measures else topic


def _swap(reading: Reading, last: Frame, kind: str) -> None:
    """"随州呢" after "十堰主要发展什么": the last question, about the city (or term) now named."""
    new = [reading.folded[m.start : m.end] for m in reading.slots.get(kind, [])]
    old = [last.reading.folded[m.start : m.end] for m in last.reading.slots.get(kind, [])]
    if len(new) == 1 and len(old) == 1 and new != old:
        reading.topic = last.reading.topic.replace(old[0], new[0])
        reading.content = last.reading.content.replace(old[0], new[0])


def _group(dialogue: Dialogue, wanted: tuple[str, ...]) -> list[Mention]:
    """"这两条链": what the last answer named of a kind, or, when it named one only, that one and the one the
    answer before it named ("软件…链长是谁" / "工业互联网呢" / "这两条链的牵头部门")."""
    named = [[m for m in f.named if m.kind in wanted] for f in reversed(dialogue.frames[-2:])]
    if not named or not named[0]:
        return []
    if len({m.key for m in named[0]}) > 1 or len(named) < 2:
        return named[0]
    return [*named[0], *(m for m in named[1] if m.key not in {x.key for x in named[0]})]


def _repeats(frame: Frame, last: Frame) -> bool:
    """The same intent over the same entities, asking the same facets, as the last frame ("现在还有效吗" after
    the date of a document asks another facet of it)."""
    def keys(f: Frame) -> dict[str, set[str]]:
        return {k: {m.key for m in v} for k, v in f.slots.items() if v and k != "term"}
    return frame.intent is not None and frame.intent is last.intent and keys(frame) == keys(last) \
        and frame.facets == last.facets


class Resolver:
    """Turns readings into frames against the dialogue so far."""

    def __init__(self, tables: Tables, gazetteer: Gazetteer, reader: Reader, ranker: IntentRanker) -> None:
        self.tables, self.gazetteer, self.reader, self.ranker = tables, gazetteer, reader, ranker
        self.threshold = tables.catalog.threshold
        self._measures = frozenset(m for m in tables.catalog.markers.ordinal_measures if len(m) == 1)
        # terms that are also what an intent asks for (联络员, 链长, 牵头部门): "联络员是谁？" names no subject
        self._asked_terms = {fold_words(c) for i in tables.catalog.intents for c in i.cues}

    def history(self, turns: list[tuple[str, str]]) -> Dialogue:
        """Frames of the earlier turns ((role, content) pairs, oldest first)."""
        dialogue = Dialogue()
        for role, content in turns:
            if role == "user":
                for ask in content.splitlines() or [content]:
                    if ask.strip():
                        dialogue.frames.append(self.resolve(self.reader.read(ask), dialogue))
            elif role == "assistant" and dialogue.frames:
                # what the answer said in its own words: a quoted table row names the chain's leader too,
                # but "他" after "联络员是刘海军" is 刘海军
                named = [m for m in self.gazetteer.scan(own_words(content))
                         if m.kind not in ("province", "city", "region")]
                dialogue.frames[-1].named = named
                dialogue.frames[-1].answer = content
        return dialogue

    def resolve(self, reading: Reading, dialogue: Dialogue) -> Frame:
        return self.candidates(reading, dialogue)[0]

    def candidates(self, reading: Reading, dialogue: Dialogue, limit: int = 3) -> list[Frame]:
        """The frames this ask may mean, best first: an answerer that cannot answer hands over to the next.
        The first has intent None when no intent reaches the threshold."""
        confirm = self._confirms(reading, dialogue)
        follow = confirm or self._leans_on(reading, dialogue)
        last = dialogue.last
        previous = last.intent if follow and last is not None else None
        ranked = self.ranker.rank(reading, dialogue.available() if follow else set(),
                                  previous=previous.name if previous and not reading.strong_kinds else None)
        if not follow and dialogue.frames and ranked[0].score < _WEAK_READING:
            # "省发改委来的是谁" after the press conference: read alone it says little; with the dialogue's
            # event it is a clear question, so it leans on the dialogue after all
            leaning = self.ranker.rank(reading, dialogue.available())
            if leaning[0].score >= _LEANING * ranked[0].score and leaning[0].inherits:
                follow, ranked = True, leaning
        # "<省>那边军民融合办也牵头链吗" has a cue of its own: it checks no name against the last answer
        confirm = confirm and (ranked[0].cues <= 0.5 or previous is None or ranked[0].intent.name == previous.name)
        if previous is not None and (confirm or self._elliptical(reading, ranked[0]) or self._facet_of(previous, reading)):
            again = next(r for r in ranked if r.intent.name == previous.name)
            needed: tuple[str, ...] = tuple(k for k in previous.needs if not reading.has(k))
            if previous.needs_any and not any(reading.has(k) for k in previous.needs_any):
                needed += tuple(previous.needs_any[:1])
            swapped = ("term",) if self._swaps_term(reading, last) else ()
            bare = not _own_words(reading, self._measures, swapped) and self._elliptical(reading, ranked[0])
            # "那<省>呢" asks the last question again, or nothing: no other intent, whatever its own cues;
            # "还有呢" asks it again about everything it named (the speaker, the section …)
            if bare and reading.again and last is not None:
                needed += tuple(k for k, v in last.slots.items() if v and k not in needed and not reading.has(k))
                reading.topic, reading.content = last.reading.topic, last.reading.content  # "还有呢" has none
            if bare and last is not None:
                for kind in ("city", *swapped):
                    _swap(reading, last, kind)
                reading.extra["bare"] = "1"  # "那<省>呢": the last question again, what it asked of its subject too
                if not reading.topic:
                    reading.topic, reading.content = last.reading.topic, last.reading.content
            score = max(again.score, ranked[0].score, self.threshold if bare else -1.0)
            ranked = [Ranked(previous, score, again.slots, again.cues, again.similarity, needed), *ranked]
            if bare:
                ranked = ranked[:1]
        chosen: list[Ranked] = []
        for r in ranked:
            if r.score >= self.threshold and all(c.intent.name != r.intent.name for c in chosen):
                chosen.append(r)
        frames = [self._frame(r, reading, dialogue, follow) for r in chosen[:limit + 1]]
        if reading.another and last is not None:
            # "他另外那条是什么": asking again what the last answer said is not asking for *another* one
            frames.sort(key=lambda f: _repeats(f, last))
        _referent_first(frames, reading)
        return frames[:limit] or [self._frame(None, reading, dialogue, follow)]

    def _frame(self, top: Ranked | None, reading: Reading, dialogue: Dialogue, follow: bool) -> Frame:
        intent = top.intent if top is not None else None
        slots = {k: list(v) for k, v in reading.slots.items()}
        if follow and top is not None:
            self._inherit(slots, top, reading, dialogue)
            last = dialogue.last
            # "这个数在全国排第几" after a figure: the thing it points at is the last question's
            points_back = last is not None and "thing" in reading.pronouns and last.intent is top.intent
            if ("topic" in top.intent.needs and last is not None and (len(reading.topic) < _SHORT_TOPIC or points_back)
                    and "merged" not in reading.extra):
                reading.topic = last.reading.topic + reading.topic  # "传统的是哪几条？" after 孝感的新兴产业链
                reading.extra["merged"] = "topic"
        if follow and dialogue.last is not None:
            self._stay_in_city(reading, slots, dialogue.last)
        provinces = self._provinces(reading, dialogue if follow else None, slots) or _settled(slots, dialogue)
        if follow and dialogue.last is not None:
            self._move_to(provinces, slots, dialogue.last)
            self._other_chain(reading, slots)
        if top is not None:
            self._leader_of_named_chain(reading, slots, top.intent, provinces)
        facets = self.ranker.facets(intent, reading.folded) if intent else set()
        last = dialogue.last
        if "bare" in reading.extra and last is not None and intent is last.intent:
            facets |= last.facets
        return Frame(intent, slots, provinces, reading, score=top.score if top else 0.0, facets=facets)

    def _leans_on(self, reading: Reading, dialogue: Dialogue) -> bool:
        """May this ask take slots from the dialogue? Only a follow-up: a pronoun, a follow-up word, or an ask
        that names no entity. A complete new question never does."""
        if not dialogue.frames:
            return False
        strong = reading.strong_kinds
        if "term" in strong and all(reading.folded[m.start : m.end] in self._asked_terms
                                    for m in reading.slots.get("term", [])):
            strong = strong - {"term"}
        return bool(reading.pronouns) or reading.follow_up or not strong

    def _confirms(self, reading: Reading, dialogue: Dialogue) -> bool:
        """"是肖菊华吗？" after "光通信链长是谁": a yes/no check of a name against the last answer asks the last
        question again (its answer says who it is)."""
        last = dialogue.last
        if last is None or last.intent is None or "yesno" not in reading.answer_types:
            return False
        names = {m.kind for m in reading.mentions if m.kind not in ("province", "city", "region")}
        return bool(names) and names <= _NAMEABLE and len(reading.topic) <= _SHORT_CONFIRMATION

    def _swaps_term(self, reading: Reading, last: Frame | None) -> bool:
        """"单项冠军呢" after "小巨人多少家": a term in place of the last ask's, asked the same way; not a term
        an intent asks for ("链长呢" after the lead department asks for the leader)."""
        terms = reading.slots.get("term", [])
        if last is None or not terms or not last.reading.slots.get("term") or not reading.follow_up:
            return False
        return all(reading.folded[m.start : m.end] not in self._asked_terms for m in terms)

    def _elliptical(self, reading: Reading, top: Ranked) -> bool:
        """"那X省呢", "光通信呢": no cue of its own, so the previous question is asked again."""
        own = _own_words(reading, self._measures)
        # a later ask of the same message with words enough of its own ("另外企业反映的问题怎么闭环处理") is a new
        # question, however weakly it ranks
        later = "later" in reading.extra and len(own) > _SHORT_ELLIPSIS and not own.isascii()  # (characters, not letters)
        return top.cues <= 0.5 and (not own or (top.score < self.threshold + 1.0 and not later))

    def _facet_of(self, intent: IntentSpec, reading: Reading) -> bool:
        """"哪家媒体？" after a question about a document's date asks another facet of the same thing."""
        if reading.strong_kinds:
            return False
        return bool(self.ranker.facets(intent, reading.folded))

    def _inherit(self, slots: dict[str, list[Mention]], top: Ranked, reading: Reading, dialogue: Dialogue) -> None:
        for kind in top.inherits:
            if kind == "topic":
                if dialogue.last is not None and not reading.has("topic"):
                    reading.topic = dialogue.last.reading.topic
                continue
            wanted = (kind, *sorted(_PERSONISH - {kind})) if kind in _PERSONISH else (kind,)
            found = _group(dialogue, wanted) if "group" in reading.pronouns else []
            found = found or dialogue.latest(wanted, said_first=kind in _PERSONISH and "person" in reading.pronouns)
            if kind in _PERSONISH and "person" in reading.pronouns:
                found = self._described(found, reading)
            if found:
                slots[kind] = found
        self._refer(slots, top, reading, dialogue)

    def _described(self, found: list[Mention], reading: Reading) -> list[Mention]:
        """"<市>那位副市长" of the several people the last answer named: those whose post and unit the ask's
        words describe best (all of them when it describes none)."""
        names = list(dict.fromkeys(m.key for m in found))
        if len(names) < 2:
            return found
        asked = grams(reading.folded)
        posts = {p.name: p.post + p.org for p in self.tables.facts.people if p.name in names}
        score = {n: overlap(asked, posts.get(n, "")) for n in names}
        best = max(score.values())
        return [m for m in found if score[m.key] == best] if best > 0 and list(score.values()).count(best) < len(names) else found

    def _refer(self, slots: dict[str, list[Mention]], top: Ranked, reading: Reading, dialogue: Dialogue) -> None:
        """A pronoun fills the slot of its type even when the intent only uses it ("他还提到了哪条走廊？": the
        speaker the last answer named)."""
        kinds = top.intent.slot_kinds()
        for pronoun, refers in REFERS.items():
            open_kinds = [k for k in refers if k in kinds and not slots.get(k)]
            if pronoun not in reading.pronouns or not open_kinds or any(slots.get(k) for k in refers):
                continue
            found = dialogue.latest(refers, said_first=True)  # the latest one it may stand for, whatever its kind
            found = self._described(found, reading) if pronoun == "person" else found
            if found:
                slots[open_kinds[0]] = found
        if "thing" in reading.pronouns and not any(slots.get(k) for k in _THINGS):
            # "那它的联络员也是蔡小勇吗" after 大数据链: 它 is the last chain, unit, action or mechanism named
            found = dialogue.latest(_THINGS)
            if found and found[0].kind in kinds:
                slots[found[0].kind] = found

    def _provinces(self, reading: Reading, dialogue: Dialogue | None, slots: dict[str, list[Mention]]) -> list[str]:
        if reading.provinces:
            return list(reading.provinces)
        weak = reading.implied_by == "department" and dialogue is not None and dialogue.last is not None \
            and bool(dialogue.last.provinces)  # 卫健委 is printed in one province's documents, not only its
        if reading.implied and not weak:
            return list(reading.implied)
        cities = {m.province for m in slots.get("city", []) if m.province}
        if cities:  # the province of the city the ask stays in (a problem word is printed in both tables)
            return sorted(cities)
        inherited = {m.province for k, ms in slots.items() if k not in ("term", "problem") for m in ms if m.province}
        if len(inherited) == 1:
            return list(inherited)
        if dialogue is not None and dialogue.last is not None and dialogue.last.provinces:
            return list(dialogue.last.provinces)
        # a term's province is where the glossary found it, weaker than the dialogue's: 单项冠军 is said in both
        terms = {m.province for m in slots.get("term", []) if m.province}
        return list(terms) if len(terms) == 1 else []

    def _stay_in_city(self, reading: Reading, slots: dict[str, list[Mention]], last: Frame) -> None:
        """"新兴的那5条是哪些" after 孝感's chains is still about 孝感, unless it names a place or anyone else."""
        cities = last.slots.get("city")
        if not cities or reading.provinces or slots.get("city") or reading.strong_kinds - {"term", "problem"}:
            return
        slots["city"] = list(cities)
        if "city" not in reading.extra:
            reading.content = "".join(last.reading.folded[m.start : m.end] for m in cities) + reading.content
            reading.extra["city"] = "inherited"

    def _move_to(self, provinces: list[str], slots: dict[str, list[Mention]], last: Frame) -> None:
        """A follow-up naming another province asks about that province's counterpart of the last chain, and
        of the last section (its own section of that name, or none: "主要目标" is a heading of one scheme only)."""
        if len(provinces) != 1:
            return
        target = provinces[0]
        if slots.get("section") and all(m.province != target for m in slots["section"]):
            slots["section"] = [m for m in slots["section"] if m.province == target]
        if not slots.get("chain"):
            return
        moved = [c for m in slots["chain"] for c in counterparts(self.tables, self.gazetteer, m, target)]
        if moved and all(m.province != target for m in slots["chain"]):
            slots["chain"] = moved


    def _leader_of_named_chain(self, reading: Reading, slots: dict[str, list[Mention]], intent: IntentSpec,
                               provinces: list[str]) -> None:
        """"回到第一个，他除了汽车还管哪条链": 他 is the leader of the chain the ask names, whoever the dialogue
        named last ("船舶是不是也由他负责" checks the one it named: no)."""
        if "person" not in reading.pronouns or not reading.slots.get("chain") or reading.slots.get("leader") \
                or "leader" not in intent.slot_kinds() or "yesno" in reading.answer_types:
            return
        named = {(m.key, m.province) for m in reading.slots["chain"] if not provinces or m.province in provinces}
        leaders = {r.leader for r in self.tables.chains if (r.chain, r.province) in named and r.leader}
        found = [m for name in leaders for m in self.gazetteer.named(name, "leader")]
        if len(leaders) == 1 and found:
            slots["leader"] = found[:1]
            slots.pop("person", None)

    def _other_chain(self, reading: Reading, slots: dict[str, list[Mention]]) -> None:
        """"他名下另一条链是哪个部门牵头": the other chains of the leader of the chain the dialogue is about."""
        if not reading.another or reading.slots.get("chain") or not slots.get("chain") \
                or not reading.says(self.tables.catalog.markers.chain_nouns):
            return
        carried = {(m.key, m.province) for m in slots["chain"]}
        leaders = {(r.leader, r.province) for r in self.tables.chains if (r.chain, r.province) in carried}
        others = [r for r in self.tables.chains if (r.leader, r.province) in leaders and (r.chain, r.province) not in carried]
        found = [m for r in others for m in self.gazetteer.named(r.chain, "chain") if m.province == r.province]
        if found:
            slots["chain"] = list({m.key: m for m in found}.values())


def counterparts(tables: Tables, gazetteer: Gazetteer, chain: Mention, province: str) -> list[Mention]:
    """The chains of `province` that share a name or an alias with `chain`."""
    if chain.province == province:
        return [chain]
    names = [chain.key, chain.key.removesuffix("产业链"), *tables.chain_aliases.get(chain.province or "", {})
             .get(chain.key, [])]
    for name in names:
        found = [m for m in gazetteer.scan(name) if m.kind == "chain" and m.province == province]
        if found:
            return found[:1]
    return []


_WEAK_READING = 1.0  # a new question ranked under this may lean on the dialogue …
_LEANING = 2.5  # … when a reading that takes a slot from it ranks this many times higher
_THINGS = ("chain", "department", "action", "mechanism")  # what 它 / 这个 may stand for


def _settled(slots: dict[str, list[Mention]], dialogue: Dialogue) -> list[str]:
    """"这五大机制分别是什么" names a section both provinces' schemes have: the one of the province the
    dialogue is in, its namesake dropped."""
    last = dialogue.last
    named = {m.province for ms in slots.values() for m in ms if m.province}
    if last is None or len(last.provinces) != 1 or len(named) < 2 or last.provinces[0] not in named:
        return []
    for kind, ms in slots.items():
        slots[kind] = [m for m in ms if m.province in (None, last.provinces[0])]
    return list(last.provinces)


def _referent_first(frames: list[Frame], reading: Reading) -> None:
    """"它还要给有关部门提供什么" after an answer naming a unit: a reading whose pronoun stands for that unit goes
    before one that continues the last intent with nothing for the pronoun to stand for."""
    first = frames[0] if frames else None
    if reading.pronouns & {"thing", "unit"} and not reading.mentions and first is not None and first.intent \
            and not any(first.slots.values()) and "topic" not in first.intent.needs:
        frames.sort(key=lambda f: not f.slots.get("department"))
