"""The offline engine: guard → understand → resolve history → answer from tables or passages → compose."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.answer import Answer, Turn
from assistant.offline import guard
from assistant.offline.compose import Draft, with_sources
from assistant.offline.context import context_text, resolve
from assistant.offline.documents import DOC_HINTS, document_facts, outline_answer
from assistant.offline.handlers import TableAnswers
from assistant.offline.intent import Understanding, understand
from assistant.offline.lookups import LookupAnswers
from assistant.offline.passages import PassageAnswers, Search
from assistant.prompts import Prompts
from assistant.tools import ToolDeps, department_for_problem
from retrieval.normalize import fold

_DEFAULT_SUGGESTIONS = ["湖北芯片这条链谁是链长？", "园区企业招工难，湖南省里找哪个部门？", "什么是“五图作业”？"]
_GENERIC_TERMS = {"链长", "链长制", "牵头部门", "联络员", "总链长", "链主企业", "省领导联系机制"}
_EXPLICIT_TERM = re.compile(r"是什么|什么是|什么意思|啥意思|含义|指什么|指的是|解释|怎么理解|what is|what are|meaning")
_NUMBER_Q = re.compile(r"多少|几个|几项|几家|几条|几位|哪年|哪一年|how many|how much")
_OUTLINE_Q = re.compile(r"(哪些|哪几|几个|几大|五大|几项)(工作)?(机制|重点任务|任务|保障措施|工作职责|行动)")
_LIST_SCOPE = re.compile(r"链|集群|多少条|几条|一共|chain|cluster")


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
        if verdict.reason == "injection":
            return self._refuse("injection")
        judged = [(c, guard.clause_reason(c)) for c in guard.clauses(verdict.clean_question)]
        answerable = "".join(c for c, r in judged if r is None)
        declined = list(dict.fromkeys(r for _, r in judged if r))
        if not answerable:
            return self._refuse(declined[0] if declined else "not_found")
        u = resolve(understand(answerable, self.deps.gazetteer), history, self.deps.gazetteer)
        u.context = context_text(u, history)
        if verdict.other_provinces and not u.explicit_provinces:
            return self._refuse("other_province", provinces="、".join(verdict.other_provinces))
        if self._hunan_post(u):
            return self._refuse("hunan_post", covered="可以查询他们各自联系的产业链。")
        draft = self._route(u, answerable)
        if draft is None:
            return self._refuse(declined[0] if declined else "not_found")
        return self._finish(with_sources(self.p, draft), u, verdict, declined)

    def _finish(self, draft: Draft, u: Understanding, verdict: guard.Verdict, declined: list[str]) -> Draft:
        notes = [self.p.text(f"declines/{r}") for r in declined]
        if verdict.other_provinces:
            notes.append(f"知识库没有{'、'.join(verdict.other_provinces)}的资料，这部分无法回答。")
        if notes:
            draft.text += self.p.render("answers/mixed_decline", declined="".join(notes))
        if verdict.injected:
            draft.text = self.p.text("answers/injection_note") + draft.text
        if u.english:
            draft.text = self.p.text("answers/en/lead") + draft.text
        return draft

    def _hunan_post(self, u: Understanding) -> bool:
        return (u.province == "湖南" and not u.keys("chain")
                and bool(re.search(r"职务|职位|官职|什么官|\bposts?\b|position", u.text)))

    def _route(self, u: Understanding, question: str) -> Draft | None:
        for step in (self._route_documents, self._route_chains, self._route_rest):
            draft = step(u, question)
            if draft is not None:
                return draft
        return None

    def _route_documents(self, u: Understanding, question: str) -> Draft | None:
        """Questions about the press conference, the article or the CPPCC speeches read those texts first."""
        doc_id = next((d for d, rx in DOC_HINTS if re.search(rx, u.text)), None)
        if doc_id is None and u.context and not u.keys("chain"):
            doc_id = next((d for d, rx in DOC_HINTS if re.search(rx, fold(u.context))), None)
        has, chains, leaders = u.has, u.keys("chain"), u.keys("leader")
        if u.has("general") and not doc_id and not chains:
            return self.tables.general_leaders(u)
        if _OUTLINE_Q.search(u.text) and not u.keys("action"):
            outline = outline_answer(u, self.deps)
            if outline:
                return outline
        publication = re.search(r"发布|发表|发在|登|刊|哪天|什么时候|日期|作者|来源|媒体|文号|印发", u.text)
        facts = re.search(r"文号|字号|印发|发文|发的文|日期|哪天|什么时候|管到|有效|期限|废止|替代|取代|作废|施行|生效|"
                          r"附件|主送|发给|发表|发在|媒体|issued|number|repeal|valid", u.text)
        if has("document") and not chains and not leaders and not u.keys("department") and (publication or not doc_id):
            if facts:
                return document_facts(u, self.deps) or self.passages.passage(u, question, self._expansions(u))
            return self.passages.passage(u, question, self._expansions(u))
        if doc_id:
            return self.passages.passage(u, question, self._expansions(u), doc_id=doc_id)
        if has("compare") and len(chains) < 2 and not (chains and u.pronoun) and (len(u.provinces) == 2 or not chains):
            return self.passages.compare(u)
        if len(u.explicit_provinces) == 2 and not chains and not leaders and not u.has("list"):
            return self.passages.compare(u)
        return None

    def _route_chains(self, u: Understanding, question: str) -> Draft | None:
        has, chains, leaders = u.has, u.keys("chain"), u.keys("leader")
        if re.search(r"还牵头|别的行动|其他行动|哪些行动", u.text) and u.keys("department"):
            led = self.lookups.actions_led_by(u)
            if led:
                return led
        if u.keys("action") or (has("action") and re.search(r"六大行动|六个行动|six actions", u.text)):
            return self.lookups.action(u) if u.keys("action") else self.lookups.all_actions()
        if (has("list") or re.search(r"哪些|包括", u.text)) and not leaders and self.lookups.list_filter(u):
            return self.lookups.list_chains(u)
        if chains and has("problem") and self._problem_match(u, question):
            return self.lookups.problem(u, question)
        if chains and has("liaison"):
            return self.tables.liaison(u)
        if chains and has("lead_dept"):
            return self.tables.lead_department(u)
        if leaders and (not chains or u.pronoun):
            return self.tables.chains_of_leader(u)
        if chains:
            if has("list") and u.world_class:
                return self.lookups.list_chains(u)
            return self.tables.chain_leader(u)
        return None

    def _route_rest(self, u: Understanding, question: str) -> Draft | None:
        terms = [t for t in u.keys("term") if t not in _GENERIC_TERMS or _EXPLICIT_TERM.search(u.text)]
        if (u.has("list") or u.world_class) and _LIST_SCOPE.search(u.text) and not terms:
            return self.lookups.list_chains(u)
        if re.search(r"附件1|附件一", u.text) and re.search(r"单位", u.text) and re.search(r"哪些|列|名单|几个", u.text):
            return self.lookups.all_units()
        if u.keys("department") and u.province != "湖北" and (u.has("duties") or not u.has("problem")):
            d = self.lookups.duties(u)
            if d:
                return d
        if u.has("problem") and self._problem_match(u, question):
            d = self.lookups.problem(u, question)
            if d:
                return d
        if terms:
            u.mentions = [m for m in u.mentions if m.kind != "term" or m.key in terms]
            if _NUMBER_Q.search(u.text):
                return self.passages.passage(u, question, self._expansions(u)) or self.lookups.term(u)
            return self.lookups.term(u)
        return self.passages.passage(u, question, self._expansions(u))

    def _problem_match(self, u: Understanding, question: str) -> bool:
        prov = u.province or "湖南"
        return not department_for_problem(self.deps, question, prov).not_found  # type: ignore[arg-type]

    def _expansions(self, u: Understanding) -> list[str]:
        out = [u.context] if u.context else []
        if u.english:
            out += self.deps.gazetteer.translate(u.text)
        for word, syns in self.deps.tables.synonyms.items():
            if fold(word) in u.text:
                out += syns
        return out

    def _refuse(self, reason: str, **values: str) -> Draft:
        return Draft(self.p.render(f"refusals/{reason}", **values), refused=True, reason=reason,
                     suggestions=list(_DEFAULT_SUGGESTIONS))
