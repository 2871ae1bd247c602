"""Builds the parts once and answers: picks the engine, validates input, times and logs each answer."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.answer import Answer, Turn
from assistant.answer_cache import AnswerCache
from assistant.budget import Budget
from assistant.config import Settings
from assistant.content_policy import REASON, ContentPolicy, HeldOut
from assistant.curated import CuratedAnswers
from assistant.errors import EngineError, InputTooLarge, InvalidText, UserInputError
from assistant.lexicon import served
from assistant.offline.engine import OfflineEngine, Understanding
from assistant.policy import Policy
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from assistant.understanding.asks import AskSplitter
from assistant.understanding.dialogue import Resolver
from assistant.understanding.intents import IntentRanker
from assistant.understanding.language import Converter
from assistant.understanding.ordinals import Ordinals
from assistant.understanding.reading import Reader
from retrieval.documents import Document
from retrieval.gazetteer import Gazetteer
from retrieval.overlay import Overlay
from retrieval.overlay import apply as apply_overlay
from retrieval.registry import Tables
from retrieval.search import Hit, Mode

if TYPE_CHECKING:
    from assistant.store import Store  # SQLAlchemy is not needed to answer (the CLI has no store)

log = logging.getLogger("chainqa.service")
_YEAR = re.compile(r"(20\d\d)\s*年")


class Engine(Protocol):
    name: str

    def answer(self, question: str, history: list[Turn] | None = None) -> Answer: ...

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]: ...


class SearchIndex(Protocol):
    """What the service needs of the knowledge index (retrieval.index.KnowledgeIndex)."""

    @property
    def documents(self) -> dict[str, Document]: ...

    @property
    def tables(self) -> Tables: ...

    @property
    def gazetteer(self) -> Gazetteer: ...

    def search(self, query: str, k: int = 5, province: str | None = None, doc_id: str | None = None,
               mode: Mode = "hybrid") -> list[Hit]: ...

    def section_at(self, doc_id: str, offset: int) -> str: ...


def build_understanding(tables: Tables, gazetteer: Gazetteer, documents: dict[str, Document]) -> Understanding:
    texts = {k: d.text for k, d in documents.items()}
    reader = Reader(tables, gazetteer, texts)
    ranker = IntentRanker(tables.catalog, reader)
    years = {int(y) for text in texts.values() for y in _YEAR.findall(text)}
    places: dict[str, tuple[int, set[int]]] = {}
    for p in tables.provinces:
        docs = [d for d in tables.documents if d.province == p.name]
        seen = {int(y) for d in docs for y in _YEAR.findall(texts.get(d.id, ""))}
        for name in {p.name, p.full_name, *p.aliases} if docs else ():
            places[name] = (max(d.date.year for d in docs), seen)
    last = max((d.date.year for d in tables.documents), default=0)
    first = min((d.date.year for d in tables.documents), default=0)
    question_words = tables.catalog.question_words()
    return Understanding(reader=reader, ranker=ranker, resolver=Resolver(tables, gazetteer, reader, ranker),
                         splitter=AskSplitter(tables.catalog.markers, question_words, tables.catalog.stopwords,
                                               tables.catalog.unit_askers),
                         policy=Policy(tables.policy, years, last, first, question_words, places), converter=Converter(),
                         ordinals=Ordinals(tables.catalog.markers.ordinal_measures))


WARM_UP = "产业链链长"  # any text: what a search loads on first use is loaded by searching once


@dataclass
class Service:
    settings: Settings
    deps: ToolDeps
    prompts: Prompts
    index: SearchIndex
    offline: OfflineEngine
    understanding: Understanding
    safety: ContentPolicy
    llm: Engine | None = None
    store: Store | None = None

    curated: CuratedAnswers | None = None
    held: dict[str, list[str]] = field(default_factory=dict)  # held for review (a lexicon hit) → its terms
    answers: AnswerCache | None = None  # offline answers to questions without history (settings.answer_cache_size)

    @classmethod
    def build(cls, settings: Settings, *, index: SearchIndex | None = None, store: Store | None = None,
              overlay: Overlay | None = None) -> Service:
        """Everything an answer needs, built once. `overlay`: operators' aliases, example questions, curated
        answers, the edited content-safety lexicon and approved documents (from the shared store) on top of
        knowledge/. Documents with a lexicon hit that no operator approved are held out of search."""
        index = index if index is not None else _open_index(settings)
        tables, gazetteer = index.tables, index.gazetteer
        if overlay is not None and (overlay.aliases or overlay.examples):
            tables = apply_overlay(tables, overlay)
            gazetteer = index.gazetteer.over(tables, {k: d.text for k, d in index.documents.items()})
        deps = ToolDeps(tables=tables, gazetteer=gazetteer, documents=index.documents, section_at=index.section_at)
        prompts = Prompts(settings.prompts_dir)
        safety = _content_policy(settings, prompts, store, overlay)
        held = _held(safety, index, overlay)
        searched = HeldOut(index, set(held)) if held and settings.lexicon_hold_documents else index
        understanding = build_understanding(deps.tables, deps.gazetteer, deps.documents)
        offline = OfflineEngine(deps, prompts, searched.search, understanding, settings.as_of)
        service = cls(settings, deps, prompts, index, offline, understanding, safety, store=store, held=held)
        if settings.answer_cache_size > 0:
            service.answers = AnswerCache(settings.answer_cache_size, lambda: str(getattr(index, "fingerprint", "")))
        if overlay is not None and overlay.curated and settings.curated_answers:
            service.curated = CuratedAnswers(overlay.curated, deps)
        if settings.engine == "llm" and settings.llm_configured:
            from assistant.llm import LLMEngine

            service.llm = LLMEngine.from_settings(settings, deps, prompts, searched, offline)
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

    def ask(self, question: str, history: list[Turn] | None = None, *, engine: str | None = None,
            request_id: str = "") -> Answer:
        history = history or []
        self.validate(question, history)
        started = time.perf_counter()
        screened = self.safety.question(question, history, request_id)
        if screened.blocked:  # no retrieval, no model call
            answer = self.safety.refused(self._engine(engine).name)
        else:
            cache = self.answers if not history and self._engine(engine) is self.offline else None
            cached = cache.get(question) if cache is not None else None
            if cached is not None:  # a cached answer has passed the content check already
                answer = cached
            else:
                answer = (self.curated.answer(question) if self.curated and not history else None) or \
                    self._budget(engine).call(self._engine(engine).answer, question, history)
                answer = self.safety.answer(answer, request_id)
                if cache is not None:
                    cache.put(question, answer)
        answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
        self._log(screened.logged, answer)
        return answer

    def stream(self, question: str, history: list[Turn] | None = None, *, engine: str | None = None,
               request_id: str = "") -> Iterator[str | Answer]:
        """Text deltas, then the final Answer. The deltas pass the content-safety gate (only text already
        checked is sent; an answer with a blocked term ends as the refusal). A stream closed early (the client
        went away) is logged too, with what was sent so far."""
        history = history or []
        self.validate(question, history)
        started, sent, answer, logged = time.perf_counter(), [], None, False
        chosen = self._engine(engine)
        screened = self.safety.question(question, history, request_id)
        try:
            for item in self._gated(chosen, question, history, screened.blocked, request_id):
                if isinstance(item, Answer):
                    answer = item
                    continue
                sent.append(item)
                yield item
            assert answer is not None  # _gated ends with the Answer or raises
            answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
            self._log(screened.logged, answer)
            logged = True
            yield answer
        except GeneratorExit:
            if logged:  # closed after the final event: nothing was lost
                raise
            partial = answer or Answer(answer="".join(sent), engine=chosen.name)
            partial.latency_ms = round((time.perf_counter() - started) * 1000, 2)
            self._log(screened.logged, partial, aborted=True)
            raise

    def _gated(self, chosen: Engine, question: str, history: list[Turn], blocked: bool,
               request_id: str) -> Iterator[str | Answer]:
        """The engine's stream through the gate; a blocked question never reaches the engine."""
        if blocked:
            yield self.safety.refusal
            yield self.safety.refused(chosen.name)
            return
        gate, answer, released = self.safety.gate(request_id), None, False
        for item in _within(self._budget(chosen.name), iter(chosen.stream(question, history))):
            if isinstance(item, Answer):
                answer = item
                continue
            if out := gate.feed(item):
                released = True
                yield out
            if gate.blocked:  # stop reading the model: nothing more of this answer is sent
                break
        if gate.blocked:  # the safety check below refuses it and records the hit
            answer = Answer(answer=gate.text, engine=chosen.name)
        elif answer is None:
            raise EngineError("the engine ended its stream without an answer")
        if rest := gate.finish():
            yield rest
        final = self.safety.answer(answer, request_id)
        if final.refusal_reason == REASON and not released:
            yield final.answer
        yield final

    def warm(self) -> None:
        """Load now what the first ask that searches would load on the event loop (call it off the loop,
        once the service is ready): the vector store, checked to hold the index's vectors (healed if not;
        /healthz says `degraded` until then), and the BM25 tokenizer's dictionary (jieba, ~1.4 s). A model
        embedding is not loaded: its first query runs in the worker pool anyway."""
        verify = getattr(self.index, "verify_vectors", None)
        if verify is not None:
            verify()
        self.index.search(WARM_UP, k=1, mode="lexical")

    @property
    def uses_llm(self) -> bool:
        return self.settings.engine == "llm" and self.llm is not None

    def _engine(self, name: str | None) -> Engine:
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


def _content_policy(settings: Settings, prompts: Prompts, store: Store | None, overlay: Overlay | None) -> ContentPolicy:
    """The lexicon operators edited (stored in the overlay) or, before the first edit, the deployment's file."""
    lexicon = served(overlay.lexicon if overlay is not None else None, settings.resolved_lexicon_file)
    return ContentPolicy(lexicon, prompts.text(settings.content_refusal_template),
                         store.record_hits if store is not None else None, enabled=settings.lexicon_enabled)


def _held(safety: ContentPolicy, index: SearchIndex, overlay: Overlay | None) -> dict[str, list[str]]:
    """The documents held for review (a lexicon hit, not approved as they are now), each with its terms."""
    found = safety.held({k: d.text for k, d in index.documents.items()}, overlay.approved if overlay else {})
    if found:
        log.warning("documents held for review (a lexicon hit): %s", ", ".join(sorted(found)))
    return {doc_id: sorted({m.term.term for m in hits}) for doc_id, hits in found.items()}


def _open_index(settings: Settings) -> SearchIndex:
    from retrieval.index import KnowledgeIndex

    return KnowledgeIndex.open(settings.knowledge_dir, settings.data_dir, chroma_url=settings.chroma_url,
                               embedding=settings.embedding, embedding_options=settings.embedding_options,
                               fallback_embedded=settings.chroma_fallback_embedded)


def _unstorable(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cs" or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
               for ch in text)


def _within(budget: Budget, items: Iterator[str | Answer]) -> Iterator[str | Answer]:
    """Drive an engine's stream step by step inside the answer's deadline, whichever thread asks next."""
    while True:
        try:
            yield budget.call(next, items)
        except StopIteration:
            return
