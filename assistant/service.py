"""Builds the parts once and answers: picks the engine, validates input, times and logs each answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.answer import Answer, Turn
from assistant.config import Settings
from assistant.errors import InputTooLarge, UserInputError
from assistant.offline.engine import OfflineEngine
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from retrieval.documents import load_documents
from retrieval.gazetteer import Gazetteer
from retrieval.registry import load_tables

log = logging.getLogger("chainqa.service")


@dataclass
class Service:
    settings: Settings
    deps: ToolDeps
    prompts: Prompts
    index: object
    offline: OfflineEngine
    llm: object | None = None  # assistant.llm.LLMEngine when an endpoint is configured
    store: object | None = None  # assistant.store.Store

    @classmethod
    def build(cls, settings: Settings, *, index: object | None = None, store: object | None = None) -> Service:
        tables = load_tables(settings.knowledge_dir)
        gazetteer = Gazetteer(tables)
        if index is None:
            from retrieval.index import KnowledgeIndex

            index = KnowledgeIndex.open(settings.knowledge_dir, settings.data_dir, chroma_url=settings.chroma_url,
                                        embedding=settings.embedding,
                                        embedding_options=settings.embedding_options,
                                        fallback_embedded=settings.chroma_fallback_embedded)
        documents = getattr(index, "documents", None) or load_documents(settings.knowledge_dir)
        deps = ToolDeps(tables=tables, gazetteer=gazetteer, documents=documents, section_at=index.section_at)
        prompts = Prompts(settings.prompts_dir)
        offline = OfflineEngine(deps, prompts, index.search, settings.knowledge_dir)
        service = cls(settings, deps, prompts, index, offline, store=store)
        if settings.engine == "llm" and settings.llm_configured:
            from assistant.llm import LLMEngine

            service.llm = LLMEngine.from_settings(settings, deps, prompts, index, offline)
        return service

    def validate(self, question: str, history: list[Turn]) -> None:
        s = self.settings
        if not question or not question.strip():
            raise UserInputError("question must not be empty")
        if len(question) > s.max_question_chars:
            raise InputTooLarge(f"question is longer than {s.max_question_chars} characters")
        if len(history) > s.max_history_turns:
            raise InputTooLarge(f"history has more than {s.max_history_turns} turns")
        if sum(len(t.content) for t in history) > s.max_history_chars:
            raise InputTooLarge(f"history is longer than {s.max_history_chars} characters")

    def ask(self, question: str, history: list[Turn] | None = None, *, engine: str | None = None) -> Answer:
        history = history or []
        self.validate(question, history)
        started = time.perf_counter()
        answer = self._engine(engine).answer(question, history)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        self._log(question, answer)
        return answer

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer (the LLM engine streams tokens; offline streams its text)."""
        history = history or []
        self.validate(question, history)
        started = time.perf_counter()
        engine = self._engine(None)
        if hasattr(engine, "stream"):
            answer = yield from engine.stream(question, history)
        else:
            answer = engine.answer(question, history)
            yield from _pieces(answer.answer)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        self._log(question, answer)
        yield answer

    def _engine(self, name: str | None):
        if (name or self.settings.engine) == "llm" and self.llm is not None:
            return self.llm
        return self.offline

    def _log(self, question: str, answer: Answer) -> None:
        if self.store is not None:
            try:
                self.store.log_question(question, answer)
            except Exception:  # the answer matters more than its log line
                log.exception("could not log the question")


def _pieces(text: str, size: int = 24) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i : i + size]
