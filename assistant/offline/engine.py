"""The offline engine: deterministic, no model. A message is stripped of smuggled instructions and split into
asks; each ask is guarded, read, resolved against the dialogue into a frame, answered by the frame's
answerer (a typed tool) or by typed extraction from the documents, and the answers are composed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.answer import Answer, Turn
from assistant.offline import answer_chains, answer_documents, answer_facts, answer_units
from assistant.offline.compose import Composer, Outcome
from assistant.offline.extraction import Extractor
from assistant.offline.reply import Answerer, Context, Search
from assistant.policy import Policy, RefusalReason
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from assistant.understanding.asks import AskSplitter
from assistant.understanding.dialogue import Dialogue, Resolver
from assistant.understanding.intents import IntentRanker
from assistant.understanding.language import Converter, detect
from assistant.understanding.reading import Reader

ANSWERERS: dict[str, Answerer] = {
    "chain_leader": answer_chains.chain_leader, "leader_chains": answer_chains.leader_chains,
    "lead_department": answer_chains.lead_department, "liaison": answer_chains.liaison,
    "list_chains": answer_chains.list_chains, "department_chains": answer_chains.department_chains,
    "general_leader": answer_chains.general_leader,
    "department_duties": answer_units.department_duties, "problem_department": answer_units.problem_department,
    "action_lead": answer_units.action_lead, "all_actions": answer_units.all_actions,
    "department_actions": answer_units.department_actions,
    "person_profile": answer_facts.person_profile, "event_info": answer_facts.event_info,
    "event_people": answer_facts.event_people, "exchange": answer_facts.exchange,
    "statement": answer_facts.statement, "figure": answer_facts.figure, "mechanism": answer_facts.mechanism,
    "define_term": answer_documents.define_term, "compare": answer_documents.compare,
    "outline": answer_documents.outline, "document_info": answer_documents.document_info,
    "capabilities": answer_documents.capabilities,
}


@dataclass
class Understanding:
    """The parts that read questions, built once per knowledge base."""

    reader: Reader
    ranker: IntentRanker
    resolver: Resolver
    splitter: AskSplitter
    policy: Policy
    converter: Converter


class OfflineEngine:
    name = "offline"

    def __init__(self, deps: ToolDeps, prompts: Prompts, search: Search, understanding: Understanding,
                 as_of: dt.date) -> None:
        self.deps, self.prompts, self.search, self.u = deps, prompts, search, understanding
        self.composer = Composer(deps.tables, prompts, understanding.converter, as_of)
        missing = {i.answerer for i in deps.tables.catalog.intents} - set(ANSWERERS)
        if missing:
            raise ValueError(f"intents.yaml names answerers that do not exist: {sorted(missing)}")

    def answer(self, question: str, history: list[Turn] | None = None) -> Answer:
        lang = detect(question)
        clean, injected = self.u.policy.strip(question)
        starters = self.prompts.text("answers/zh/starters").splitlines()
        if not clean:
            return self.composer.answer([Outcome(question, refused=RefusalReason.INJECTION)], lang, True, starters)
        dialogue = self.u.resolver.history([(t.role, t.content) for t in history or []])
        outcomes = [self._ask(ask, dialogue, lang) for ask in self.u.splitter.split(clean)]
        answer = self.composer.answer(_merged(outcomes), lang, injected, starters)
        answer.engine = self.name
        return answer

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        answer = self.answer(question, history)
        for i in range(0, len(answer.answer), 24):
            yield answer.answer[i : i + 24]
        yield answer

    def _ask(self, ask: str, dialogue: Dialogue, lang: str) -> Outcome:
        reason = self.u.policy.reason(ask)
        if reason is not None:
            return Outcome(ask, refused=reason)
        reading = self.u.reader.read(ask)
        if reading.regions and not reading.provinces:
            return Outcome(ask, refused=RefusalReason.OTHER_PROVINCE, regions=reading.regions)
        frame = self.u.resolver.resolve(reading, dialogue)
        ctx = Context(self.deps, self.prompts, self.search, lang, dialogue)
        reply = ANSWERERS[frame.intent.answerer](ctx, frame) if frame.intent is not None else None
        if reply is None:
            reply = Extractor(ctx).answer(frame)
        if reply is None:
            dialogue.frames.append(frame)
            return Outcome(ask, refused=RefusalReason.NOT_FOUND, regions=reading.regions)
        frame.named = [m for m in self.deps.gazetteer.scan(reply.lead + reply.body)
                       if m.kind not in ("province", "city", "region")]
        dialogue.frames.append(frame)
        return Outcome(ask, reply, refused=reply.refused and RefusalReason(reply.refused), regions=reading.regions)


def _merged(outcomes: list[Outcome]) -> list[Outcome]:
    """Asks that came to the same answer ("谁是链长？职务是什么？") are one."""
    out: list[Outcome] = []
    for o in outcomes:
        same = next((x for x in out if x.reply and o.reply and x.reply.lead == o.reply.lead), None)
        if same is None:
            out.append(o)
    return out
