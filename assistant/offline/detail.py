"""Details of a named thing: an ask about one point of a mechanism, an action or a term gets the sentence of
the thing's own passage that states the point, before the summary the answerer gives."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.offline.extraction import Extractor
from assistant.offline.reply import Context, Evidence, Reply
from assistant.understanding.dialogue import Frame
from assistant.understanding.intents import without_cues
from retrieval.overlap import grams, overlap

_SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")
_MIN_SHARED = 2  # topic bigrams the detail sentence must hold …
_MIN_SHARE = 0.5  # … and this share of them; the summary must hold less
_PASSAGE_LINES = 3  # the quote's line and the next ones, up to a heading
_HOW_CHARS = 12  # a bare how gets the passage's first sentence at least this long
_BETTER = 0.6  # a sentence elsewhere answers instead when it holds this share of the point …
_MARGIN = 0.3  # … and this much more than the summary does
_TOLD = 0.7  # the reply says a sentence already when it holds this share of its bigrams
_SHORT_DETAIL = 160  # a drilled sentence longer than this is a passage, not the detail of a stated point
_ITEM = re.compile(r"^\s*(?:#|[（(][一二三四五六七八九十]+[)）])")  # the next heading or numbered item ends a passage


def drill(ctx: Context, frame: Frame, reply: Reply) -> Reply:
    """The reply with the passage's sentence on the ask's own point first ("…有什么标准"), or its first sentence
    for a bare how ("具体要怎么做"), when the reply does not state it; else the reply as it is."""
    if not reply.evidence:
        return reply
    want = _point(frame)
    said = overlap(want, reply.lead + reply.body)
    how = len(want) < _MIN_SHARED and "how" in frame.reading.answer_types
    named = grams("".join(frame.reading.folded[m.start : m.end] for m in frame.reading.mentions))
    if not how and (len(want) < _MIN_SHARED or ("how" not in frame.reading.answer_types and want <= named)):
        return reply  # "链长制是什么": it names the thing and asks no point of it
    detailed = _in_passage(ctx, frame, reply, want, said, how)
    mentioned = said / len(want) >= _MIN_SHARE if want else True
    # "八个一里那个供需对接平台是干什么的": a summary naming the point is not its sentence; but a long passage
    # is no detail of a point the reply already states ("1125目标是什么" after "到2025年")
    if detailed is not None and not (mentioned and len(detailed.lead) - len(reply.lead) > _SHORT_DETAIL):
        return detailed
    return reply if how or mentioned else _in_documents(ctx, frame, reply, want, said)


def _in_documents(ctx: Context, frame: Frame, reply: Reply, want: frozenset[str], said: int) -> Reply:
    """The thing's passage has nothing on the point: a sentence of the documents that says far more of it
    ("对链主企业和核心配套企业建立常态化服务机制") answers instead of a summary that does not."""
    found = Extractor(ctx).answer(frame)
    if found is None or not found.evidence:
        return reply
    quote = found.evidence[0].citation.quote
    if _ITEM.match(quote) or _told(frame.reading.folded, quote):  # a heading, or the ask's own words echoed
        return reply
    share = overlap(want, quote) / len(want)
    return found if share >= _BETTER and share >= said / len(want) + _MARGIN else reply


def _in_passage(ctx: Context, frame: Frame, reply: Reply, want: frozenset[str], said: int, how: bool) -> Reply | None:
    cite = reply.evidence[0].citation
    document = ctx.deps.documents.get(cite.doc_id)
    sentences = [x for x in _sentences(document.text, cite.quote) if not _ITEM.match(x)] if document else []
    if how:
        best = next((x for x in sentences if len(x) >= _HOW_CHARS and x.strip() not in cite.quote), "")
    else:
        best = max(sentences, key=lambda x: overlap(want, x), default="")
        shared = overlap(want, best)
        if shared < _MIN_SHARED or shared / len(want) < _MIN_SHARE or shared < said:
            return None
    if not best or _told(reply.lead + reply.body, best):
        return reply if how else None
    lead = ctx.say("detail", text=best.strip().rstrip("。；;")) + "\n\n" + reply.lead
    if best.strip() in cite.quote:  # the quote shown already holds it
        return replace(reply, lead=lead)
    return replace(reply, lead=lead, evidence=[Evidence(ctx.deps.cite(cite.doc_id, best.strip())), *reply.evidence])


def _told(said: str, sentence: str) -> bool:
    """Does the reply already say most of the sentence (in its own words or quoting it)?"""
    own = grams(sentence)
    return not own or overlap(own, said) / len(own) >= _TOLD


def _point(frame: Frame) -> frozenset[str]:
    """The ask's own words without its entities and the intent's cues: what of the thing it asks."""
    return grams(without_cues(frame.intent, frame.reading.topic))


def _sentences(text: str, quote: str) -> list[str]:
    """The sentences of the passage holding the quote: from the heading or numbered item at or above it (the
    quote may close the passage, as a list of the units in charge does) to the next one."""
    at = text.find(quote)
    if at < 0:
        return []
    lines = text.splitlines()
    here = text.count("\n", 0, at)
    start = next((i for i in range(here, max(-1, here - _PASSAGE_LINES - 1), -1) if _ITEM.match(lines[i])), here)
    end = next((i for i in range(start + 1, min(len(lines), start + _PASSAGE_LINES + 4)) if _ITEM.match(lines[i])),
               min(len(lines), start + _PASSAGE_LINES + 4))
    return [x for x in _SENTENCE.findall("\n".join(lines[start:end])) if len(x.strip()) >= 6]
