"""Finds the knowledge base's entities in free text: chains, leaders, people, departments, terms,
actions, mechanisms, provinces, cities, other regions, documents, events, outlets and sections.
Every name comes from knowledge/ (tables, facts, aliases, provinces, manifest, headings)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from retrieval.document_names import DocumentNames
from retrieval.normalize import fold_words, squash
from retrieval.pinyin import Pinyin
from retrieval.registry import Tables

Kind = Literal["chain", "leader", "liaison", "person", "department", "term", "action", "mechanism",
               "province", "city", "region", "document", "event", "outlet", "section", "problem", "division", "post", "word"]
_CHAIN_SUFFIXES = ("链", "产业链", "集群", "产业集群", "产业")


@dataclass(frozen=True)
class Mention:
    kind: Kind
    key: str  # canonical: chain name, person name, department family, term, document id, event id …
    province: str | None
    start: int  # offsets into the folded text
    end: int


def pinyin_forms(name: str, pinyin: Pinyin) -> tuple[str, list[str]]:
    """'Cao Guangjing' and the forms a user may type ("cao guangjing", "guangjing cao", "caoguangjing")."""
    syl = pinyin(name)
    family, given = syl[0], "".join(syl[1:])
    return f"{family.capitalize()} {given.capitalize()}", [f"{family} {given}", f"{given} {family}", family + given]


class Gazetteer:
    """Longest-match lookup of every alias over folded text (width, case, spaces, 繁简 normalised)."""

    def __init__(self, tables: Tables, document_texts: dict[str, str] | None = None,
                 syllables: Pinyin | None = None, names: DocumentNames | None = None,
                 contents: Mapping[str, str] | None = None) -> None:
        """`names`: the documents' names as folded before, by `contents` (document id → its content key,
        retrieval/chunk_table.doc_key); a document not in them has its names folded now."""
        self.syllables = syllables if syllables is not None else Pinyin()  # the names' pinyin, remembered
        self.names = names if names is not None else DocumentNames()
        self.contents: Mapping[str, str] = contents or {}
        self._index: dict[str, list[tuple[Kind, str, str | None]]] = {}
        self._added: set[tuple[str, tuple[Kind, str, str | None]]] = set()  # what _index holds, to look up
        self.pinyin: dict[str, str] = {}
        self.english = {k.lower(): v for k, v in tables.english.items()}
        self._add_places(tables)
        self._add_chains(tables)
        self._add_people(tables)
        for family, units in tables.department_families.items():
            self._add_all(units, "department", family, None)
            # "the <province> Department of Commerce": a unit's English name, with and without "Provincial"
            english = [tables.english_names[n] for n in units if n in tables.english_names]
            self._add_all([*english, *(e.removeprefix("Provincial ") for e in english)], "department", family, None)
        for term in tables.terms:
            self._add_all([term.term, *term.aliases], "term", term.term, term.province)
        for action in tables.actions:
            self._add_all([action.action, *tables.action_aliases.get(action.action, [])], "action",
                          action.action, action.province)
        for route in tables.routes:  # the problems officials raise (用地, 招工 …), by their route's keywords
            self._add_all((k for k in route.keywords if len(k) >= 2), "problem", route.problem, route.province)
            # … and by the colloquial words for them ("拿地" is 用地 or 土地 in aliases.yaml `synonyms`)
            self._add_all((w for w, targets in tables.synonyms.items() if len(w) >= 2 and set(targets) & set(route.keywords)),
                          "problem", route.problem, route.province)
        for m in tables.facts.mechanisms:
            self._add_all([m.name, *m.aliases], "mechanism", m.id, m.province)
        self._add_documents(tables, document_texts or {})
        # words that hold a name without being it ("推广东湖…" holds 广东): matched so the name is not, never reported
        self._add_all((w for w in tables.not_names if fold_words(w) not in self._index), "word", "", None)
        lengths: dict[str, set[int]] = {}
        for k in self._index:
            lengths.setdefault(k[0], set()).add(len(k))
        # the lengths of the aliases starting with a character, longest first: the only sizes a match can have
        self._sizes = {ch: sorted(sizes, reverse=True) for ch, sizes in lengths.items()}

    def _add(self, alias: str, kind: Kind, key: str, province: str | None) -> None:
        folded = fold_words(alias)
        if folded:
            self._insert(folded, (kind, key, province))

    def _insert(self, folded: str, entry: tuple[Kind, str, str | None]) -> None:
        if (folded, entry) not in self._added:  # a heading every copy of a scheme shares: buckets of hundreds
            self._added.add((folded, entry))
            self._index.setdefault(folded, []).append(entry)

    def _add_all(self, aliases: Iterable[str], kind: Kind, key: str, province: str | None) -> None:
        for alias in aliases:
            self._add(alias, kind, key, province)

    def _add_places(self, tables: Tables) -> None:
        covered = set(tables.province_names)
        for p in tables.provinces:
            self._add_all([p.name, p.full_name, p.english, *p.aliases], "province", p.name, p.name)
            self._add_all(p.cities, "city", p.name, p.name)
        for r in tables.regions:
            if r.name not in covered:
                self._add_all([r.name, *r.aliases, *r.cities], "region", r.name, None)

    def _add_chains(self, tables: Tables) -> None:
        for province, chains in tables.chain_aliases.items():
            for chain, aliases in chains.items():
                short = chain.removesuffix("产业链")
                for alias in {chain, short, *aliases}:
                    self._add(alias, "chain", chain, province)
                    if not alias.isascii():
                        self._add_all((alias + s for s in _CHAIN_SUFFIXES), "chain", chain, province)
        for row in tables.chains:  # a chain without aliases (a new document's) is found by its short name too
            base = row.chain.removesuffix("产业链")
            self._add_all([row.chain, base, row.table_name or row.chain, *(base + s for s in _CHAIN_SUFFIXES)],
                          "chain", row.chain, row.province)

    def _add_person(self, name: str, kind: Kind, province: str | None, aliases: Iterable[str] = ()) -> None:
        name = squash(name)
        display, forms = pinyin_forms(name, self.syllables)
        self._add_all([name, *forms, *aliases], kind, name, province)
        self.pinyin[name] = display

    def _add_people(self, tables: Tables) -> None:
        for row in tables.chains:
            self._add_person(row.leader, "leader", row.province)
            self._add_person(row.leader, "person", row.province)
            if row.liaison:
                self._add_person(row.liaison, "liaison", row.province)
            if row.division:
                self._add(row.division, "division", row.division, row.province)
        for g in tables.general_leaders:
            self._add_person(g.name, "leader", g.province)
            self._add_person(g.name, "person", g.province)
        docs = {d.id: d.province for d in tables.documents}
        for p in tables.facts.people:
            self._add_person(p.name, "person", docs.get(p.source), [*p.aliases, *p.descriptors])
        self._add_posts(tables)
        for e in tables.facts.events:
            self._add_all([e.name, *e.aliases], "event", e.id, docs.get(e.source))
        for x in tables.facts.exchanges:
            self._add(x.outlet, "outlet", x.outlet, docs.get(x.source))

    def _add_posts(self, tables: Tables) -> None:
        """A post one leader of a province holds names him ("常务副省长是谁"); a post several hold is only a post,
        so that the shorter post inside it ("省长" in "副省长") is not read as a name."""
        holders: dict[tuple[str, str], set[str]] = {}
        held = [(r.province, r.leader, r.leader_post) for r in tables.chains]
        for province, name, post in [*held, *((g.province, g.name, g.post) for g in tables.general_leaders)]:
            for part in filter(None, (p.strip() for p in re.split(r"[、，,]", post or ""))):
                holders.setdefault((province, squash(part)), set()).add(squash(name))
        for (province, post), names in holders.items():
            forms = {post, post.removeprefix("省")} if len(post) > 4 else {post}  # "委书记" would be inside 市委书记
            forms |= {re.sub(r"(.)\1", r"\1", f) for f in forms}  # 公安厅厅长, said 公安厅长
            for kind in ("leader", "person") if len(names) == 1 else ("post",):
                self._add_all(forms, kind, next(iter(names)) if kind != "post" else post, province)

    def over(self, tables: Tables, texts: dict[str, str]) -> Gazetteer:
        """The gazetteer of other tables (an overlay's) over the same documents, with this one's pinyin and
        documents' names (those of a document whose aliases the tables change are folded anew)."""
        return Gazetteer(tables, texts, self.syllables, DocumentNames(self.names.known), self.contents)

    def _add_documents(self, tables: Tables, texts: dict[str, str]) -> None:
        for d in tables.documents:
            for folded, kind, key, province in self.names.of(d, tables, texts.get(d.id, ""), self.contents.get(d.id)):
                self._insert(folded, (kind, key, province))

    def translate(self, text: str) -> list[str]:
        """Chinese words for the English phrases in `text` (for intent and search)."""
        low = text.lower()
        return [w for phrase, words in self.english.items() if phrase in low for w in words]

    def named(self, name: str, kind: str) -> list[Mention]:
        """The mentions of one thing by its canonical name ("李乐成" as a leader): slots built from the tables."""
        return [m for m in self.scan(name) if m.kind == kind and m.key == name]

    def keys(self, text: str, kind: str) -> set[str]:
        """The keys of the mentions of one kind in `text` (the department families 省经信厅 and 工信厅 share)."""
        return {m.key for m in self.scan(text) if m.kind == kind}

    def scan(self, text: str) -> list[Mention]:
        """All non-overlapping mentions, longest first, left to right."""
        folded = fold_words(text)
        out: list[Mention] = []
        i = 0
        while i < len(folded):
            size = self._longest(folded, i)
            if not size:
                i += 1
                continue
            # "光通信链长": the chain 光通信链 yields its last character to the longer 链长 when 光通信 names the same
            if size > 1 and self._index.get(folded[i : i + size - 1]) == self._index[folded[i : i + size]] \
                    and _word_ok(folded, i, size - 1) and self._longest(folded, i + size - 1) > 1:
                size -= 1
            hits = self._index[folded[i : i + size]]
            out.extend(Mention(k, key, prov, i, i + size) for k, key, prov in hits if k != "word")
            if all(k == "section" for k, _, _ in hits):  # a heading that names its speaker names him too
                out.extend(self._people_in(folded, i, i + size))
            i += size
        return out

    def _longest(self, folded: str, i: int) -> int:
        """The size of the longest alias at position i, 0 when none starts there."""
        for size in self._sizes.get(folded[i], ()) if i < len(folded) else ():
            if size <= len(folded) - i and folded[i : i + size] in self._index and _word_ok(folded, i, size):
                return size
        return 0

    def _people_in(self, folded: str, start: int, end: int) -> list[Mention]:
        """The people named inside a span ("省经信厅党组成员、副厅长郭涛" is a heading and 郭涛)."""
        out: list[Mention] = []
        for i in range(start, end):
            for size in (n for n in self._sizes.get(folded[i], ()) if 2 <= n <= end - i):
                hits = [h for h in self._index.get(folded[i : i + size], []) if h[0] in PEOPLE]
                if hits:
                    out.extend(Mention(k, key, prov, i, i + size) for k, key, prov in hits)
                    break
        return out


PEOPLE = ("person", "leader", "liaison")  # the kinds one person's name is read as


def _word_ok(folded: str, i: int, size: int) -> bool:
    """ASCII aliases (AI, IC, 5G, pinyin) must not sit inside a longer ASCII word."""
    piece = folded[i : i + size]
    if not piece.isascii():
        return True
    before = folded[i - 1] if i else ""
    after = folded[i + size] if i + size < len(folded) else ""
    if after == "s" and piece[-1:].isalpha():  # "ceramics", "chains": an English plural is the word
        after = folded[i + size + 1] if i + size + 1 < len(folded) else ""
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())
