"""Builds the parts once and answers: picks the engine, validates input, times and logs each answer."""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.answer import Answer, Turn
from assistant.config import Settings
from assistant.deadline import Budget
from assistant.errors import InputTooLarge, InvalidText, UserInputError
from assistant.offline.engine import OfflineEngine
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from retrieval.documents import load_documents
from retrieval.gazetteer import Gazetteer
from retrieval.registry import load_tables

if TYPE_CHECKING:
    from assistant.store import Store

log = logging.getLogger("chainqa.service")


@dataclass
class Service:
    settings: Settings
    deps: ToolDeps
    prompts: Prompts
    index: object
    offline: OfflineEngine
    llm: object | None = None  # assistant.llm.LLMEngine when an endpoint is configured
    store: Store | None = None

    @classmethod
    def build(cls, settings: Settings, *, index: object | None = None, store: Store | None = None) -> Service:
        if index is None:
            from retrieval.index import KnowledgeIndex

            index = KnowledgeIndex.open(settings.knowledge_dir, settings.data_dir, chroma_url=settings.chroma_url,
                                        embedding=settings.embedding,
                                        fallback_embedded=settings.chroma_fallback_embedded)
        # the tables and files of the snapshot in service: when knowledge/ is broken, the last good ones
        knowledge = getattr(index, "knowledge_dir", settings.knowledge_dir)
        tables = getattr(index, "tables", None) or load_tables(knowledge)
        gazetteer = Gazetteer(tables)
        documents = getattr(index, "documents", None) or load_documents(knowledge)
        deps = ToolDeps(tables=tables, gazetteer=gazetteer, documents=documents, section_at=index.section_at)
        prompts = Prompts(settings.prompts_dir)
        offline = OfflineEngine(deps, prompts, index.search, knowledge)
        service = cls(settings, deps, prompts, index, offline, store=store)
        if settings.engine == "llm" and settings.llm_configured:
            from assistant.llm import LLMEngine

            service.llm = LLMEngine.from_settings(settings, deps, prompts, index, offline)
        return service

    def validate(self, question: str, history: list[Turn]) -> None:
        s = self.settings
        if not question or not question.strip():
            raise UserInputError("question must not be empty")
        for name, text in (("question", question), *(("history", t.content) for t in history)):
            if _unstorable(text):  # a lone surrogate cannot be stored or shown: refuse it before answering
                raise InvalidText(f"{name} contains an invalid character (a lone surrogate or a control character)")
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
        answer = self._budget(engine).call(self._engine(engine).answer, question, history)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        self._log(question, answer)
        return answer

    def stream(self, question: str, history: list[Turn] | None = None, *,
               engine: str | None = None) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer (the LLM engine streams tokens; offline streams its text).
        A stream closed early (the client went away) is logged too, with what was sent so far."""
        history = history or []
        self.validate(question, history)
        started, sent, answer, logged = time.perf_counter(), [], None, False
        chosen = self._engine(engine)
        try:
            if hasattr(chosen, "stream"):
                answer = yield from _tracked(_within(self._budget(engine), chosen.stream(question, history)), sent)
            else:
                answer = chosen.answer(question, history)
                yield from _tracked(_pieces(answer.answer), sent)
            answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
            self._log(question, answer)
            logged = True
            yield answer
        except GeneratorExit:
            if logged:  # closed after the final event: nothing was lost
                raise
            partial = answer or Answer(answer="".join(sent), engine=getattr(chosen, "name", "offline"))
            partial.latency_ms = round((time.perf_counter() - started) * 1000, 2)
            self._log(question, partial, aborted=True)
            raise

    @property
    def uses_llm(self) -> bool:
        return self.settings.engine == "llm" and self.llm is not None

    def _engine(self, name: str | None):
        if (name or self.settings.engine) == "llm" and self.llm is not None:
            return self.llm
        return self.offline

    def _budget(self, engine: str | None) -> Budget:
        """The total deadline of one answer; only the LLM engine waits on anything that may hang."""
        return Budget(self.settings.llm_deadline_s if self._engine(engine) is self.llm else None)

    def _log(self, question: str, answer: Answer, aborted: bool = False) -> None:
        if self.store is not None:
            try:
                self.store.log_question(question, answer, aborted=aborted)
            except Exception:  # the answer matters more than its log line
                log.exception("could not log the question")


def _unstorable(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cs" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
               for ch in text)


def _within(budget: Budget, gen: Generator[str, None, Answer]) -> Generator[str, None, Answer]:
    """Drive `gen` step by step inside the answer's deadline, whichever thread asks for the next step."""
    while True:
        try:
            item = budget.call(next, gen)
        except StopIteration as done:
            return done.value
        yield item


def _tracked(gen: Generator[str, None, Answer] | Iterator[str], sent: list[str]):
    """Pass the deltas through, remembering them (an aborted stream is logged with what was sent)."""
    while True:
        try:
            item = next(gen)
        except StopIteration as done:
            return done.value
        sent.append(item)
        yield item


def _pieces(text: str, size: int = 24) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i : i + size]
