"""The offline engine: guard → understand → resolve history → answer from tables or passages → compose."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.answer import Answer, Turn
from assistant.offline import guard
from assistant.offline.compose import Draft, with_sources
from assistant.offline.context import resolve
from assistant.offline.documents import document_facts
from assistant.offline.handlers import TableAnswers
from assistant.offline.intent import Understanding, understand
from assistant.offline.lookups import LookupAnswers
from assistant.offline.passages import PassageAnswers, Search
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from retrieval.normalize import fold

_DEFAULT_SUGGESTIONS = ["湖北芯片这条链谁是链长？", "园区企业招工难，湖南省里找哪个部门？", "什么是“五图作业”？"]
_QUESTIONISH = re.compile(r"[?？]|谁|哪|什么|多少|几|吗|呢|怎么|如何|是否|介绍|列出|who|what|which|how|list")


class OfflineEngine:
    name = "offline"

    def __init__(self, deps: ToolDeps, prompts: Prompts, search: Search, knowledge_dir: Path) -> None:
        self.deps = deps
        self.p = prompts
        self.tables = TableAnswers(deps, prompts)
        self.lookups = LookupAnswers(deps, prompts)
        self.passages = PassageAnswers(deps, prompts, search, knowledge_dir)

    def answer(self, question: str, history: list[Turn] | None = None) -> Answer:
        draft = self._draft(question, history or [])
        if not draft.suggestions:
            draft.suggestions = list(_DEFAULT_SUGGESTIONS)
        return Answer(answer=draft.text, refused=draft.refused, refusal_reason=draft.reason,
                      citations=draft.citations, tools_used=draft.tools_used, engine=self.name,
                      suggestions=draft.suggestions[:3])

    def _draft(self, question: str, history: list[Turn]) -> Draft:
        verdict = guard.inspect(question)
        if verdict.reason == "forgery":
            return self._refuse("forgery")
        if verdict.reason == "personal_data":
            return self._personal(verdict.clean_question, history)
        if verdict.reason == "injection":
            return self._refuse("injection")
        u = resolve(understand(verdict.clean_question, self.deps.gazetteer), history, self.deps.gazetteer)
        refusal = self._scope(u, verdict)
        if refusal:
            return refusal
        draft = self._route(u, verdict.clean_question)
        if draft is None:
            return self._refuse("not_found")
        draft = with_sources(self.p, draft)
        if verdict.other_provinces:
            declined = f"知识库没有{'、'.join(verdict.other_provinces)}的资料，这部分无法回答。"
            draft.text += self.p.render("answers/mixed_decline", declined=declined)
        if verdict.injected:
            draft.text = self.p.text("answers/injection_note") + draft.text
        if u.english:
            draft.text = self.p.text("answers/en/lead") + draft.text
        return draft

    def _scope(self, u: Understanding, verdict: guard.Verdict) -> Draft | None:
        if verdict.other_provinces and not u.provinces:
            return self._refuse("other_province", provinces="、".join(verdict.other_provinces))
        if guard.asks_later_period(u.text, verdict.later_years):
            return self._refuse("later_period", covered="按2021年的文件，可以查询当时的链长、牵头部门和目标任务。")
        has_entity = bool(u.mentions)
        if guard.is_off_topic(u.text) and not has_entity:
            return self._refuse("off_topic")
        if u.has("leader") and re.search(r"职务|职位|官职|什么官|post|position", u.text) and u.province == "湖南" \
                and u.keys("leader") and not u.keys("chain"):
            return self._refuse("hunan_post", covered=f"可以查询{u.keys('leader')[0]}联系的产业链。")
        return None

    def _route(self, u: Understanding, question: str) -> Draft | None:
        has = u.has
        chains, leaders = u.keys("chain"), u.keys("leader")
        if has("compare") or (len(u.provinces) == 2 and not chains and not leaders):
            return self.passages.compare(u)
        if has("document") and not chains and not leaders:
            return document_facts(u, self.deps) or self.passages.passage(u, question, [])
        if has("general"):
            return self.tables.general_leaders(u)
        if u.keys("action") or (has("action") and re.search(r"六大行动|六个行动|six actions", u.text)):
            return self.lookups.action(u) if u.keys("action") else self.lookups.all_actions()
        if chains and has("liaison"):
            return self.tables.liaison(u)
        if chains and has("lead_dept"):
            return self.tables.lead_department(u)
        if leaders and (not chains or u.pronoun):
            return self.tables.chains_of_leader(u)
        if chains and not (has("problem") and _problem_words(u)):
            if has("list") and u.world_class:
                return self.lookups.list_chains(u)
            return self.tables.chain_leader(u)
        return self._route_rest(u, question)

    def _route_rest(self, u: Understanding, question: str) -> Draft | None:
        if (u.has("list") or u.world_class) and re.search(r"链|集群|chain|cluster|哪些|所有|全部", u.text) \
                and not u.keys("term"):
            return self.lookups.list_chains(u)
        if u.keys("department") and (u.has("duties") or not u.has("problem")):
            d = self.lookups.duties(u)
            if d:
                return d
        if u.has("problem") and _problem_words(u):
            d = self.lookups.problem(u, question)
            if d:
                return d
        if u.keys("term"):
            d = self.lookups.term(u)
            if d and (not _QUESTIONISH.search(u.text) or u.has("term") or len(u.text) < 16):
                return d
            return self.passages.passage(u, question, self._expansions(u)) or d
        return self.passages.passage(u, question, self._expansions(u))

    def _expansions(self, u: Understanding) -> list[str]:
        out = []
        for word, syns in self.deps.tables.synonyms.items():
            if fold(word) in u.text:
                out += syns
        return out

    def _personal(self, clean: str, history: list[Turn]) -> Draft:
        """A mixed question answers its answerable sentences and declines the personal-data part."""
        kept = [s for s in re.split(r"(?<=[。！？!?；;,，])", clean) if s and not guard._PERSONAL.search(fold(s))]
        rest = "".join(kept)
        if rest and _QUESTIONISH.search(rest):
            u = resolve(understand(rest, self.deps.gazetteer), history, self.deps.gazetteer)
            if u.mentions:
                draft = self._route(u, rest)
                if draft:
                    draft = with_sources(self.p, draft)
                    draft.text += self.p.render("answers/mixed_decline", declined=self.p.text("refusals/personal_data"))
                    return draft
        return self._refuse("personal_data")

    def _refuse(self, reason: str, **values: str) -> Draft:
        return Draft(self.p.render(f"refusals/{reason}", **values), refused=True, reason=reason,
                     suggestions=list(_DEFAULT_SUGGESTIONS))


def _problem_words(u: Understanding) -> bool:
    return bool(re.search(r"找|部门|谁管|归谁|向谁|问谁|单位|department|who", u.text))
