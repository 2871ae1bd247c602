"""One ask, read: its language, the entities it names (by slot kind), the provinces it is about, pronouns
and follow-up markers, the kind of answer it asks for, its topic words, and a delexicalised form in which
every entity is replaced by its kind (for similarity to the intents' example questions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.understanding.language import Lang, detect
from retrieval.catalog import Catalog
from retrieval.gazetteer import Gazetteer, Mention
from retrieval.normalize import fold_words
from retrieval.registry import Tables

# entity kind → the slot kinds it can fill
_SLOTS = {"chain": ("chain",), "leader": ("leader", "person"), "person": ("person",), "liaison": ("liaison", "person"),
          "department": ("department",), "action": ("action",), "term": ("term",), "mechanism": ("mechanism",),
          "document": ("document",), "event": ("event",), "outlet": ("outlet",), "section": ("section",),
          "problem": ("problem",), "city": ("city",), "division": ("division",)}
# entity kind → the placeholder of the delexicalised text
_PLACEHOLDER = {"chain": "Ⓒ", "leader": "Ⓟ", "person": "Ⓟ", "liaison": "Ⓟ", "department": "Ⓓ", "action": "Ⓐ",
                "term": "Ⓣ", "mechanism": "Ⓜ", "document": "Ⓕ", "event": "Ⓔ", "outlet": "Ⓞ", "section": "Ⓢ",
                "province": "Ⓡ", "city": "Ⓡ", "region": "Ⓡ", "problem": "Ⓠ", "division": "Ⓥ"}
STRONG = ("chain", "leader", "person", "liaison", "department", "action", "term", "mechanism", "event", "outlet",
          "document", "section", "problem", "city", "division")
CHECKABLE = frozenset({"person", "leader", "liaison", "department", "province", "division"})  # what a "是X吗" check may name
_CHECK_GAP = 4
_DEMONSTRATIVES = ("这", "那", "它", "上面", "以上")  # the group pronouns that point ("分别是谁" asks as well)
_CLAUSE = re.compile(r"[^，,。；;！!？?.]+")  # "." too: an English sentence ends there
_SHORT = 8  # an ask this short (without its entities) that names nothing leans on the dialogue
_OPTION = re.compile(r"[\u4e00-\u9fff]{2,6}")  # a word a choice may offer


@dataclass
class Reading:
    text: str
    folded: str
    lang: Lang
    mentions: list[Mention]
    slots: dict[str, list[Mention]]
    provinces: list[str]  # named (or implied by a city): the ask is about these
    implied: list[str]  # implied by the entities named (a chain that exists in one province only …)
    implied_by: str  # the kind of entity that implies them ("department": only how its name is printed)
    regions: list[str]  # provinces the knowledge base does not cover
    pronouns: set[str]
    follow_up: bool
    again: bool
    another: bool
    answer_types: list[str]
    topic: str
    delex: str
    content: str = ""  # the ask without its question words and provinces, entities kept (for record search)
    all_provinces: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    # "…答问的是郭涛吗": the name the ask ends by checking; it is compared with the answer, not looked up
    checked: list[Mention] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # "副省长还是常委": the words a choice offers

    def keys(self, kind: str) -> list[str]:
        return list(dict.fromkeys(m.key for m in self.slots.get(kind, [])))

    def says(self, words: list[str]) -> bool:
        """Whether the ask contains one of these words (markers of knowledge/intents.yaml), folded as it is."""
        return any(fold_words(w) in self.folded for w in words)

    def has(self, kind: str) -> bool:
        if kind == "province":
            return bool(self.provinces or self.implied)
        return bool(self.slots.get(kind)) or (kind == "topic" and max(len(self.topic), len(self.content)) >= 2)

    @property
    def strong_kinds(self) -> set[str]:
        return {k for k in STRONG if self.slots.get(k)}

    def about(self) -> list[str]:
        """The provinces this ask is about: named ones first, else the ones its entities imply."""
        return self.provinces or self.implied


def phrases(words: list[str]) -> re.Pattern[str]:
    folded = sorted({fold_words(w) for w in words if w}, key=len, reverse=True)
    parts = [rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w) for w in folded]
    return re.compile("|".join(parts) or r"(?!)")


class Reader:
    """Reads asks against the gazetteer and the catalogue's markers; built once per service."""

    def __init__(self, tables: Tables, gazetteer: Gazetteer, document_texts: dict[str, str]) -> None:
        self.gazetteer = gazetteer
        catalog: Catalog = tables.catalog
        m = catalog.markers
        self._pronouns = {kind: phrases(words) for kind, words in m.pronouns.model_dump().items() if words}
        self._not_pronouns = phrases(m.not_pronouns)
        self._pointers = phrases([w for w in m.pronouns.group if w.startswith(_DEMONSTRATIVES)])
        self._follow_up = phrases(m.follow_up)
        self._again = phrases(m.again)
        self._another = phrases(m.another)
        self._both = phrases(m.both)
        self._types = {kind: phrases(words) for kind, words in catalog.answer_types.items()}
        self._yes_no_leads = {w.lower() for w in m.yes_no_leads}
        self._asking = phrases(catalog.question_words())
        self._stop = phrases(catalog.stopwords)
        pronouns = [w for words in m.pronouns.model_dump().values() for w in words]
        self._filler = phrases([*catalog.stopwords, *pronouns, *m.follow_up, *m.again])
        self._check_before = [fold_words(w) for w in m.check_before]
        self._choices = {fold_words(w) for w in m.choice}
        self._choice_words = sorted((w for w in self._choices if w.strip()), key=len, reverse=True)  # in one order
        self._check_after = sorted((fold_words(w) for w in m.check_after), key=len, reverse=True)
        opens = {fold_words(w) for w in catalog.answer_types.get("yesno", [])}
        self._check_asking = tuple(b for b in self._check_before if b in opens)  # 是不是: asks by itself
        self._all = tables.province_names
        docs_by_province: dict[str, str] = {}
        for d in tables.documents:
            docs_by_province[d.province] = docs_by_province.get(d.province, "") + fold_words(document_texts.get(d.id, ""))
        self._printed_in = docs_by_province  # where a surface form is printed tells its province (经信厅 vs 工信厅)

    def _context(self, folded: str, mentions: list[Mention]) -> list[Mention]:
        """"您好，我们是<市>一家做新材料的小公司，想了解<省>新材料链是哪位领导负责的": a city in a clause that asks
        nothing, when a clause that asks names a province or a chain, is where the asker is, not what is asked."""
        clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(folded)]
        asking = [(a, b) for a, b in clauses if self._asking.search(folded[a:b])]
        if len(clauses) < 2 or not any(mn.kind in ("province", "chain") and a <= mn.start < b
                                       for a, b in asking for mn in mentions):
            return []
        return [mn for mn in mentions if mn.kind == "city" and not any(a <= mn.start < b for a, b in asking)]

    def without_pointers(self, folded: str) -> str:
        """The ask with the words of its pointing group pronouns blanked, same length: "这几条链的牵头部门" asks
        no number and cues no count of chains."""
        return self._pointers.sub(lambda m: " " * len(m.group()), folded)

    def _answer_types(self, text: str, full: str) -> list[str]:
        full = self.without_pointers(full)
        found = [k for k, rx in self._types.items() if rx.search(full)]
        if "number" in found and "list" in found:  # "哪几个城市" asks which, not how many
            listed = self._types["list"].sub(lambda m: " " * len(m.group()), full)
            found = [k for k in found if k != "number" or self._types["number"].search(listed)]
        first = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
        if first in self._yes_no_leads and "yesno" not in found:  # "Is 赵海山 the chain leader of …?"
            found.append("yesno")
        return found

    def read(self, text: str) -> Reading:
        lang = detect(text)
        scan_text = text
        if lang == "en":
            scan_text = text + " " + " ".join(self.gazetteer.translate(text))
        mentions = self.gazetteer.scan(scan_text)
        translated = " ".join(self.gazetteer.translate(text)) if lang == "en" else ""
        slots: dict[str, list[Mention]] = {}
        full = fold_words(scan_text)
        context = self._context(full, mentions)
        for mention in mentions:
            for slot in _SLOTS.get(mention.kind, ()) if mention not in context else ():
                slots.setdefault(slot, []).append(mention)
        # a mechanism named with its province ("<省>链长制") is one mention that names the province too
        named = list(dict.fromkeys(mn.province for mn in mentions if mn.province and (
            mn.kind in ("province", "city") or mn.province in full[mn.start : mn.end])))
        all_provinces = bool(self._both.search(full))
        implied, implied_by = self._implied(mentions, full)
        reading = Reading(
            text=text, folded=full, lang=lang, mentions=mentions, slots=slots,
            provinces=list(self._all) if all_provinces and not named else named,
            implied=implied, implied_by=implied_by, regions=[mn.key for mn in mentions if mn.kind == "region"],
            pronouns=self._pronouns_in(full),
            follow_up=bool(self._follow_up.search(full)), again=bool(self._again.search(full)),
            another=bool(self._another.search(full)),
            answer_types=self._answer_types(text, full) + (["choice"] if self._choice(full, mentions) else []),
            options=self._options(full),
            topic=self._topic(full, mentions), delex=_delex(full, mentions), all_provinces=all_provinces,
            content=self._content(full, mentions, translated), checked=self._checked(full, mentions))
        if not reading.strong_kinds and len(reading.topic) <= _SHORT:
            reading.follow_up = reading.follow_up or bool(reading.pronouns)
        return reading

    def _checked(self, folded: str, mentions: list[Mention]) -> list[Mention]:
        """The names between "是" and a closing "吗" (a name read as several kinds is each of them), or the two
        of a choice ("是<省>的还是<省>的")."""
        choice = self._choice(folded, mentions)
        if choice:
            return choice
        tail = folded.rstrip("?？。.!！ ")
        end = next((len(tail) - len(a) for a in self._check_after if tail.endswith(a)), None)
        # "是不是医药处": a check word that asks by itself needs no closing particle
        if end is None and any(m.end == len(tail) and folded[: m.start].endswith(self._check_asking) for m in mentions):
            end = len(tail)
        if end is None:
            return []
        # "是陈文浩联系的吧": a few words (联系的, 负责的) may come between the name and the particle
        return [m for m in mentions if m.kind in CHECKABLE and 0 <= end - m.end <= _CHECK_GAP
                and any(folded[: m.start].endswith(b) for b in self._check_before)]

    def _options(self, folded: str) -> list[str]:
        """"副省长还是常委": the words either side of a choice word, when both are words of two characters or
        more (not "现在还是他吗", whose 还是 means "still")."""
        for word in self._choice_words:
            at = folded.find(word)
            if at < 0:
                continue
            before, after = folded[:at], folded[at + len(word) :]
            for w in self._check_before:  # "王成是副省长还是常委": what follows the check word
                before = before.rpartition(w)[2] if w in before else before
            for w in self._check_after:  # "…还是常委吗": what comes before the particle
                after = after.removesuffix(w)
            if _OPTION.fullmatch(before) and _OPTION.fullmatch(after):
                return [before, after]
        return []

    def _choice(self, folded: str, mentions: list[Mention]) -> list[Mention]:
        """"是<省>的还是<省>的": two names of one kind, the first after a check word, a choice word between."""
        for a, b in zip(mentions, mentions[1:], strict=False):
            between = folded[a.end : b.start].strip("的 ")
            if a.kind == b.kind and a.kind in CHECKABLE and between in self._choices \
                    and any(folded[: a.start].endswith(w) for w in self._check_before):
                return [a, b]
        return []

    def _pronouns_in(self, folded: str) -> set[str]:
        masked = self._not_pronouns.sub(" ", folded)
        return {k for k, rx in self._pronouns.items() if rx.search(masked)}

    def _implied(self, mentions: list[Mention], folded: str) -> tuple[list[str], str]:
        """Provinces the named entities imply, when they agree on one, and the kind that implies them."""
        for kinds in (("leader", "person", "liaison", "outlet", "event", "document"), ("chain",),
                      ("action", "mechanism", "section"), ("department",)):
            provinces = set()
            for mn in (x for x in mentions if x.kind in kinds):
                provinces |= self._provinces_of(mn, folded)
            if len(provinces) == 1:
                        return list(provinces), kinds[0]
        return [], ""

    def _provinces_of(self, mn: Mention, folded: str) -> set[str]:
        if mn.kind == "department":
            surface = folded[mn.start : mn.end]
            return {p for p, text in self._printed_in.items() if surface in text}
        if mn.kind == "chain":
            same = {x.province for x in self.gazetteer.scan(folded[mn.start : mn.end]) if x.kind == "chain"}
            return {p for p in same if p}
        return {mn.province} if mn.province else set()

    def _content(self, folded: str, mentions: list[Mention], translated: str) -> str:
        """The ask's words without question words and places; for an English ask, the Chinese words its
        phrases translate to and the names it mentions (the records are Chinese)."""
        if translated:
            names = " ".join(m.key for m in mentions if m.kind not in ("province", "city", "region"))
            return self._filler.sub("", fold_words(f"{translated} {names}"))
        return self._filler.sub("", _cut(folded, [m for m in mentions if m.kind in ("province", "region")]))

    def _topic(self, folded: str, mentions: list[Mention]) -> str:
        """The ask's own words: without its entities and its question words."""
        rest = _cut(folded, mentions, keep=("term", "section", "city", "problem"))
        return self._stop.sub("", rest)


def _cut(folded: str, mentions: list[Mention], keep: tuple[str, ...] = ()) -> str:
    spans = sorted({(m.start, m.end) for m in mentions if m.kind not in keep and m.end <= len(folded)})
    out, pos = [], 0
    for start, end in spans:
        if start >= pos:
            out.append(folded[pos:start])
            pos = end
    out.append(folded[pos:])
    return "".join(out).strip()


def _delex(folded: str, mentions: list[Mention]) -> str:
    out, pos = [], 0
    for m in sorted(mentions, key=lambda x: (x.start, -x.end)):
        if m.start < pos or m.end > len(folded):
            continue
        out += [folded[pos : m.start], _PLACEHOLDER.get(m.kind, "")]
        pos = m.end
    out.append(folded[pos:])
    return "".join(out)
