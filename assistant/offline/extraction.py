"""The document-answering path for free-text asks no intent settles: typed extraction. The ask's expected
answer type (person, unit, date, number, definition, list, yes/no, how, why) picks what to look for;
candidates are sentences of the passages hybrid retrieval returns; the answer is the span of that type
from the best-supported sentence, stated in a lead sentence, then the sentence quoted. No sentence of the
expected type with enough support: no answer (the engine refuses as not_found), never a passage dump."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.offline.reply import Context, Evidence, Reply
from assistant.understanding.dialogue import Frame
from retrieval.chunking import Chunk
from retrieval.gazetteer import PEOPLE
from retrieval.overlap import grams

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+[，,；;：:。！？!?]?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[—\-–~～至到]\d+(?:\.\d+)?)?\s*(?:%|个百分点|[万亿千百]*[家个项条名位次年月日亿元万户场批类倍])?")
_DATE = re.compile(r"\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?|\d{4}年\d{1,2}月|\d{4}年")
_DEFINES = re.compile(r"(?:即[:：]?|是指|指的是|也就是)([^。；)）]{4,120})")
_MIN_OVERLAP = 3  # bigrams of the ask's topic a sentence must share
_MIN_COVERAGE = 0.34  # … and this share of them
_TYPED = ("person", "unit", "date", "number")


@dataclass
class _Candidate:
    score: float
    sentence: str
    chunk: Chunk
    span: str


_HEADING = re.compile(r"^\s*(?:#.*|[（(][一二三四五六七八九十]+[)）][^。；]{0,24}[。；]?)\s*$")  # a heading states nothing


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= 8 and "|" not in s
            and not _HEADING.match(s)]


class Extractor:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def answer(self, frame: Frame) -> Reply | None:
        reading = frame.reading
        want = grams(reading.topic or reading.folded)
        if len(want) < 2:
            return None
        types = [t for t in (*_TYPED, "definition", "list", "yesno", "how", "why") if t in reading.answer_types]
        kind = types[0] if types else "any"
        best = self._best(frame, want, kind)
        if best is None:
            return None
        doc = self.ctx.deps.documents[best.chunk.doc_id]
        lead = self.ctx.say("extracted", title=doc.title, clause=self._lead(best, kind))
        cite = self.ctx.deps.cite(best.chunk.doc_id, best.sentence)
        return Reply(lead, [Evidence(cite)], tools=["search"])

    def _best(self, frame: Frame, want: frozenset[str], kind: str) -> _Candidate | None:
        province = frame.provinces[0] if len(frame.provinces) == 1 else None
        docs = frame.keys("document")
        query = " ".join([frame.reading.text, *self.ctx.deps.gazetteer.translate(frame.reading.text)])
        hits = self.ctx.search(query, k=8, province=None if docs else province, doc_id=docs[0] if docs else None)
        best: _Candidate | None = None
        for rank, hit in enumerate(hits):
            if hit.chunk.kind != "text":
                continue
            for sentence in _sentences(hit.chunk.text):
                shared = len(want & grams(sentence))
                if shared < _MIN_OVERLAP or shared / len(want) < _MIN_COVERAGE:
                    continue
                span = self._span(sentence, kind, want)
                if kind in _TYPED and not span:
                    continue
                score = shared / len(want) + 0.3 * bool(span) - 0.04 * rank
                if best is None or score > best.score:
                    best = _Candidate(score, sentence, hit.chunk, span)
        return best

    def _span(self, sentence: str, kind: str, want: frozenset[str]) -> str:
        if kind == "number":
            return _nearest(sentence, [m.group() for m in _NUMBER.finditer(sentence) if re.search(r"\d", m.group())],
                            want)
        if kind == "date":
            found = _DATE.findall(sentence)
            return found[0] if found else ""
        if kind == "person":
            names = [m.key for m in self.ctx.deps.gazetteer.scan(sentence) if m.kind in PEOPLE]
            return names[0] if names and names[0] in sentence else ""
        if kind == "unit":
            return next((a for a in self._unit_names() if a in sentence), "")
        if kind == "definition":
            m = _DEFINES.search(sentence)
            return m.group(1).strip() if m else ""
        return ""

    def _unit_names(self) -> list[str]:
        names = {a for family in self.ctx.tables.department_families.values() for a in family if not a.isascii()}
        return sorted(names, key=len, reverse=True)

    def _lead(self, c: _Candidate, kind: str) -> str:
        """The clauses of the sentence around the span (or with the most overlap), the span in bold."""
        clauses = [x for x in _CLAUSE.findall(c.sentence) if x.strip()]
        if c.span:
            at = next((i for i, x in enumerate(clauses) if c.span in x), None)
            if at is not None:
                lo = max(0, at - 1)
                text = "".join(clauses[lo : at + 1]).strip()
                return text.replace(c.span, f"**{c.span}**", 1).rstrip("，,；;：:。") + "。"
        text = c.sentence if len(c.sentence) <= 90 else "".join(clauses[:3])
        return text.rstrip("，,；;：:。") + "。"


def _nearest(sentence: str, spans: list[str], want: frozenset[str]) -> str:
    """The span whose surroundings share most with the ask."""
    best, best_score = "", -1
    for span in spans:
        i = sentence.find(span)
        window = sentence[max(0, i - 14) : i + len(span) + 6]
        score = len(want & grams(window))
        if score > best_score:
            best, best_score = span, score
    return best.strip()

