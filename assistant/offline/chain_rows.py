"""The chain table's rows as the answerers use them: the rows a frame names, a row shown with its column
names and cited, the merged-cell note, and the values a chain template is filled with."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.reply import Context, Evidence
from assistant.tools.chains import fact
from assistant.understanding.dialogue import Frame


def row_shown(f: T.ChainFact) -> str:
    """A table row as a reader sees it: each cell with its column name (the citation keeps the raw row)."""
    order = [k for k in f.labels if getattr(f, k, None)]
    cells = [f"{f.labels[k]}：{getattr(f, k)}{'※' if k in f.inferred_fields else ''}" for k in order]
    return "｜".join(cells)


def row_evidence(ctx: Context, facts: list[T.ChainFact]) -> list[Evidence]:
    return [Evidence(ctx.deps.cite(f.source, f.quote), row_shown(f)) for f in facts]


def inferred_note(ctx: Context, facts: list[T.ChainFact], fields: tuple[str, ...]) -> list[str]:
    """The merged-cell caveat, once, naming the columns of these facts that rest on it."""
    labels = [f.labels.get(k, k) for f in facts for k in fields if k in f.inferred_fields]
    if not labels:
        return []
    return [ctx.say("inferred_note", columns="、".join(dict.fromkeys(labels)))]


def values(ctx: Context, f: T.ChainFact) -> dict[str, str]:
    """Everything a chain template may use, in the asker's language."""
    spec = ctx.tables.province(f.province)
    title = (spec.leader_title_en if ctx.en else spec.leader_title) if spec else ""
    out = {"province": ctx.province_name(f.province), "chain": f.chain, "leader": f.leader or "",
           "title": title, "post": f"（{f.leader_post}）" if f.leader_post else "",
           "department": f.lead_department or "", "liaison": f.liaison or "", "division": f.division or "",
           "liaison_label": f.labels.get("liaison", ""), "division_label": f.labels.get("division", "")}
    if ctx.en:
        out.update(chain=ctx.en_name(f.chain), leader=ctx.en_name(f.leader), department=ctx.en_name(f.lead_department),
                   post=f", {ctx.en_name(f.leader_post)}" if f.leader_post else "", liaison=ctx.en_name(f.liaison))
    return out


def chain_facts(ctx: Context, frame: Frame) -> tuple[list[T.ChainFact], list[str]]:
    """The rows of the chains the frame names, in the frame's provinces; and the provinces asked about
    that have no such chain."""
    keys = [(m.key, m.province) for m in frame.slots.get("chain", [])]
    rows = ctx.current([r for r in ctx.tables.chains if (r.chain, r.province) in keys], frame)
    wanted = frame.provinces
    inside = [r for r in rows if r.province in wanted] if wanted else rows
    missing = [p for p in wanted if not any(r.province == p for r in rows)]
    seen, out = set(), []
    for r in inside:
        if (r.province, r.chain) not in seen:
            seen.add((r.province, r.chain))
            out.append(fact(ctx.deps, r))
    return out, missing
