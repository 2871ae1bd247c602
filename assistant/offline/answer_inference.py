"""Why a table cell is marked inferred: it is a blank, merged cell of the flattened table, read from the row
above, and the table itself does not print it."""

from __future__ import annotations

from assistant.offline.chain_rows import chain_facts, row_evidence, values
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame


def inference(ctx: Context, frame: Frame) -> Reply | None:
    """"碳基材料为啥说是推定的": which cells of the chain's row are blank in the table, and what they were read as."""
    facts, _ = chain_facts(ctx, frame)
    if not facts:
        return None
    inferred = [f for f in facts if f.inferred_fields]
    if not inferred:
        return Reply(ctx.say("inferred_none", **values(ctx, facts[0])), row_evidence(ctx, facts[:1]),
                     tools=["chain_leader"])
    lines = []
    for f in inferred:
        fields = [k for k in f.inferred_fields if getattr(f, k, None)]
        lines.append(ctx.say("inferred_why", **values(ctx, f), columns="、".join(f.labels.get(k, k) for k in fields),
                             cells="、".join(str(getattr(f, k)) for k in fields)))
    return Reply("\n\n".join(lines), row_evidence(ctx, inferred), tools=["chain_leader"])
