"""Answers from tables that are not about one chain: problems, duties, actions, lists, terms."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.compose import Draft, chains_table
from assistant.offline.intent import Understanding
from assistant.prompts import Prompts


class LookupAnswers:
    def __init__(self, deps: T.ToolDeps, prompts: Prompts) -> None:
        self.deps = deps
        self.p = prompts

    def problem(self, u: Understanding, question: str) -> Draft | None:
        if u.province is None:
            pairs = [(p, self._problem_in(u, question, p)) for p in ("湖南", "湖北")]
            pairs = [(p, d) for p, d in pairs if d]
            if not pairs:
                return None
            drafts = [d for _, d in pairs]
            text = "\n\n".join(f"**{p}**：{d.text}" for p, d in pairs)
            return Draft(text, T.unique_citations([c for d in drafts for c in d.citations]), ["department_for_problem"],
                         drafts[0].suggestions)
        return self._problem_in(u, question, u.province)

    def _problem_in(self, u: Understanding, question: str, prov: str) -> Draft | None:
        r = T.department_for_problem(self.deps, question, prov)  # type: ignore[arg-type]
        if r.not_found:
            return None
        if prov == "湖北":
            return self._problem_hubei(u, r)
        units = list(dict.fromkeys(x for route in r.routes for x in route.units))
        details = "\n\n".join(f"- **{d.unit}**：{d.duty}" for d in r.duties if d.unit in units)
        text = self.p.render("answers/problem_hunan", problem="、".join(x.problem for x in r.routes),
                             units="、".join(units), details="\n\n" + details if details else "")
        cites = r.citations + [self.deps.cite(d.source, d.quote) for d in r.duties if d.unit in units]
        sugg = [f"{units[0]}还负责哪些工作？", "湖南要素保障行动由哪个部门牵头？"]
        return Draft(text, T.unique_citations(cites), ["department_for_problem"], sugg)

    def _problem_hubei(self, u: Understanding, r: T.RouteResult) -> Draft:
        chain_note = ""
        cites = list(r.citations)
        if u.keys("chain"):
            res = T.lead_department(self.deps, u.keys("chain")[0], "湖北")
            if res.matches:
                f = res.matches[0]
                inferred = "（原表该格为合并单元格，据上一行推定）" if "lead_department" in f.inferred_fields else ""
                chain_note = f"\n\n就{f.chain}而言，牵头部门是**{f.lead_department}**{inferred}。"
                cites += res.citations
        mech = self.deps.cite("hubei_scheme", "主动与领导小组办公室对接解决共性问题")
        text = self.p.render("answers/problem_hubei", problem=r.routes[0].problem, chain_note=chain_note)
        policies = [route.policy for route in r.routes if route.policy]
        if policies:
            text += "\n\n方案中的相关支持措施：“" + policies[0] + "”"
            cites.append(self.deps.cite("hubei_scheme", policies[0]))
        sugg = ["湖北的问题办理机制是怎样的？", "湖北汽车产业链的牵头部门是哪个？"]
        return Draft(text, T.unique_citations([*cites, mech]), ["department_for_problem"], sugg)

    def duties(self, u: Understanding) -> Draft | None:
        parts, cites = [], []
        for dept in u.keys("department"):
            r = T.department_duties(self.deps, dept, "湖南")
            for d in r.duties:
                parts.append(self.p.render("answers/duties", unit=d.unit, duty=d.duty))
                cites += r.citations
        if not parts:
            return None
        sugg = ["湖南要素保障行动由哪个部门牵头？", "湖南企业招工难找哪个部门？"]
        return Draft("\n\n".join(dict.fromkeys(parts)), T.unique_citations(cites), ["department_duties"], sugg)

    def action(self, u: Understanding) -> Draft | None:
        parts, cites = [], []
        for key in u.keys("action"):
            r = T.action_lead(self.deps, key)
            for a in r.actions:
                parts.append(self.p.render("answers/action", action=a.action, lead=a.lead_unit,
                                           participants="、".join(a.participants) or "无"))
            cites += r.citations
        if not parts:
            return None
        return Draft("\n\n".join(parts), T.unique_citations(cites), ["action_lead"],
                     ["湖南的六大行动分别由谁牵头？", "“八个一”工作推进机制是什么？"])

    def actions_led_by(self, u: Understanding) -> Draft | None:
        families = set(u.keys("department"))
        acts = [a for a in self.deps.tables.actions
                if {m.key for m in self.deps.gazetteer.scan(a.lead_unit) if m.kind == "department"} & families]
        if not acts:
            return None
        lead = acts[0].lead_unit
        lines = "\n".join(f"- **{a.action}**（参与单位：{'、'.join(a.participants)}）" for a in acts)
        text = f"在湖南方案的六大行动中，**{lead}**牵头的有 {len(acts)} 项：\n\n{lines}"
        cites = [self.deps.cite(a.source, a.quote) for a in acts]
        return Draft(text, T.unique_citations(cites), ["action_lead"], ["湖南要素保障行动由哪个部门牵头？"])

    def all_units(self) -> Draft:
        units = [d.unit for d in self.deps.tables.duties]
        text = f"湖南方案附件1“有关单位责任分工”共列出 {len(units)} 个单位：" + "、".join(units) + "。"
        cites = [self.deps.cite(d.source, d.quote) for d in self.deps.tables.duties[:2]]
        return Draft(text, cites, ["department_duties"], ["湖南省自然资源厅负责什么？"])

    def all_actions(self) -> Draft:
        lines = ["| 行动 | 牵头单位 | 参与单位 |", "| --- | --- | --- |"]
        lines += [f"| {a.action} | {a.lead_unit} | {'、'.join(a.participants)} |" for a in self.deps.tables.actions]
        cites = [self.deps.cite(a.source, a.quote) for a in self.deps.tables.actions[:1]]
        text = "湖南方案的六大行动及牵头单位（排第一的为牵头单位）：\n\n" + "\n".join(lines)
        return Draft(text, cites, ["action_lead"], ["要素保障行动有哪些参与单位？"])

    def list_filter(self, u: Understanding) -> str | None:
        """A table column value the question narrows the list to (产业, 类型, 牵头部门)."""
        folded = u.text
        for row in self.deps.tables.chains:
            for value in (row.industry, row.cluster_type):
                if value and value != row.chain and value.replace(" ", "") in folded:
                    return value
        if u.world_class:
            return "世界级产业集群"
        families = set(u.keys("department"))
        for row in self.deps.tables.chains:
            dept = row.lead_department or ""
            if dept and {m.key for m in self.deps.gazetteer.scan(dept) if m.kind == "department"} & families:
                return dept
        return None

    def list_chains(self, u: Understanding) -> Draft:
        value = self.list_filter(u)
        parts, cites = [], []
        for prov in u.provinces or ["湖北", "湖南"]:
            facts = T.list_chains(self.deps, prov)  # type: ignore[arg-type]
            if value:
                facts = [f for f in facts if value in (f.industry, f.cluster_type, f.lead_department)]
            if not facts:
                continue
            cols = (["chain", "leader", "leader_post", "lead_department"] if prov == "湖北"
                    else ["chain", "industry", "cluster_type", "leader"])
            head = self.p.render("answers/list_chains", province=prov, count=len(facts),
                                 filter=f"（{value}）" if value else "")
            parts.append(head + "\n\n" + chains_table(facts, cols) + "\n\n" + _leader_summary(facts))
            cites += [self.deps.cite(f.source, f.quote) for f in facts[:1]]
        if not parts:
            return None
        return Draft("\n\n".join(parts), cites, ["list_chains"],
                     ["湖南有哪些世界级产业集群？", "湖北芯片这条链谁是链长？"])

    def term(self, u: Understanding) -> Draft | None:
        parts, cites = [], []
        terms = {t.term: t for t in self.deps.tables.terms}
        for key in u.keys("term")[:2]:
            t = terms[key]
            if t.counterpart and u.province and t.province != u.province and t.counterpart in terms:
                t = terms[t.counterpart]  # "湖南对应的机制" after a question about 湖北's 七个一
            note = f"\n\n注：{t.note}" if t.note else ""
            parts.append(self.p.render("answers/term", term=t.term, quote=f"“{t.quote}”", note=note))
            cites.append(self.deps.cite(t.source, t.quote))
        if not parts:
            return None
        return Draft("\n\n".join(parts), cites, ["glossary"], ["什么是“五图作业”？", "湖南的“八个一”是什么？"])


def _leader_summary(facts: list[T.ChainFact]) -> str:
    counts: dict[str, list[str]] = {}
    for f in facts:
        counts.setdefault(f.leader or "—", []).append(f.chain)
    people = "；".join(f"{name} {len(chains)} 条" for name, chains in counts.items())
    return f"共涉及 {len(counts)} 位省领导：{people}。"
