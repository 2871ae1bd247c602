"""Answerers over the documents and the glossary: terms, comparisons, a section's items, document facts,
and what the assistant covers."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant import tools as T
from assistant.offline.answer_chains import list_chains
from assistant.offline.answer_mechanisms import compared_side, mechanism
from assistant.offline.extraction import Extractor
from assistant.offline.reply import Context, Evidence, Reply, asks_stated
from assistant.policy import RefusalReason
from assistant.understanding.dialogue import Frame
from assistant.understanding.intents import facets_of, without_cues
from assistant.understanding.language import ordinal
from retrieval.document_names import headings
from retrieval.normalize import fold
from retrieval.overlap import grams, overlap

_DOC_FACETS = ("doc_number", "date", "issuer", "validity", "addressees", "annexes", "supersedes", "effective",
               "published", "author")


def define_term(ctx: Context, frame: Frame) -> Reply | None:
    keys = frame.keys("term")[::-1][:2]  # "链长制的七个一": the head noun comes last
    terms = [t for k in keys for t in T.define(ctx.deps, k).terms]
    if not terms:
        return None
    if len(frame.provinces) == 1:  # "另一省对应的是什么" after 七个一: the counterpart in the asked province
        terms = [_in_province(ctx, t, frame.provinces[0]) for t in terms]
        if frame.reading.provinces and all(t.province not in frame.reading.provinces for t in terms):
            # "<省>呢" after one of the other province's terms that has no counterpart: its side of the comparison
            return compared_side(ctx, frame, [t.term for t in terms])
    lines, notes, cites = [], [], []
    for t in terms[:2]:
        lines.append(ctx.say("term", term=t.term, definition=t.definition or t.quote,
                             province=ctx.province_name(t.province)))
        notes += [t.note] if t.note else []
        if t.counterpart:
            notes.append(ctx.say("counterpart", term=t.term, counterpart=t.counterpart))
        cites.append(ctx.deps.cite(t.source, t.quote))
    if "list" in frame.reading.answer_types and all(t.parts_unstated for t in terms[:2]):
        # "3+3+2具体指哪几个领域": the documents do not say; what they do say comes with the refusal
        return Reply("\n\n".join([*lines, *notes]), refused=RefusalReason.NOT_FOUND, tools=["define"], final=True)
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations(cites)), notes=notes, tools=["define"])


def _in_province(ctx: Context, term, province: str):
    if term.province == province or not term.counterpart:
        return term
    return next((t for t in ctx.tables.terms if t.term == term.counterpart), term)


def compare(ctx: Context, frame: Frame) -> Reply | None:
    last = ctx.dialogue.last
    if not (frame.keys("term") or frame.keys("mechanism")) and last is not None and \
            (last.reading.topic or last.slots.get("term") or last.slots.get("mechanism")):
        # "<省>也有类似安排吗": the arrangement is the one the last question asked about
        slots = {**last.slots, **{k: v for k, v in frame.slots.items() if v}}
        reading = replace(frame.reading, topic=last.reading.topic, content=last.reading.content)
        reply = _compare(ctx, replace(frame, slots=slots, reading=reading))
        if reply is not None:
            return reply
    return _compare(ctx, frame)


def _compare(ctx: Context, frame: Frame) -> Reply | None:
    if len({m.province for m in frame.slots.get("chain", [])}) > 1:
        return None  # "软件链对比下两省负责领导": each province's chain of that name, from the tables (the next reading)
    topic = " ".join([*frame.keys("term"), *frame.keys("mechanism"), frame.reading.topic])
    r = T.compare(ctx.deps, topic)
    if not r.rows and (documents := _compare_documents(ctx, frame)) is not None:
        return documents
    if not r.rows:  # no prepared point: what each province's documents say on it, or its own mechanism
        provinces = frame.provinces if len(frame.provinces) > 1 else ctx.tables.province_names
        if _about_chains(ctx, frame):  # "两省谁的产业链更多": each province's chains, counted
            return list_chains(ctx, replace(frame, provinces=provinces))
        said = _sides(ctx, frame, provinces)
        if said is not None or not (frame.keys("mechanism") or frame.keys("term")):
            return said  # a province's own mechanism answers only an ask that names one ("小微企业升规目标" names none)
        return mechanism(ctx, replace(frame, provinces=provinces))
    lines, evidence = [], []
    for row in r.rows[:3]:
        sides = "；".join(f"{ctx.province_name(p)}：{s.text}" for p, s in row.sides.items())
        if len(row.sides) == 1:
            only = next(iter(row.sides))
            others = [p for p in ctx.tables.province_names if p != only]
            lines.append(ctx.say("compare_only", topic=row.topic, province=ctx.province_name(only),
                                 text=row.sides[only].text, others="、".join(others), note=row.note or ""))
        else:
            lines.append(ctx.say("compare", topic=row.topic, sides=sides, note=row.note or ""))
        evidence += [Evidence(ctx.deps.cite(s.source, s.quote)) for s in (*row.sides.values(), *row.nearest.values())]
    return Reply("\n\n".join(lines), evidence, tools=["compare"])


_LEFT_OVER = 2  # "两省产业链更多" says nothing besides the chains; "…攻关目录清单" does


def _about_chains(ctx: Context, frame: Frame) -> bool:
    """An ask that compares the chains themselves (a chain noun, no chain, term or mechanism named)."""
    nouns = ctx.tables.catalog.markers.chain_nouns
    named = {m.kind for m in frame.reading.mentions} & {"chain", "term", "mechanism", "section", "department"}
    if named or not frame.reading.says(nouns):
        return False
    both = ctx.tables.catalog.markers.both
    return len(without_cues(frame.intent, frame.reading.topic, [*nouns, *both])) <= _LEFT_OVER


_PUNCTUATION = re.compile(r"[^\w]+")


def _sides(ctx: Context, frame: Frame, provinces: list[str]) -> Reply | None:
    """"两省方案对市州一级的要求有什么不同": the sentence of each province's documents that answers the point."""
    # the point itself, without the words that ask for a comparison of both
    topic = _PUNCTUATION.sub("", without_cues(frame.intent, frame.reading.topic, ctx.tables.catalog.markers.both))
    point = replace(frame, provinces=[], slots={}, reading=replace(frame.reading, topic=topic))
    sides = [(p, reply) for p in provinces
             if (reply := Extractor(ctx).answer(replace(point, provinces=[p]))) is not None]
    if len(sides) == 1 and len(provinces) > 1 and "which" in frame.facets:  # "哪个省要求…": the one that says it
        (found, r), others = sides[0], [ctx.province_name(p) for p in provinces if p != sides[0][0]]
        lead = ctx.say("compare_found_in", province=ctx.province_name(found), text=r.lead, others="、".join(others))
        return Reply(lead, r.evidence, tools=["compare", "search"])
    if len(sides) < len(provinces):
        return None
    lead = "\n\n".join(ctx.say("compare_side", province=ctx.province_name(p), text=r.lead) for p, r in sides)
    return Reply(lead, [e for _, r in sides for e in r.evidence], tools=["compare", "search"])


def _compare_documents(ctx: Context, frame: Frame) -> Reply | None:
    """"哪个省的方案先出台": a document fact (date, issuer, period …) of each province's scheme side by side."""
    spec = next((i for i in ctx.tables.catalog.intents if i.answerer == "document_info"), None)
    cued = facets_of(spec, frame.reading.folded) if spec else set()
    if not cued:
        return None
    provinces = frame.provinces if len(frame.provinces) > 1 else ctx.tables.province_names
    sides = [(p, r) for p in provinces if (r := document_info(ctx, replace(frame, provinces=[p], slots={},
                                                                               facets=cued))) is not None]
    if len(sides) < 2:
        return None
    lead = "\n\n".join(r.lead for _, r in sides)
    if "date" in cued:
        dated = sorted(((ctx.tables.meta(ctx.tables.spec(p).scheme), p) for p, _ in sides), key=lambda x: x[0].date)
        order = " → ".join(f"{ctx.province_name(p)}《{m.title}》（{m.date.year}年{m.date.month}月{m.date.day}日）"
                           for m, p in dated)
        first = ctx.say("compare_dates", first=ctx.province_name(dated[0][1]), order=order)
        lead = first if cued == {"date"} else first + "\n\n" + lead
    return Reply(lead, [e for _, r in sides for e in r.evidence], tools=["document_info"])


def outline(ctx: Context, frame: Frame) -> Reply | None:
    sections = frame.keys("section")
    docs = frame.keys("document") or [s.split(":", 1)[0] for s in sections]
    provinces = frame.provinces
    if provinces:  # "X省方案的工作机制": the section of the named province's document
        in_province = [s for s in sections if ctx.tables.meta(s.split(":", 1)[0]).province in provinces]
        sections = in_province or sections
    if not docs and provinces:
        docs = [ctx.tables.spec(p).scheme for p in provinces]
    if not docs:
        return None
    doc_id = sections[0].split(":", 1)[0] if sections else docs[0]
    section = sections[0].split(":", 1)[1] if sections else _closest_heading(ctx, doc_id, frame.reading.topic)
    r = T.outline(ctx.deps, doc_id, section)
    if r.not_found and section and not sections:  # the heading its words came closest to lists nothing:
        parts = T.outline(ctx.deps, doc_id)  # the document's parts, if the ask names them ("哪几个聚焦")
        if not parts.not_found and overlap(grams(frame.reading.topic), " ".join(parts.items)):
            section, r = None, parts
    if r.not_found:  # a section written as a paragraph: its opening sentences
        opening = T.section_opening(ctx.deps, doc_id, section) if section and sections else None
        if not opening:
            return None
        lead = ctx.say("section_text", title=ctx.tables.meta(doc_id).title, section=section, text=opening)
        return Reply(lead, ctx.evidence([ctx.deps.cite(doc_id, opening)]), tools=["outline"])
    meta = ctx.tables.meta(doc_id)
    pick = _picked(frame, meta.title + (section or ""), r.items) if section or any(r.texts) else None
    # an item that is a heading of its own ("（四）建立问题办理机制") is told by the opening of its passage
    text = (r.texts[pick] or T.section_opening(ctx.deps, doc_id, r.items[pick]) or "") if pick is not None else ""
    if pick is not None and text:
        lead = ctx.say("outline_item", title=meta.title, section=f"“{section}”部分" if section else "", n=pick + 1, name=r.items[pick],
                       text=text)
        return Reply(lead, ctx.evidence([ctx.deps.cite(doc_id, text)]), tools=["outline"])
    items = "\n".join(f"{i}. {name}" for i, name in enumerate(r.items, start=1))
    lead = ctx.say("outline" if section else "parts", title=meta.title, section=f"“{section}”部分" if section else "",
                   count=len(r.items), items="、".join(r.items))
    return Reply(lead, ctx.evidence(r.citations[:2]), body=items if len(r.items) > 3 else "", tools=["outline"])


def _picked(frame: Frame, context: str, items: list[str]) -> int | None:
    """"第一条讲了什么" / "宣传那块具体说了什么": the one item of the section an ask points at, by its position
    or by a word of its name that the section's and document's names do not hold."""
    n = ordinal(frame.reading.text)
    if n is not None:
        return len(items) - 1 if n == -1 else n - 1 if 1 <= n <= len(items) else None
    named = "".join(frame.reading.folded[m.start : m.end] for kind in ("term", "province")
                    for m in frame.reading.slots.get(kind, []))
    want = grams(frame.reading.text) - grams(context) - grams(named)
    scores = [overlap(want, name) for name in items]
    best = max(scores, default=0)
    return scores.index(best) if best and scores.count(best) == 1 else None


def _closest_heading(ctx: Context, doc_id: str, topic: str) -> str | None:
    """The section a topic names by its words ("五大机制" → 工作机制), if any shares a word with it."""
    want = grams(topic)
    names = headings(ctx.deps.documents[doc_id].text)
    scored = sorted(((overlap(want, n), n) for n in names), key=lambda x: -x[0])
    return scored[0][1] if scored and scored[0][0] > 0 else None


def document_info(ctx: Context, frame: Frame) -> Reply | None:
    doc_id = _document(ctx, frame)
    named = frame.slots.get("document", [])
    # "<省>方案和<另一省>这份工作方案分别是哪个机关印发的": each document named, and the scheme of a province
    # named besides them
    docs = list(dict.fromkeys([*(m.key for m in named), *(
        ctx.tables.spec(p).scheme for p in frame.reading.provinces
        if named and all(ctx.tables.meta(m.key).province != p for m in named))]))
    if len(docs) > 1:
        alone = replace(frame.reading, provinces=[])  # each part asks of its one document only
        return _each(ctx, [replace(frame, reading=alone, slots={**frame.slots, "document": [replace(named[0], key=d)]})
                           for d in docs])
    if doc_id is None and len(frame.provinces) > 1:  # "两省的文件分别是谁印发的": each province's scheme
        return _each(ctx, [replace(frame, provinces=[p]) for p in frame.provinces])
    if doc_id is None:
        return None
    r = T.document_info(ctx.deps, doc_id)
    if r.not_found or r.meta is None:
        return None
    m = r.meta
    facets = [f for f in _DOC_FACETS if f in frame.facets] or ["issuer", "date", "doc_number", "validity", "published"]
    values = {"doc_number": m.doc_number, "date": f"{m.date.year}年{m.date.month}月{m.date.day}日",
              "issuer": m.issuer, "validity": f"{m.valid_from}—{m.valid_to}年" if m.valid_from else None,
              "addressees": m.addressees, "annexes": "；".join(m.annexes) if m.annexes else None,
              "supersedes": r.facts["supersedes"].quote if "supersedes" in r.facts else m.supersedes,
              "effective": m.effective, "published": m.published, "author": _authors(ctx, m)}
    # the repeal as the document words it is a whole sentence: it gets the template that does not add one
    quoted = {"supersedes"} & set(r.facts)
    lines = [ctx.say(f"document/{f}{'_quoted' if f in quoted else ''}", title=m.title, value=values[f])
             for f in facets if values.get(f)]
    missing = [f for f in facets if not values.get(f)]
    lines += [ctx.say("doc_missing", title=m.title, what=ctx.say(f"facet/{f}")) for f in missing]
    if r.superseded_by:
        lines.append(ctx.say("doc_superseded", title=m.title, newer="、".join(f"《{n.title}》" for n in r.superseded_by)))
    cites = [r.facts[f] for f in facets if f in r.facts] or r.citations[:1]
    if len(missing) == len(facets) and not r.superseded_by:
        if asks_stated(ctx, frame):  # "有没有写执行到哪年": that it has none is the answer
            return Reply(ctx.say("no") + "\n\n".join(lines), ctx.evidence(r.citations[:1]), tools=["document_info"])
        return Reply("\n\n".join(lines), refused=RefusalReason.NOT_FOUND, tools=["document_info"])  # "文号是多少"
    return Reply("\n\n".join(lines), ctx.evidence(T.unique_citations(cites)), tools=["document_info"])


def _each(ctx: Context, frames: list[Frame]) -> Reply | None:
    sides = [side for f in frames if (side := document_info(ctx, f)) is not None]
    return Reply("\n\n".join(side.lead for side in sides), [e for side in sides for e in side.evidence],
                 tools=["document_info"]) if sides else None


def _authors(ctx: Context, meta) -> str | None:
    """The signed authors with their posts (<outlet>记者**<name>**、通讯员**<name>**), as the document's people list them."""
    if not meta.author:
        return None
    names = [ctx.en_name(n) if ctx.en else n for n in meta.author.split("、")]
    posts = {p.name: p.post for p in ctx.tables.facts.people if p.source == meta.id}
    return "、".join(f"{posts.get(raw, '')}**{n}**" for raw, n in zip(meta.author.split("、"), names, strict=True))


def _document(ctx: Context, frame: Frame) -> str | None:
    docs = frame.keys("document")
    if docs:
        return docs[0]
    events = frame.keys("event")
    if events:
        return next((e.source for e in ctx.tables.facts.events if e.id in events), None)
    for kind in ("person", "outlet"):
        names = frame.keys(kind)
        src = next((p.source for p in ctx.tables.facts.people if p.name in names), None)
        if src:
            return src
    if len(frame.provinces) == 1:
        return ctx.tables.spec(frame.provinces[0]).scheme
    return None


def capabilities(ctx: Context, frame: Frame) -> Reply | None:
    provinces = "、".join(ctx.province_name(p) for p in ctx.tables.province_names)
    titles = "；".join(f"《{d.title}》" for d in ctx.tables.documents)
    examples = [i.examples[0] for i in ctx.tables.catalog.intents if i.name != "capabilities"][:6]
    lead = ctx.say("capabilities", provinces=provinces, titles=titles)
    return Reply(lead, [], body="\n".join(f"- {e}" for e in examples), tools=["capabilities"],
                 suggestions=examples[:3])


def known_topic(ctx: Context, text: str) -> bool:
    """Whether a term of the glossary occurs in `text` (used by the document path's refusal note)."""
    folded = fold(text)
    return any(fold(t.term) in folded for t in ctx.tables.terms)
