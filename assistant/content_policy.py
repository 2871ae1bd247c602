"""Content safety over the lexicon (assistant/lexicon.py), at the seams every text passes: each question and
the history the client sends (block → the fixed refusal, `refusal_reason: "content_policy"`, before retrieval
or any model call; mask → answered, the term masked in the logs), each answer of either engine (block → the
refusal instead; mask → the term masked), a streamed answer through a gate that releases only text already
checked, and documents (a hit holds the document for review, out of search until an operator approves it).
Every hit is recorded in the audit trail (assistant/audit.py)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.answer import Answer, Turn
from assistant.audit import Hit
from assistant.lexicon import Lexicon
from assistant.matcher import Match, Matcher, Scan, excerpt, masked

log = logging.getLogger("chainqa.safety")
REASON = "content_policy"
Record = Callable[[list[Hit]], None]


@dataclass(frozen=True)
class Screened:
    blocked: bool
    logged: str  # the question as the log keeps it (masked and blocked terms masked)


def fingerprint(text: str) -> str:
    """What an approval of a document is tied to: a changed document is reviewed again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _blocks(matches: Iterable[Match]) -> bool:
    return any(m.term.action == "block" for m in matches)


class ContentPolicy:
    """One lexicon version compiled, the refusal text, and where hits are recorded."""

    def __init__(self, lexicon: Lexicon, refusal: str, record: Record | None = None, enabled: bool = True) -> None:
        self.lexicon, self.refusal, self._record = lexicon, refusal, record
        self.matcher = Matcher(lexicon if enabled else Lexicon())

    def question(self, question: str, history: list[Turn], request_id: str = "") -> Screened:
        found = self.matcher.find(question)
        hits = self._hits("question", question, found, request_id)
        blocked = _blocks(found)
        for turn in history:
            in_turn = self.matcher.find(turn.content)
            hits += self._hits("history", turn.content, in_turn, request_id)
            blocked = blocked or _blocks(in_turn)
        self._save(hits)
        return Screened(blocked, masked(question, [m for m in found if m.term.action != "flag"]))

    def answer(self, answer: Answer, request_id: str = "") -> Answer:
        """The answer as it may be shown: the refusal if it holds a blocked term, masked terms masked."""
        found = self.matcher.find(answer.answer)
        self._save(self._hits("answer", answer.answer, found, request_id))
        if _blocks(found):
            return self.refused(answer.engine)
        shown = masked(answer.answer, [m for m in found if m.term.action == "mask"])
        return answer if shown == answer.answer else answer.model_copy(update={"answer": shown})

    def refused(self, engine: str) -> Answer:
        return Answer(answer=self.refusal, refused=True, refusal_reason=REASON, engine=engine)

    def gate(self, request_id: str = "") -> StreamGate:
        return StreamGate(self.matcher, request_id)

    def held(self, texts: dict[str, str], approved: dict[str, str]) -> dict[str, list[Match]]:
        """The documents with a hit that an operator has not approved (as they are now), and their hits."""
        out = {}
        for doc_id, text in texts.items():
            found = self.matcher.find(text)
            if found and approved.get(doc_id) != fingerprint(text):
                out[doc_id] = found
        return out

    def document_hits(self, doc_id: str, text: str, found: list[Match]) -> None:
        self._save([Hit("document", m.term.category, m.term.term, m.term.action, excerpt(text, m), subject=doc_id)
                    for m in found])

    def _hits(self, where: str, text: str, found: list[Match], request_id: str) -> list[Hit]:
        return [Hit(where, m.term.category, m.term.term, m.term.action, excerpt(text, m), request_id) for m in found]

    def _save(self, hits: list[Hit]) -> None:
        if hits and self._record is not None:
            try:
                self._record(hits)
            except Exception:  # an answer is not lost to the audit table being down; the log says so
                log.exception("could not record %d content-safety hits", len(hits))


class StreamGate:
    """A streamed answer held back until checked: text is released only up to where no term (nor an
    allow-listed phrase that would excuse one) can still be completed by what follows. `blocked` turns true
    as soon as a blocked term is certain; nothing after that is released."""

    def __init__(self, matcher: Matcher, request_id: str = "") -> None:
        self._matcher, self.request_id = matcher, request_id
        self.text, self.sent, self.blocked = "", 0, False

    def feed(self, delta: str) -> str:
        """Add a delta; returns the text that may be sent now (possibly empty)."""
        self.text += delta
        return self._release(self._matcher.scan(self.text), final=False)

    def finish(self) -> str:
        """The stream ended: the rest, if it passed."""
        return self._release(self._matcher.scan(self.text), final=True)

    def _release(self, scan: Scan, final: bool) -> str:
        if self.blocked:
            return ""
        settled = [m for m in scan.matches if final or m not in scan.pending]
        if _blocks(settled):
            self.blocked = True
            return ""
        until = len(self.text) if final else _safe_end(scan, self._matcher.longest_term)
        until = min([until, *(m.start for m in scan.matches if m not in settled)])
        if until <= self.sent:
            return ""
        shown = masked(self.text, [m for m in settled if m.term.action == "mask"])
        out, self.sent = shown[self.sent : until], until
        return out


def _safe_end(scan: Scan, longest: int) -> int:
    """The original offset before the last `longest - 1` normalised characters: a term may still end there."""
    keep = max(longest - 1, 0)
    if keep == 0 or scan.size == 0:
        return len(scan.text)
    if scan.size <= keep:
        return 0
    return scan.origin[scan.size - keep]


class HeldOut:
    """The knowledge index with held documents' passages left out of every search (a SearchIndex)."""

    def __init__(self, index: Any, held: set[str]) -> None:
        self._index, self._held = index, held

    def search(self, query: str, k: int = 5, province: str | None = None, doc_id: str | None = None,
               mode: Any = "hybrid") -> list[Any]:
        if doc_id in self._held:
            return []
        hits = self._index.search(query, k + len(self._held) * 3, province, doc_id, mode)
        return [h for h in hits if h.chunk.doc_id not in self._held][:k]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)
