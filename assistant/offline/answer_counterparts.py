"""The chain of another province that corresponds to the one just discussed ("<the other province>对应的是哪条链？"):
the dialogue has already moved the chain to its counterpart (a shared name or alias), or kept it when
there is none."""

from __future__ import annotations

from assistant.offline.chain_rows import chain_facts, inferred_note, row_evidence, values
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame


def counterpart_chain(ctx: Context, frame: Frame) -> Reply | None:
    if len(frame.provinces) != 1 or not frame.slots.get("chain"):
        return None
    target = frame.provinces[0]
    chains = frame.slots["chain"]
    origin = next((m for m in chains if m.province != target), None)
    if origin is not None:  # nothing in the target province shares its name: that is the answer (no guess)
        count = sum(1 for r in ctx.tables.chains if r.province == target)
        return Reply(ctx.say("counterpart_none", province=ctx.province_name(target), chain=origin.key,
                             origin=ctx.province_name(origin.province or ""), count=count), tools=["list_chains"])
    last = ctx.dialogue.last
    before = next((m for m in (last.slots.get("chain", []) if last else []) if m.province != target), None)
    facts, _ = chain_facts(ctx, frame)
    if not facts or before is None:
        return None
    lead = "\n\n".join(ctx.say("counterpart_chain", **values(ctx, f), origin=before.key,
                               origin_province=ctx.province_name(before.province or "")) for f in facts)
    return Reply(lead, row_evidence(ctx, facts), notes=inferred_note(ctx, facts, ("leader",)),
                 tools=["chain_leader"])
