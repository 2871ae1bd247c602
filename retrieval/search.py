"""Hybrid search: BM25 and vector results fused by reciprocal rank fusion, with filters by province and
document and query expansion from the alias, synonym and glossary tables. Also a LangChain retriever."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from retrieval.chunk_table import codes
from retrieval.chunking import Chunk
from retrieval.gazetteer import Gazetteer
from retrieval.lexical import LexicalIndex
from retrieval.normalize import fold, fold_words
from retrieval.pinyin import Pinyin
from retrieval.registry import Tables
from retrieval.snapshot_vectors import SnapshotVectors, VectorsPending
from retrieval.vectors import is_gone, rank_ids, where_clause
from retrieval.vectors import query as vector_query

log = logging.getLogger(__name__)
Mode = Literal["hybrid", "lexical", "vector"]
MODES: tuple[Mode, ...] = ("hybrid", "lexical", "vector")


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class FusionWeights:
    """Reciprocal rank fusion: score = Σ weight / (rrf_k + rank). `expansion` weighs expanded terms.
    The defaults measured best with e5 on the development sets (retrieval.jsonl and the paraphrase dev
    split; see docs/RETRIEVAL.md)."""

    lexical: float = 1.0
    vector: float = 0.5
    rrf_k: float = 20.0
    expansion: float = 0.5
    candidates: int = 50  # how deep each list goes into the fusion
    other_province: float = 0.5  # score factor for chunks of another province than the one the query names
    answer_type: float = 0.2  # score bonus for chunks holding what the question asks for (a name, a unit, a number)


def search_text(chunk: Chunk, short_title: str = "", full_title: str = "") -> str:
    """What gets indexed for a chunk: its province, document, section path and text. A chunk before
    the first section (the preamble: document number, addressees, date) takes the full title instead."""
    section = chunk.section or full_title
    return " ".join(p for p in (chunk.province, short_title, section, chunk.text) if p)


class QueryExpander:
    """Words a query implies: canonical chain names for aliases (芯片 → 集成电路产业链), department
    families, glossary terms, leader names for pinyin, and the synonym table (用地 → 土地/建设用地)."""

    def __init__(self, tables: Tables, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._synonyms = [(fold_words(k), tuple(v)) for k, v in tables.synonyms.items()]
        self._families = {k: tuple(v) for k, v in tables.department_families.items()}
        self._table_names = {r.chain: r.table_name for r in tables.chains if r.table_name not in (None, r.chain)}

    def expand(self, query: str) -> list[str]:
        """The extra words, without those the query already contains, in a stable order."""
        folded = fold_words(query)
        extra: list[str] = []
        for m in self._gazetteer.scan(query):
            if m.kind == "chain":
                extra += [m.key, self._table_names.get(m.key) or m.key]  # 现代化工 → 现代化工业产业链
            elif m.kind == "department":
                extra += self._families.get(m.key, ())[:3]
            else:
                extra.append(m.key)
        for key, values in self._synonyms:
            if key in folded:
                extra.extend(values)
        extra += self._gazetteer.translate(query)  # English phrases → the Chinese words of the sources
        return [w for w in dict.fromkeys(extra) if fold_words(w) not in folded]


_ASKS = (  # the kind of answer asked for ← question cues (folded)
    ("person", ("谁", "哪位", "哪两位", "who")),
    ("unit", ("谁", "哪个部门", "哪些部门", "哪个厅", "哪个单位", "牵头", "负责", "找哪", "whichdepartment")),
    ("number", ("多少", "几", "howmany", "howmuch")),
)
_DIGIT = re.compile(r"\d")
_OVERFETCH_MAX = 1000  # deepest unfiltered vector query used to serve a filtered one
_EXACT_MAX = 500  # a filter allowing at most this many chunks ranks them exactly


class AnswerTypes:
    """Which chunks hold a leader's name, a department's name or a number, and what a question asks
    for: a "who" question prefers chunks that name someone, a "how many" one chunks with numbers."""

    def __init__(self, tables: Tables, texts: Sequence[str]) -> None:
        person, unit = (_alternation(names) for names in _names(tables))
        folded = [fold(t) for t in texts]
        self.holds = {
            "person": np.array([bool(person.search(t)) for t in folded], dtype=bool),
            "unit": np.array([bool(unit.search(t)) for t in folded], dtype=bool),
            "number": np.array([bool(_DIGIT.search(t)) for t in folded], dtype=bool),
        }

    @classmethod
    def kept(cls, holds: dict[str, np.ndarray]) -> AnswerTypes:
        """What a snapshot stored (computed for the same names: `key`)."""
        types = cls.__new__(cls)
        types.holds = holds
        return types

    @staticmethod
    def key(tables: Tables) -> str:
        """Stands for the names the marks depend on: marks computed under the same key are valid."""
        people, units = _names(tables)
        return hashlib.sha256("\n".join([*sorted(people), "", *sorted(units)]).encode("utf-8")).hexdigest()

    def asked(self, query: str) -> list[str]:
        folded = fold(query)
        return [kind for kind, cues in _ASKS if any(c in folded for c in cues)]


def _names(tables: Tables) -> tuple[set[str], set[str]]:
    people = {fold(r.leader) for r in tables.chains} | {fold(g.name) for g in tables.general_leaders}
    return people, {fold(n) for names in tables.department_families.values() for n in names}


def _alternation(words: set[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w) or "(?!)")


@dataclass
class Searcher:
    """One immutable, fully built index: chunks, BM25, a Chroma collection and the query expander. The
    collection's ids are `keys` (keys[i]: the hash of chunk i's search text); it may also hold texts of
    other snapshots (the one before, still searched by requests in flight), about `extra` of them (both
    known once `vectors` has been checked)."""

    chunks: Sequence[Chunk]
    keys: Sequence[str]
    lexical: LexicalIndex
    vectors: SnapshotVectors
    embed_query: Callable[[str], np.ndarray]
    expander: QueryExpander
    weights: FusionWeights = field(default_factory=FusionWeights)
    answer_types: AnswerTypes | None = None
    pinyin: Callable[[str], list[str]] = field(default_factory=Pinyin)

    def __post_init__(self) -> None:
        self._positions: dict[str, list[int]] | None = None  # made by the first vector search (_pos)
        self._codes = {kind: codes(self.chunks, name) for kind, name in (("province", "province"), ("doc", "doc_id"))}
        self._index = {kind: {v: i for i, v in enumerate(values)} for kind, (values, _) in self._codes.items()}
        self._masks: dict[tuple[str, str], np.ndarray] = {}  # made when a filter first asks for one
        self._province_names = {p: {fold_words(p), "".join(self.pinyin(p))} for p in self._codes["province"][0]}

    @property
    def _pos(self) -> dict[str, list[int]]:
        """Each vector key's chunk positions (a load makes none: 28 000 keys at 100×)."""
        if self._positions is None:
            positions: dict[str, list[int]] = {}
            for i, key in enumerate(self.keys):
                positions.setdefault(key, []).append(i)
            self._positions = positions  # whole, once made (racing threads make the same)
        return self._positions

    def _filter(self, kind: str, value: str) -> np.ndarray:
        mask = self._masks.get((kind, value))
        if mask is None:
            code = self._index[kind].get(value)
            if code is None:  # no chunk has it (not kept: any value may be asked for)
                return np.zeros(len(self.chunks), dtype=bool)
            mask = self._masks[(kind, value)] = self._codes[kind][1] == code  # racing threads compute the same
        return mask

    def _mask(self, province: str | None, doc_id: str | None) -> np.ndarray | None:
        masks = [self._filter("province", province)] if province else []
        masks += [self._filter("doc", doc_id)] if doc_id else []
        return np.logical_and.reduce(masks) if masks else None

    def lexical_ranked(self, query: str, expansion: list[str], n: int, mask) -> list[tuple[int, float]]:
        tok = self.lexical.tokenizer
        scores = self.lexical.scores(tok.tokens(query))
        if expansion and self.weights.expansion:
            scores = scores + self.weights.expansion * self.lexical.scores(tok.tokens(" ".join(expansion)))
        return self.lexical.top(scores, n, mask)

    def vector_ranked(self, query: str, expansion: list[str], n: int, province, doc_id,
                      need: int = 1) -> list[tuple[int, float]]:
        self.vectors.get()  # before the query's embedding: none is needed while the vectors are pending
        vector = np.asarray(self.embed_query(" ".join([query, *expansion])), dtype=np.float32)
        if not np.any(vector):  # nothing of the query is known to the embedding: no direction to search
            return []
        mask = self._mask(province, doc_id)
        if mask is None:
            return self._nearest(vector, n)
        return self._filtered_vectors(vector, n, mask, need, where_clause(province, doc_id) or {})

    def _ours(self, hits: list[tuple[str, float]], mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(chunk position, similarity) of the hits that are texts of this snapshot (within `mask`)."""
        return [(p, s) for key, s in hits for p in self._pos.get(key, ()) if mask is None or mask[p]]

    @property
    def collection(self) -> Any:  # chromadb Collection
        return self.vectors.get()[0]

    @property
    def extra(self) -> int:
        return self.vectors.get()[1]

    def _nearest(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """The n nearest chunks, going deeper while other snapshots' texts take places in the answer."""
        want, depth = min(n, len(self.chunks)), min(n, len(self._pos)) + self.extra
        while True:
            hits = vector_query(self.collection, vector, depth)
            ours = self._ours(hits)
            if len(ours) >= want or len(hits) < depth:
                return ours[:want]
            depth *= 2

    def _filtered_vectors(self, vector: np.ndarray, n: int, mask: np.ndarray, need: int,
                          where: dict) -> list[tuple[int, float]]:
        """Nearest chunks within a filter. Chroma's metadata `where` costs O(corpus) (57 ms for a
        province at 28k chunks), so a narrow filter (a document) ranks its own chunks exactly, a broad
        one over-fetches unfiltered neighbours and keeps the allowed ones; `where` is the last resort."""
        allowed = int(mask.sum())
        if allowed <= _EXACT_MAX:
            keys = list(dict.fromkeys(self.keys[int(i)] for i in np.flatnonzero(mask)))
            return self._ours(rank_ids(self.collection, vector, keys, n), mask)[:n]
        first = 2 * n * len(self.chunks) // allowed + n + self.extra  # expected to hold 2n allowed chunks
        for depth in sorted({min(len(self.chunks) + self.extra, _OVERFETCH_MAX, d) for d in (first, _OVERFETCH_MAX)}):
            hits = self._ours(vector_query(self.collection, vector, depth), mask)
            if len(hits) >= need or depth >= len(self.chunks) + self.extra:
                return hits[:n]
        return self._ours(vector_query(self.collection, vector, n + self.extra, where), mask)[:n]

    def provinces_named(self, query: str) -> set[str]:
        folded = fold_words(query)
        return {p for p, names in self._province_names.items() if any(n in folded for n in names)}

    def _ranked(self, query: str, k: int, province, doc_id, mode: Mode) -> list[tuple[int, float]]:
        expansion = self.expander.expand(query)
        n = max(k, self.weights.candidates)
        if mode == "lexical":
            return self.lexical_ranked(query, expansion, n, self._mask(province, doc_id))
        if mode == "vector":
            self.vectors.check()  # asked for vectors alone: wait for them rather than answer nothing
            return self.vector_ranked(query, expansion, n, province, doc_id, need=k)
        lex = self.lexical_ranked(query, expansion, n, self._mask(province, doc_id))
        try:
            vec = self.vector_ranked(query, expansion, n, province, doc_id, need=k)
        except VectorsPending:  # checked by the warm-up right now (/healthz says degraded): BM25 meanwhile
            return lex
        except Exception as exc:  # the vector store is down: hybrid degrades to lexical, loudly
            if is_gone(exc):
                raise  # the collection was replaced: the index reloads and retries
            log.warning("vector search failed (%s); answering from BM25 alone", exc)
            return lex
        return fuse([lex, vec], [self.weights.lexical, self.weights.vector], self.weights.rrf_k)

    def search(self, query: str, k: int = 5, province: str | None = None, doc_id: str | None = None,
               mode: Mode = "hybrid") -> list[Hit]:
        """The k best chunks. `province`/`doc_id` filter; a query that names exactly one province
        (by name, pinyin or English) prefers that province's chunks when no filter is given."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if not query.strip() or k <= 0:
            return []
        ranked = self._ranked(query, k, province, doc_id, mode)
        return [Hit(self.chunks[i], s) for i, s in self._rescore(query, ranked, province or doc_id)[:k]]

    def _rescore(self, query: str, ranked: list[tuple[int, float]], filtered) -> list[tuple[int, float]]:
        """Prefer the province a query names (when not filtered) and chunks holding the kind of
        answer it asks for; scores are scaled, so the order within each group is kept."""
        w = self.weights
        named = self.provinces_named(query) if not filtered else set()
        types = self.answer_types
        asked = types.asked(query) if types is not None and w.answer_type else []
        if len(named) != 1 and not asked:
            return ranked
        out = []
        for i, s in ranked:
            factor = 1.0 if len(named) != 1 or self.chunks[i].province in named else w.other_province
            held = sum(bool(types.holds[a][i]) for a in asked) if types is not None else 0
            factor *= 1.0 + w.answer_type * float(held)
            out.append((i, s * factor if s > 0 else s / max(factor, 1e-9)))
        return sorted(out, key=lambda kv: -kv[1])


def fuse(rankings: Sequence[Sequence[tuple[int, float]]], weights: Sequence[float],
         rrf_k: float = 60.0) -> list[tuple[int, float]]:
    """Reciprocal rank fusion of ranked (item, score) lists; ties keep the first list's order."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (item, _score) in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (rrf_k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])
