"""The narrative facts' fallback: the record (statement, figure or mechanism) that best matches an ask no
answerer settled, stated by that record's own answerer."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.answer_figures import asks_of_value, figure
from assistant.offline.answer_mechanisms import mechanism
from assistant.offline.answer_statements import statement
from assistant.offline.records import MIN_COVERAGE, content_of, document_of, record_text, speaker_of
from assistant.offline.reply import Context, Reply
from assistant.understanding.dialogue import Frame
from retrieval.facts import Figure, Mechanism, Statement
from retrieval.overlap import grams, overlap

_MIN_SCORE = 4.0  # a narrative record must share at least this much with the ask (and MIN_COVERAGE)


def lookup(ctx: Context, frame: Frame) -> Reply | None:
    """The narrative record (statement, figure or mechanism) that best matches an ask no answerer settled,
    when it shares enough with the ask; stated like its own answerer would."""
    topic = content_of(frame)
    want = grams(topic)
    if len(want) < 2:
        return None
    province = frame.provinces[0] if len(frame.provinces) == 1 else None
    found = [T.statements(ctx.deps, topic, speaker=speaker_of(ctx, frame), source=document_of(ctx, frame), limit=1),
             T.figures(ctx.deps, topic, province=province, source=document_of(ctx, frame), limit=1,
                       quoting=frame.reading.folded if asks_of_value(frame) else ""),
             T.mechanisms(ctx.deps, topic, province=province, limit=1)]
    best = max((m for r in found for m in r.matches), key=lambda m: m.score, default=None)
    quoted = best is not None and isinstance(best.record, Figure) and asks_of_value(frame) and \
        T.narrative.quotes_value(frame.reading.folded, best.record)
    if best is None or best.score < _MIN_SCORE or not quoted and overlap(want, record_text(best.record)) / len(want) < MIN_COVERAGE:
        return None  # (a figure whose number the ask quotes is the answer whatever words they share)
    handler = {Statement: statement, Figure: figure, Mechanism: mechanism}[type(best.record)]
    return handler(ctx, frame)
