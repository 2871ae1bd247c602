"""Curated answers: operators' answers to questions the engine missed, served when a question matches one
(the same normalised text, or nearly the same). Each cites a quote checked verbatim when it was saved."""

from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.tools import ToolDeps
from retrieval.normalize import fold
from retrieval.overlay import Curated
from retrieval.tfidf import CharTfidf

_PUNCT = re.compile(r"[\W_]+")
THRESHOLD = 0.9  # cosine of character 1–3-grams: near-identical wording only


def normalised(question: str) -> str:
    return _PUNCT.sub("", fold(question))


class CuratedAnswers:
    def __init__(self, curated: list[Curated], deps: ToolDeps, threshold: float = THRESHOLD) -> None:
        self.items, self.deps, self.threshold = list(curated), deps, threshold
        self._exact = {normalised(c.question): c for c in self.items}
        self._tfidf = CharTfidf(ngram_range=(1, 3)) if self.items else None
        self._matrix = self._tfidf.fit_transform([normalised(c.question) for c in self.items]) if self._tfidf else None

    def match(self, question: str) -> Curated | None:
        key = normalised(question)
        if key in self._exact:
            return self._exact[key]
        if self._tfidf is None or self._matrix is None or not key:
            return None
        sims = (self._matrix @ self._tfidf.transform([key]).T).toarray().ravel()
        best = int(sims.argmax())
        return self.items[best] if sims[best] >= self.threshold else None

    def answer(self, question: str) -> Answer | None:
        c = self.match(question)
        if c is None:
            return None
        cite = self.deps.cite(c.doc_id, c.quote)
        text = f"{c.answer}\n\n> {c.quote}\n>\n> —— 《{cite.doc_title}》" + (f"（{cite.section}）" if cite.section else "")
        return Answer(answer=text, citations=[cite], tools_used=["curated"], engine="offline (curated)")
