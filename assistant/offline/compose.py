"""Writes the answer: each ask's fact first in its own words, then its evidence (each quote once, table rows
with their column names), then notes; declined asks say why; notes that concern the whole answer (an
ignored instruction, a scheme whose period has ended, posts that rest on a dated document) come last."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from assistant.answer import Answer, Ask, Citation
from assistant.offline.reply import Evidence, Reply
from assistant.policy import RefusalReason
from assistant.prompts import Prompts
from assistant.understanding.language import Converter
from retrieval.registry import Tables


@dataclass
class Outcome:
    """One ask and what became of it."""

    text: str
    reply: Reply | None = None
    refused: RefusalReason | None = None
    regions: list[str] = field(default_factory=list)  # provinces named that the base does not cover


class Composer:
    def __init__(self, tables: Tables, prompts: Prompts, converter: Converter, as_of: dt.date,
                 names: set[str] | None = None) -> None:
        self.tables, self.prompts, self.converter, self.as_of = tables, prompts, converter, as_of
        # people's names keep their characters in Traditional answers (s2t would turn 郑岳嘉 into 鄭嶽嘉)
        self._names = sorted(names or (), key=len, reverse=True)
        words = sorted(set(tables.catalog.question_words()), key=len, reverse=True)
        self._asking = re.compile("|".join(re.escape(w) for w in words) or r"(?!)", re.IGNORECASE)

    def _t(self, lang: str, kind: str, template: str, **values: object) -> str:
        return self.prompts.render(f"{kind}/{'en' if lang == 'en' else 'zh'}/{template}", **values)

    def covered(self, lang: str) -> str:
        names = "、".join((p.english if lang == "en" else p.name) for p in self.tables.provinces)
        return self._t(lang, "refusals", "covered", provinces=names, count=len(self.tables.documents))

    def answer(self, outcomes: list[Outcome], lang: str, injected: bool, suggestions: list[str]) -> Answer:
        answered = [o for o in outcomes if o.reply is not None and o.refused is None]
        if not answered:
            return self._refusal(outcomes, lang, suggestions)
        blocks: list[str] = []
        cites: list[Citation] = []
        shown: set[tuple[str, str]] = set()
        numbered = len(outcomes) > 1
        for i, o in enumerate(outcomes, start=1):
            head = f"**{i}. {self._asked(o.text)}**\n\n" if numbered else ""
            if o.reply is None or o.refused is not None:
                blocks.append(head + self._decline(o, lang))
                continue
            text, used = self._block(o.reply, shown, cites)
            blocks.append(head + text)
            cites += used
        notes = self._closing(answered, cites, lang, injected, outcomes)
        text = "\n\n".join(blocks + notes)
        replies = [o.reply for o in answered if o.reply is not None]
        tools = list(dict.fromkeys(t for r in replies for t in r.tools))
        sugg = next((r.suggestions for r in replies if r.suggestions), []) or suggestions
        return Answer(answer=self._script(text, lang), citations=cites, tools_used=tools, suggestions=sugg[:3],
                      asks=[Ask(text=o.text, refused=o.refused is not None or o.reply is None,
                                refusal_reason=o.refused.value if o.refused else None) for o in outcomes])

    def _asked(self, text: str) -> str:
        """An ask's heading without the greeting and self-introduction before its question ("您好，我们是<市>一家
        公司，想了解…是哪位领导负责的" → "想了解…是哪位领导负责的")."""
        clauses = re.split(r"(?<=[，,])", text)
        first = next((i for i, c in enumerate(clauses) if self._asking.search(c)), 0)
        return "".join(clauses[first:]).strip() or text

    def _block(self, reply: Reply, shown: set[tuple[str, str]], cited: list[Citation]) -> tuple[str, list[Citation]]:
        parts = [reply.lead] + ([reply.body] if reply.body else [])
        used = []
        for ev in reply.evidence:
            key = (ev.citation.doc_id, ev.citation.quote)
            if key in shown:
                continue
            shown.add(key)
            used.append(ev.citation)
            parts.append(self._quote(ev, reply.lead))
        parts += list(dict.fromkeys(reply.notes))
        return "\n\n".join(p for p in parts if p), used

    def _quote(self, ev: Evidence, lead: str) -> str:
        c = ev.citation
        where = f"《{c.doc_title}》" + (f"（{c.section}）" if c.section else "")
        if ev.shown:
            shown = "\n".join(f"> {line}" for line in ev.shown.splitlines())
            return f"{shown}\n>\n> —— {where}"
        body = c.quote.replace("\n", " ")
        return f"> {body}\n>\n> —— {where}"

    def _decline(self, o: Outcome, lang: str) -> str:
        reason = o.refused or RefusalReason.NOT_FOUND
        detail = o.reply.lead if o.reply is not None else ""
        return self._t(lang, "declines", reason.value, regions="、".join(o.regions), detail=detail,
                       covered=self.covered(lang))

    def _refusal(self, outcomes: list[Outcome], lang: str, suggestions: list[str]) -> Answer:
        reasons = list(dict.fromkeys(o.refused or RefusalReason.NOT_FOUND for o in outcomes))
        texts = []
        for reason in reasons:
            o = next(x for x in outcomes if (x.refused or RefusalReason.NOT_FOUND) == reason)
            detail = o.reply.lead if o.reply is not None else ""
            texts.append(self._t(lang, "refusals", reason.value, regions="、".join(o.regions), detail=detail,
                                 covered=self.covered(lang)))
        return Answer(answer=self._script("\n\n".join(dict.fromkeys(texts)), lang), refused=True,
                      refusal_reason=reasons[0].value, suggestions=suggestions[:3],
                      asks=[Ask(text=o.text, refused=True, refusal_reason=(o.refused or RefusalReason.NOT_FOUND).value)
                            for o in outcomes])

    def _closing(self, answered: list[Outcome], cites: list[Citation], lang: str, injected: bool,
                 outcomes: list[Outcome]) -> list[str]:
        notes = []
        regions = list(dict.fromkeys(r for o in outcomes for r in o.regions if o.reply is not None))
        if regions:
            notes.append(self._t(lang, "notes", "other_regions", regions="、".join(regions), covered=self.covered(lang)))
        docs = list(dict.fromkeys(c.doc_id for c in cites))
        for doc_id in docs:
            meta = self.tables.document(doc_id)
            if meta and meta.valid_to and meta.valid_to < self.as_of.year:
                notes.append(self._t(lang, "notes", "period_ended", title=meta.title,
                                     period=f"{meta.valid_from}—{meta.valid_to}年"))
        if any(o.reply.about_people for o in answered if o.reply is not None) and docs:
            meta = self.tables.meta(docs[0])
            notes.append(self._t(lang, "notes", "posts_dated", title=meta.title,
                                 date=f"{meta.date.year}年{meta.date.month}月{meta.date.day}日"))
        if injected:
            notes.append(self._t(lang, "notes", "injection_ignored"))
        return notes

    def _script(self, text: str, lang: str) -> str:
        """Traditional Chinese askers read the answer's own sentences in Traditional; quotes stay verbatim."""
        if lang != "zh-Hant":
            return text
        return "\n".join(line if line.lstrip().startswith(">") else self._traditional(line) for line in text.split("\n"))

    def _traditional(self, line: str) -> str:
        kept = [n for n in self._names if n in line]
        for i, name in enumerate(kept):
            line = line.replace(name, f"\x00{i}\x00")
        line = self.converter.traditional(line)
        for i, name in enumerate(kept):
            line = line.replace(f"\x00{i}\x00", name)
        return line
