"""Answerers over the chain tables: a chain's leader, lead department and liaison, a leader's or a
department's chains, the chief chain leaders, the list of a province's chains."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.chain_rows import chain_facts, inferred_note, row_evidence, values
from assistant.offline.reply import Context, Evidence, Reply, asks_stated
from assistant.policy import RefusalReason
from assistant.understanding.dialogue import Frame, counterparts
from retrieval.normalize import fold

_LEADER = ("leader", "leader_post")


def _no_chain(ctx: Context, frame: Frame, missing: list[str]) -> Reply:
    chains = frame.slots.get("chain", [])
    names = "、".join(dict.fromkeys(m.key for m in chains))
    where = "、".join(ctx.province_name(p) for p in missing)
    lead = ctx.say("no_chain", province=where, chain=names)
    # "<省>新能源汽车链": the province's chain that shares a word of its name, as a pointer (not as the same chain)
    near = list(dict.fromkeys(c.key for p in missing for m in chains
                              for c in counterparts(ctx.tables, ctx.deps.gazetteer, m, p)))
    if near:
        lead += ctx.say("no_chain_near", province=where, chains="、".join(f"“{c}”" for c in near))
    return Reply(lead, refused=RefusalReason.NOT_FOUND)


def _missing_column(ctx: Context, facts: list[T.ChainFact], field: str) -> list[T.ChainFact]:
    return [f for f in facts if field not in f.labels]


def chain_leader(ctx: Context, frame: Frame) -> Reply | None:
    facts, missing = chain_facts(ctx, frame)
    if not facts:
        return _no_chain(ctx, frame, missing) if missing and frame.slots.get("chain") else None
    lead = "\n\n".join(ctx.say("chain_leader", **values(ctx, f)) for f in facts)
    first = facts[0]
    return Reply(lead, row_evidence(ctx, facts), notes=inferred_note(ctx, facts, _LEADER), tools=["chain_leader"],
                 about_people=True, suggestions=_fill(ctx, frame, first))


def _fill(ctx: Context, frame: Frame, f: T.ChainFact) -> list[str]:
    if frame.intent is None:
        return []
    vals = {"province": f.province, "chain": f.chain, "leader": f.leader or ""}
    out = []
    for template in frame.intent.suggestions:
        try:
            out.append(template.format(**vals))
        except KeyError:
            continue
    return out


_COLUMN_ASK = ("province", "chain", "term", "city")  # what an ask for a column of a chain's row names


def lead_department(ctx: Context, frame: Frame) -> Reply | None:
    return _column(ctx, frame, "lead_department", "lead_department", ("lead_department",))


def liaison(ctx: Context, frame: Frame) -> Reply | None:
    if frame.slots.get("liaison") and (not frame.slots.get("chain") or frame.reading.again):
        return _liaison_chains(ctx, frame)  # "他还负责别的链吗" after a chain's liaison: that person's chains
    if frame.slots.get("division") and (not frame.slots.get("chain") or "division" in frame.reading.pronouns):
        return _division_chains(ctx, frame)  # "这个处室还对口哪条链": the division's chains
    return _column(ctx, frame, "liaison", "liaison", ("liaison", "division"))


def _column(ctx: Context, frame: Frame, field: str, template: str, fields: tuple[str, ...]) -> Reply | None:
    facts, missing = chain_facts(ctx, frame)
    if not facts:
        return _no_chain(ctx, frame, missing) if missing and frame.slots.get("chain") else None
    without = _missing_column(ctx, facts, field)
    facts = [f for f in facts if f not in without]
    if not facts:
        f = without[0]
        # named, or pointed at ("这个产业"), not one carried over by an ellipsis ("那<省>呢")
        named = any(m.kind == "chain" and m.key == f.chain for m in frame.reading.mentions) or \
            bool({"chain", "thing"} & frame.reading.pronouns)
        by_duty = _by_duty(ctx, f, field) if field == "lead_department" and named else None
        return by_duty or Reply(ctx.say("no_column", **values(ctx, f), column=_column_name(ctx, field)),
                                row_evidence(ctx, without[:1]), refused=RefusalReason.NOT_FOUND,
                                # "What about <省>?": the column it lacks is the answer, unless the ask names
                                # something else (an action) that another reading is about
                                final=all(m.kind in _COLUMN_ASK for m in frame.reading.mentions))
    lead = "\n\n".join(ctx.say(template, **values(ctx, f)) for f in facts)
    notes = inferred_note(ctx, facts, fields) + _confirmations(ctx, facts, field)
    return Reply(lead, row_evidence(ctx, facts) + _confirming_evidence(ctx, facts, field), notes=notes,
                 tools=[field if field != "lead_department" else "lead_department"],
                 suggestions=_fill(ctx, frame, facts[0]))


def _by_duty(ctx: Context, f: T.ChainFact, field: str) -> Reply | None:
    """A table without a lead-department column: the unit whose listed duty is that chain's cluster
    ("省卫生健康委：负责配合推动生物医药产业集群培育发展"), said as the duty it is, not as a lead department."""
    r = T.units_for_duty(ctx.deps, f.chain, f.province)
    clauses = [c for c in r.matched if any(fold(f.chain + w) in fold(c) for w in ("产业", "集群"))]
    if r.not_found or not clauses:
        return None
    units = "、".join(f"**{d.unit}**" for d, c in zip(r.duties, r.matched, strict=True) if c in clauses)
    return Reply(ctx.say("column_by_duty", province=ctx.province_name(f.province), units=units,
                         clauses="；".join(dict.fromkeys(clauses)), column=_column_name(ctx, field)),
                 ctx.evidence(r.citations), tools=["units_for_duty"])


def _column_name(ctx: Context, field: str) -> str:
    labels = {lab for r in ctx.tables.documents for t in r.tables for lab, f in t.columns.items() if f == field}
    return "、".join(sorted(labels)) or field


def _confirmers(ctx: Context, f: T.ChainFact, field: str):
    """People of the narrative facts who speak for this chain's lead department (the press conference
    names 省发改委 as the 汽车 chain's lead department): an independent confirmation of a table cell."""
    if field != "lead_department" or not f.lead_department:
        return []
    short = fold(f.chain.removesuffix("产业链"))
    dept = ctx.deps.gazetteer.keys(f.lead_department, "department")
    return [p for p in ctx.tables.facts.people if short in fold(p.represents or "")
            and dept & ctx.deps.gazetteer.keys(p.org + (p.represents or ""), "department")]


def _confirmations(ctx: Context, facts: list[T.ChainFact], field: str) -> list[str]:
    return [ctx.say("confirmed_by", name=p.name, title=ctx.title_of(p), represents=p.represents or "")
            for f in facts for p in _confirmers(ctx, f, field)]


def _confirming_evidence(ctx: Context, facts: list[T.ChainFact], field: str) -> list[Evidence]:
    out = []
    for f in facts:
        for p in _confirmers(ctx, f, field):
            x = next((x for x in ctx.tables.facts.exchanges if x.answered_by == p.name), None)
            if x is not None:
                out.append(Evidence(ctx.deps.cite(x.source, x.quote)))
    return out


def _liaison_chains(ctx: Context, frame: Frame) -> Reply | None:
    name = frame.keys("liaison")[0]
    r = T.chains_of_liaison(ctx.deps, name)
    if r.not_found:
        return None
    f = r.matches[0]
    chains = "、".join(x.chain for x in r.matches)
    lead = ctx.say("liaison_chains", liaison=ctx.en_name(name) if ctx.en else name, chains=chains,
                   division=f.division or "", liaison_label=f.labels.get("liaison", ""))
    return Reply(lead, row_evidence(ctx, r.matches), notes=inferred_note(ctx, r.matches, ("liaison",)),
                 tools=["chains_of_liaison"])


def _division_chains(ctx: Context, frame: Frame) -> Reply | None:
    r = T.chains_of_division(ctx.deps, frame.keys("division")[0])
    if r.not_found:
        return None
    f = r.matches[0]
    lead = ctx.say("division_chains", division=f.division or "", chains="、".join(x.chain for x in r.matches),
                   division_label=f.labels.get("division", ""), count=len(r.matches))
    return Reply(lead, row_evidence(ctx, r.matches), notes=inferred_note(ctx, r.matches, ("division",)),
                 tools=["chains_of_division"])


def leader_chains(ctx: Context, frame: Frame) -> Reply | None:
    names = frame.keys("leader") or frame.keys("person")
    parts, evidence, notes, facts_all = [], [], [], []
    for name in names:
        r = T.chains_of_leader(ctx.deps, name)
        if r.not_found or not r.chains:
            continue
        f = r.chains[0]
        v = values(ctx, f)
        chains = "、".join(ctx.en_name(c.chain) if ctx.en else c.chain for c in r.chains)
        parts.append(ctx.say("leader_chains", **v, count=len(r.chains), chains=chains))
        evidence += row_evidence(ctx, r.chains)
        facts_all += r.chains
    if not parts:
        return None
    notes = inferred_note(ctx, facts_all, _LEADER)
    return Reply("\n\n".join(parts), evidence, notes=notes, tools=["chains_of_leader"], about_people=True,
                 suggestions=_fill(ctx, frame, facts_all[0]))


def department_chains(ctx: Context, frame: Frame) -> Reply | None:
    parts, evidence, facts_all = [], [], []
    for dept in frame.keys("department"):
        province = frame.provinces[0] if len(frame.provinces) == 1 else None
        r = T.chains_of_department(ctx.deps, dept, province)
        if r.not_found:
            continue
        f = r.matches[0]
        chains = "、".join(ctx.en_name(c.chain) if ctx.en else c.chain for c in r.matches)
        parts.append(ctx.say("department_chains", **values(ctx, f), count=len(r.matches), chains=chains))
        evidence += row_evidence(ctx, r.matches)
        facts_all += r.matches
    if not parts:
        return None
    return Reply("\n\n".join(parts), evidence, notes=inferred_note(ctx, facts_all, ("lead_department",)),
                 tools=["chains_of_department"])


def general_leader(ctx: Context, frame: Frame) -> Reply | None:
    parts, evidence, named = [], [], False
    for province in frame.provinces or ctx.tables.province_names:
        r = T.general_leaders(ctx.deps, province)
        spec = ctx.tables.province(province)
        if r.leaders:
            named = True
            names = "、".join(f"**{ctx.en_name(x['name']) if ctx.en else x['name']}**（{x['post']}）" for x in r.leaders)
            parts.append(ctx.say("general_leaders", province=ctx.province_name(province), names=names,
                                 count=len(r.leaders)))
            if spec and spec.leadership_summary:
                parts[-1] += ctx.say("leadership", summary=spec.leadership_summary)
        elif spec and spec.leadership_summary:
            parts.append(ctx.say("general_none", province=ctx.province_name(province), summary=spec.leadership_summary))
        else:
            continue
        evidence += ctx.evidence(r.citations)
    if not parts:
        return None
    if "name" in frame.facets and not named:  # "那位分管省领导叫什么名字": the scheme names a post, no one
        if asks_stated(ctx, frame):  # "有没有写总链长的名字": that it does not is the answer
            return Reply(ctx.say("no") + "\n\n".join(parts), evidence, tools=["general_leaders"])
        return Reply("\n\n".join(parts), refused=RefusalReason.NOT_FOUND, tools=["general_leaders"])
    return Reply("\n\n".join(parts), evidence, tools=["general_leaders"], about_people=True)


def list_chains(ctx: Context, frame: Frame) -> Reply | None:
    parts, evidence, facts_all = [], [], []
    for province in frame.provinces or ctx.tables.province_names:
        facts = ctx.current(T.list_chains(ctx.deps, province), frame)
        group = _group(frame, facts)
        if group:
            facts = [f for f in facts if group in (f.industry, f.cluster_type)]
        if not facts:
            continue
        spec = ctx.tables.province(province)
        names = "、".join(f"{ctx.en_name(f.chain) if ctx.en else f.chain}（{_leader(ctx, f)}）" for f in facts)
        by_leader: dict[str, list[str]] = {}
        for f in facts:
            by_leader.setdefault(ctx.en_name(f.leader) if ctx.en else (f.leader or "—"), []).append(f.chain)
        measure = spec.chain_measure if spec else "条（个）"
        counts = "；".join(f"{name} {len(chains)} {measure}" for name, chains in by_leader.items())
        parts.append(ctx.say("list_chains", province=ctx.province_name(province), count=len(facts), chains=names,
                             group=f"（{group}）" if group else "", chain_word=spec.chain_word if spec else "",
                             measure=measure,
                             leaders=len(by_leader), counts=counts, title=_title(ctx, spec)))
        evidence += row_evidence(ctx, facts)
        facts_all += facts
    if not parts:
        return None
    return Reply("\n\n".join(parts), evidence, notes=inferred_note(ctx, facts_all, _LEADER), tools=["list_chains"],
                 suggestions=[s for s in _fill(ctx, frame, facts_all[0])])


def _leader(ctx: Context, f: T.ChainFact) -> str:
    name = f.leader or "—"
    return (ctx.en_name(name) if ctx.en else name) + ("※" if "leader" in f.inferred_fields else "")


def _title(ctx: Context, spec) -> str:
    if spec is None:
        return ""
    return spec.leader_title_en if ctx.en else spec.leader_title


def _group(frame: Frame, facts: list[T.ChainFact]) -> str | None:
    """An industry group or cluster type the ask narrows the list to (材料, 世界级产业集群 …)."""
    text = frame.reading.folded
    for f in facts:
        for value in (f.industry, f.cluster_type):
            if value and value != f.chain and (fold(value) in text or fold(value).removesuffix("产业集群") in text):
                return value
    return None


_OWN_ANSWERER = ("leader", "lead_department", "liaison", "division")


def chain_column(ctx: Context, frame: Frame) -> Reply | None:
    """A column of the table asked about by name (类型, 产业, 职务 …), for the chains named, or for every
    chain of the province when none is named."""
    facts, missing = chain_facts(ctx, frame)
    if not facts and not frame.slots.get("chain"):
        facts = [f for p in frame.provinces for f in T.list_chains(ctx.deps, p)]
    fields = [f for f in T.ChainFact.model_fields if f in frame.facets]  # in the table's order
    if "leader_post" in fields and "leader" in fields:  # "链长分别是什么职务": the post line names the leader
        fields.remove("leader")
    if len(fields) == 1 and fields[0] in _OWN_ANSWERER:
        return None  # one of these alone is a question for its own answerer (chain_leader, liaison …)
    if not facts or not fields:
        return _no_chain(ctx, frame, missing) if missing and frame.slots.get("chain") else None
    lines, shown = [], []
    for f in facts:
        for field in fields:
            value = getattr(f, field)
            if field not in f.labels or not value:
                continue
            template = "leader_post" if field == "leader_post" else "chain_column"
            lines.append(ctx.say(template, **values(ctx, f), column=f.labels[field], value=value))
            shown.append(f)
    if not lines and not frame.slots.get("chain") and not {"leader", "leader_post"} & set(fields) and not any(
            m.kind not in ("province", "city", "region") for m in frame.reading.mentions):
        return None  # "6对应的是什么级别" names no chain, table or leader: a column the table lacks says nothing
    if not lines:
        f = facts[0]
        return Reply(ctx.say("no_column", **values(ctx, f), column=_column_name(ctx, fields[0])),
                     row_evidence(ctx, facts[:1]), refused=RefusalReason.NOT_FOUND)
    return Reply("\n\n".join(dict.fromkeys(lines)), row_evidence(ctx, list({id(x): x for x in shown}.values())),
                 notes=inferred_note(ctx, shown, tuple(fields)), tools=["list_chains"])
