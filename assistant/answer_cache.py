"""Answers to questions asked without history, kept per Service (so per process and per index): a
reindex, an overlay change or a new document builds a new Service, and with it an empty cache. Only
the deterministic offline engine's answers are kept; the key also holds the index fingerprint, since
an index may reload another snapshot under the same Service (a replica replaced it)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer import Answer
from retrieval.embedding_cache import LruCache


class AnswerCache:
    """At most `size` answers, least recently used forgotten first; `size` 0 keeps none."""

    def __init__(self, size: int, fingerprint: Callable[[], str]) -> None:
        self._answers = LruCache(size)
        self._fingerprint = fingerprint
        self.hits = 0

    def get(self, question: str) -> Answer | None:
        found = self._answers.get((self._fingerprint(), question))
        if found is None:
            return None
        self.hits += 1
        return found.model_copy(deep=True)  # the caller sets latency_ms and may change the engine label

    def put(self, question: str, answer: Answer) -> None:
        self._answers.put((self._fingerprint(), question), answer.model_copy(deep=True))

    def __len__(self) -> int:
        return len(self._answers)
