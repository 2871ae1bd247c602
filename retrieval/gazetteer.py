"""Finds the registry's entities (chains, leaders, departments, terms, actions) in free text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from retrieval.normalize import fold_words, squash
from retrieval.registry import Tables

Kind = Literal["chain", "leader", "department", "term", "action"]

# Colloquial names of the six Hunan actions.
_ACTION_ALIASES = {
    "产业链优质企业培育行动": ["优质企业培育", "企业培育行动"],
    "产业链协同创新提升行动": ["协同创新提升", "协同创新行动", "产业集群协同创新"],
    "产业集群基础能力升级行动": ["基础能力升级", "基础能力提升"],
    "特色产业园区建设行动": ["特色产业园区", "园区建设行动"],
    "开放合作促进行动": ["开放合作"],
    "要素保障行动": ["要素保障"],
}


@dataclass(frozen=True)
class Mention:
    kind: Kind
    key: str  # canonical name (chain name, leader name, department family, term, action)
    province: str | None
    start: int  # offsets into the folded text
    end: int


def _pinyin(name: str) -> tuple[str, str]:
    """Family name and given name in pinyin: 曹广晶 → ("cao", "guangjing")."""
    from pypinyin import lazy_pinyin

    syl = lazy_pinyin(name)
    return syl[0], "".join(syl[1:])


class Gazetteer:
    """Longest-match lookup of every alias over folded text (width, case, spaces, 繁简 normalised)."""

    def __init__(self, tables: Tables) -> None:
        self._index: dict[str, list[tuple[Kind, str, str | None]]] = {}
        self.pinyin: dict[str, str] = {}
        self.english = {k.lower(): v for k, v in tables.english.items()}
        for province, chains in tables.chain_aliases.items():
            for chain, aliases in chains.items():
                short = chain.removesuffix("产业链")
                for alias in {chain, short, short + "链", short + "产业", *aliases}:
                    self._add(alias, "chain", chain, province)
                    if not alias.isascii():
                        for suffix in ("链", "产业链", "集群", "产业集群"):
                            self._add(alias + suffix, "chain", chain, province)
        for row in tables.chains:
            base = row.chain.removesuffix("产业链")
            for alias in (row.chain, base + "产业链", base + "链", base + "集群", base + "产业集群"):
                self._add(alias, "chain", row.chain, row.province)
            self._add_leader(row.leader, row.province)
        for g in tables.general_leaders:
            self._add_leader(g.name, g.province)
        for family, names in tables.department_families.items():
            for name in names:
                self._add(name, "department", family, None)
        for term in tables.terms:
            for alias in (term.term, *term.aliases):
                self._add(alias, "term", term.term, term.province)
        for action in tables.actions:
            for alias in (action.action, *_ACTION_ALIASES.get(action.action, [])):
                self._add(alias, "action", action.action, "湖南")
        self._max = max(len(k) for k in self._index)

    def _add(self, alias: str, kind: Kind, key: str, province: str | None) -> None:
        entry = (kind, key, province)
        bucket = self._index.setdefault(fold_words(alias), [])
        if entry not in bucket:
            bucket.append(entry)

    def _add_leader(self, name: str, province: str) -> None:
        name = squash(name)
        self._add(name, "leader", name, province)
        family, given = _pinyin(name)
        # "Cao Guangjing", "Guangjing Cao" and the run-together form all find the leader
        for form in (f"{family} {given}", f"{given} {family}", family + given):
            self._add(form, "leader", name, province)
        self.pinyin[name] = f"{family.capitalize()} {given.capitalize()}"

    def translate(self, text: str) -> list[str]:
        """Chinese words for the English phrases in `text` (for intent and search)."""
        low = text.lower()
        return [w for phrase, words in self.english.items() if phrase in low for w in words]

    def scan(self, text: str) -> list[Mention]:
        """All non-overlapping mentions, longest first, left to right."""
        folded = fold_words(text)
        out: list[Mention] = []
        i = 0
        while i < len(folded):
            for size in range(min(self._max, len(folded) - i), 0, -1):
                hits = self._index.get(folded[i : i + size])
                if hits and _word_ok(folded, i, size):
                    out.extend(Mention(k, key, prov, i, i + size) for k, key, prov in hits)
                    i += size
                    break
            else:
                i += 1
        return out


def _word_ok(folded: str, i: int, size: int) -> bool:
    """ASCII aliases (AI, IC, 5G, pinyin) must not sit inside a longer ASCII word."""
    piece = folded[i : i + size]
    if not piece.isascii():
        return True
    before = folded[i - 1] if i else ""
    after = folded[i + size] if i + size < len(folded) else ""
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())
