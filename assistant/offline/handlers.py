"""Answers from the structured tables: leaders, departments, liaisons, duties, problems, actions, lists."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.compose import Draft, chains_table, inferred_note
from assistant.offline.intent import Understanding
from assistant.prompts import Prompts


class TableAnswers:
    def __init__(self, deps: T.ToolDeps, prompts: Prompts) -> None:
        self.deps = deps
        self.p = prompts

    def _chains(self, u: Understanding) -> T.ChainResult:
        """The rows of the chains mentioned, restricted to the question's provinces when that leaves any."""
        keys = {(m.key, m.province) for m in u.of("chain")}
        if u.provinces and not any(p in u.provinces for _, p in keys):
            # "湖南呢？" after a Hubei chain: the same industry under the other province's name
            for key, _ in list(keys):
                short = key.removesuffix("产业链")
                keys |= {(m.key, m.province) for m in self.deps.gazetteer.scan(short) if m.kind == "chain"}
        rows = [r for r in self.deps.tables.chains if (r.chain, r.province) in keys]
        in_province = [r for r in rows if r.province in u.provinces]
        rows = in_province or rows
        return T.chain_result(self.deps, rows)

    def chain_leader(self, u: Understanding) -> Draft | None:
        r = self._chains(u)
        if not r.matches:
            return None
        parts = []
        for f in r.matches:
            note = inferred_note(self.p, f, ("leader", "leader_post"))
            if u.english:
                name = "answers/en/chain_leader" if f.province == "湖北" else "answers/en/chain_leader_hunan"
                parts.append(self.p.render(name, chain=f.chain, leader=f.leader, post=f.leader_post,
                                           pinyin=self.deps.gazetteer.pinyin.get(f.leader, ""), note=note))
            elif f.province == "湖北":
                parts.append(self.p.render("answers/chain_leader", chain=f.chain, leader=f.leader,
                                           post=f.leader_post, note=note))
            else:
                parts.append(self.p.render("answers/chain_leader_hunan", chain=f.chain, leader=f.leader, note=note))
        first = r.matches[0]
        sugg = [f"{first.leader}还负责哪些产业链？"]
        if first.province == "湖北":
            sugg.insert(0, f"湖北{first.chain}的牵头部门是哪个？")
        sugg.append(f"{first.province}一共有哪些重点产业链？")
        return Draft("\n\n".join(parts), r.citations, ["chain_leader"], sugg)

    def lead_department(self, u: Understanding) -> Draft | None:
        u.provinces = u.provinces or ["湖北"]
        r = self._chains(u)
        if not r.matches:
            return None
        parts = []
        for f in r.matches:
            if f.province != "湖北":
                parts.append(self.p.render("answers/lead_department_hunan", chain=f.chain, leader=f.leader))
                continue
            note = inferred_note(self.p, f, ("lead_department",))
            parts.append(self.p.render("answers/lead_department", chain=f.chain, department=f.lead_department,
                                       note=note))
            if f.chain == "汽车产业链":
                press = self.deps.cite("hubei_press", "作为汽车产业链的牵头部门")
                parts.append(self.p.text("answers/lead_department_press"))
                r.citations.append(press)
        chain = r.matches[0]
        sugg = [f"湖北{chain.chain}的联络员和联络处室是什么？", "牵头部门要负责哪些工作？",
                f"湖北{chain.chain}的链长是谁？"]
        return Draft("\n\n".join(parts), r.citations, ["lead_department"], sugg)

    def liaison(self, u: Understanding) -> Draft | None:
        u.provinces = ["湖北"]
        r = self._chains(u)
        if not r.matches:
            return None
        parts = []
        for f in r.matches:
            note = inferred_note(self.p, f, ("liaison", "division"))
            parts.append(self.p.render("answers/liaison", chain=f.chain, liaison=f.liaison,
                                       division=f.division, note=note))
        sugg = [f"湖北{r.matches[0].chain}的牵头部门是哪个？", "省经信厅联络处室的作用是什么？"]
        return Draft("\n\n".join(parts), r.citations, ["liaison"], sugg)

    def chains_of_leader(self, u: Understanding) -> Draft:
        parts, cites = [], []
        for name in u.keys("leader"):
            r = T.chains_of_leader(self.deps, name)
            if r.not_found or not r.chains:
                continue
            cols = ["chain", "lead_department"] if r.province == "湖北" else ["chain", "industry", "cluster_type"]
            post = f"（{r.post}）" if r.post else ""
            template = "answers/en/leader_chains" if u.english else "answers/leader_chains"
            parts.append(self.p.render(template, leader=r.leader, post=post, table=chains_table(r.chains, cols),
                                       pinyin=self.deps.gazetteer.pinyin.get(r.leader or "", "")))
            cites += r.citations
        if not parts:
            return self.general_leaders(u)
        sugg = [f"{c.chain}的链长是谁？" for c in T.chains_of_leader(self.deps, u.keys("leader")[0]).chains[:1]]
        return Draft("\n\n".join(parts), cites, ["chains_of_leader"], sugg + ["湖北的总链长是谁？"])

    def general_leaders(self, u: Understanding) -> Draft:
        parts, cites = [], []
        for prov in u.provinces or ["湖北", "湖南"]:
            r = T.general_leaders(self.deps, prov)  # type: ignore[arg-type]
            if r.leaders:
                names = "；".join(f"**{x['name']}**（{x['post']}）" for x in r.leaders)
                parts.append(self.p.render("answers/general_leaders", names=names))
                cites.append(self.deps.cite("hubei_scheme", "省委、省政府主要领导担任全省产业链总链长，总揽全省产业链发展大局"))
            else:
                parts.append(self.p.render("answers/general_hunan", statement=r.statement))
            cites += r.citations
        return Draft("\n\n".join(parts), cites, ["general_leaders"],
                     ["湖北一共有哪些重点产业链？", "什么是“七个一”工作模式？"])
