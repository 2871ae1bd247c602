"""A chain the documents do not list ("<省>氢能产业链链长是谁"): the ask names a chain by the words that make a
noun a chain's name (knowledge/intents.yaml `markers.chain_nouns`), no chain of the tables has that name, and
the documents never use the phrase. Such an ask is declined as not covered instead of answered with whatever
the rest of its words find (the chain-leader mechanism, another chain)."""

from __future__ import annotations

import re

from assistant.offline.reply import Context, Reply
from assistant.policy import RefusalReason
from assistant.understanding.reading import Reading
from retrieval.normalize import fold_words

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LONGEST = 8  # characters of a name before its chain noun (船舶和海洋工程装备 is the longest listed)


def unlisted_chain(ctx: Context, reading: Reading) -> Reply | None:
    """The not-found reply for an ask about a chain no table lists, or None."""
    if any(m.kind == "chain" for m in reading.mentions):
        return None
    name = _named_chain(ctx, reading)
    if name is None:
        return None
    provinces = reading.provinces or ctx.tables.province_names
    where = "、".join(ctx.province_name(p) for p in provinces)
    return Reply(ctx.say("no_chain", province=where, chain=name), refused=RefusalReason.NOT_FOUND, final=True)


def _named_chain(ctx: Context, reading: Reading) -> str | None:
    markers = ctx.tables.catalog.markers
    nouns = sorted({fold_words(n) for n in markers.chain_nouns if not n.isascii()}, key=len, reverse=True)
    if not nouns:
        return None
    text = reading.folded
    breaks = set("".join(fold_words(w) for w in markers.name_breaks))
    taken = {i for m in reading.mentions for i in range(m.start, m.end)}
    for found in re.finditer("|".join(re.escape(n) for n in nouns), text):
        if found.start() in taken:
            continue  # the 链 of 链长, 链主
        start = found.start()
        while start > 0 and found.start() - start < _LONGEST and start - 1 not in taken \
                and _HAN.match(text[start - 1]) and text[start - 1] not in breaks:
            start -= 1
        name = text[start : found.start()]
        if _names_a_chain(ctx, name, name + found.group()):
            return name + found.group()
    return None


def _names_a_chain(ctx: Context, name: str, phrase: str) -> bool:
    """Whether `name` before a chain noun is the name of a chain: two characters or more, no word that points or
    counts (这条, 每个, 哪些), no phrase the documents use (重点产业链, 上下游产业链), no known name in it."""
    if len(name) < 2 or any(fold_words(w) in name for w in ctx.tables.catalog.markers.not_chain_names):
        return False
    # (its last two characters too: "…引进产业集群" ends in the documents' 产业集群, "氢能产业链" in nothing they say)
    if any(p in doc.text for doc in ctx.deps.documents.values() for p in {phrase, phrase[len(name) - 2 :]}):
        return False
    return not ctx.deps.gazetteer.scan(name)
