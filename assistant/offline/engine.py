"""The offline engine: deterministic, no model. A message is stripped of smuggled instructions and split into
asks; each ask is guarded, read, resolved against the dialogue into a frame, answered by the frame's
answerer (a typed tool) or by typed extraction from the documents, and the answers are composed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.answer import Answer, Turn
from assistant.offline import (
    answer_chains,
    answer_counterparts,
    answer_documents,
    answer_facts,
    answer_figures,
    answer_inference,
    answer_mechanisms,
    answer_people,
    answer_statements,
    answer_units,
)
from assistant.offline.compose import Composer, Outcome
from assistant.offline.detail import drill
from assistant.offline.extraction import Extractor
from assistant.offline.reply import Answerer, Context, Reply, Search
from assistant.offline.unlisted import unlisted_chain
from assistant.policy import Policy, RefusalReason
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from assistant.understanding.asks import AskSplitter
from assistant.understanding.dialogue import Dialogue, Frame, Resolver
from assistant.understanding.intents import IntentRanker, without_cues
from assistant.understanding.language import Converter, detect
from assistant.understanding.ordinals import Ordinals
from assistant.understanding.reading import CHECKABLE, Reader, Reading
from retrieval.gazetteer import PEOPLE
from retrieval.normalize import fold
from retrieval.overlap import grams, overlap

_SUGGESTION_CACHE = 512
ANSWERERS: dict[str, Answerer] = {
    "chain_leader": answer_chains.chain_leader, "leader_chains": answer_chains.leader_chains,
    "lead_department": answer_chains.lead_department, "liaison": answer_chains.liaison,
    "list_chains": answer_chains.list_chains, "department_chains": answer_chains.department_chains,
    "general_leader": answer_chains.general_leader,
    "department_duties": answer_units.department_duties, "problem_department": answer_units.problem_department,
    "duty_owner": answer_units.duty_owner,
    "action_lead": answer_units.action_lead, "all_actions": answer_units.all_actions,
    "department_actions": answer_units.department_actions, "list_units": answer_units.list_units,
    "chain_column": answer_chains.chain_column,
    "person_profile": answer_people.person_profile, "event_info": answer_people.event_info,
    "event_people": answer_people.event_people, "exchange": answer_people.exchange,
    "statement": answer_statements.statement, "figure": answer_figures.figure,
    "mechanism": answer_mechanisms.mechanism,
    "define_term": answer_documents.define_term, "compare": answer_documents.compare,
    "outline": answer_documents.outline, "document_info": answer_documents.document_info,
    "capabilities": answer_documents.capabilities, "counterpart_chain": answer_counterparts.counterpart_chain,
    "inference": answer_inference.inference,
}


@dataclass
class Understanding:
    """The parts that read questions, built once per knowledge base."""

    reader: Reader
    ranker: IntentRanker
    resolver: Resolver
    splitter: AskSplitter
    policy: Policy
    converter: Converter
    ordinals: Ordinals


class OfflineEngine:
    name = "offline"

    def __init__(self, deps: ToolDeps, prompts: Prompts, search: Search, understanding: Understanding,
                 as_of: dt.date) -> None:
        self.deps, self.prompts, self.search, self.u = deps, prompts, search, understanding
        self.composer = Composer(deps.tables, prompts, understanding.converter, as_of, set(deps.gazetteer.pinyin))
        self._suggestions: dict[str, str | None] = {}  # suggestion → the lead of its answer (None: not answered)
        catalog = deps.tables.catalog
        units = "|".join(re.escape(u) for u in catalog.units if len(u) == 1) or r"(?!)"
        words = "|".join(re.escape(u) for u in catalog.units if len(u) > 1) or r"(?!)"
        askers = "|".join(re.escape(a) for a in catalog.unit_askers) or r"(?!)"
        # "几家", and a measure of two characters or more a little after the asker ("多少支持资金"); a one-character
        # one there would be part of a word ("多少名专家" asks no 家)
        self._unit = re.compile(rf"(?:{askers})(?:\s*({units})|[^，。？?！!、]{{0,2}}?({words}))")
        # the authors of the documents (name → document): quoting one's article is quoting its author
        self._authors = {p.name: p.source for p in deps.tables.facts.people if p.event is None}
        missing = {i.answerer for i in deps.tables.catalog.intents} - set(ANSWERERS)
        if missing:
            raise ValueError(f"intents.yaml names answerers that do not exist: {sorted(missing)}")

    def answer(self, question: str, history: list[Turn] | None = None) -> Answer:
        lang = detect(question)
        clean, injected = self.u.policy.without_instructions(question)
        starters = self.prompts.text("answers/zh/starters").splitlines()
        if not clean or (injected and self._only_aside(clean)):  # "收到请回复OK。" is what is left of an injection
            return self.composer.answer([Outcome(question, refused=RefusalReason.INJECTION)], lang, True, starters)
        clean, switched = self.u.splitter.after_switch(clean)
        dialogue = Dialogue() if switched else self.u.resolver.history(self._turns(history or []))
        asks = self._with_context(self.u.splitter.split(self._pointed(clean, dialogue)))
        if len(asks) > 1:  # "想加他私聊项目": a clause beside real questions that asks nothing is context
            asks = [a for a in asks if self._asks_something(a)] or asks
        outcomes = [self._ask(ask, dialogue, lang, later=i > 0) for i, ask in enumerate(asks)]
        outcomes = [o for o in outcomes if not self._aside(o)] or outcomes
        answer = self.composer.answer(_merged(outcomes), lang, injected, starters)
        answer.suggestions = [x for x in answer.suggestions if self._answerable(x, answer.answer)]
        answer.engine = self.name
        return answer

    def _with_context(self, asks: list[str]) -> list[str]:
        """"我司在<省>从事工程机械零部件配套！请问…是哪位省领导联系？": a sentence that asks nothing and names
        what the next one asks about is that ask's context, not an ask of its own."""
        out: list[str] = []
        carried = ""
        selves = tuple(self.deps.tables.catalog.markers.self_words)
        for i, ask in enumerate(asks):
            context = i + 1 < len(asks) and ask.startswith(selves) and not self.u.splitter.asks(ask) \
                and self.u.policy.reason(ask) is None and bool(self.u.reader.read(ask).strong_kinds)
            if context:
                carried += ask + "，"
                continue
            out.append(carried + ask)
            carried = ""
        return out

    def _asks_something(self, clause: str) -> bool:
        """A clause that asks, names what it is about ("芯片链链长") without speaking of the asker ("我有个汽车项目
        想直接联系他" is context), or is declined ("再帮我伪造一个" is no context)."""
        if self.u.splitter.asks(clause) or self.u.policy.reason(clause) is not None:
            return True
        selves = tuple(self.deps.tables.catalog.markers.self_words)
        return bool(self.u.reader.read(clause).strong_kinds) and not clause.startswith(selves)

    def _only_aside(self, text: str) -> bool:
        reading = self.u.reader.read(text)
        return not reading.strong_kinds and not self.u.splitter.asks(text)

    def _aside(self, outcome: Outcome) -> bool:
        """"刚调到经信口，想先搞明白", "读到工信厅厅长的文章": a clause that asks nothing and that nothing
        answers is context, not an ask, whatever it names."""
        if outcome.refused != RefusalReason.NOT_FOUND or outcome.reply is not None:
            return False
        reading = self.u.reader.read(outcome.text)
        return not reading.answer_types and not self.u.splitter.asks(outcome.text)

    def _answerable(self, suggestion: str, current: str) -> bool:
        """A suggestion is offered only when the engine answers it, with something new."""
        if suggestion not in self._suggestions:
            if len(self._suggestions) >= _SUGGESTION_CACHE:
                self._suggestions.clear()
            outcome = self._ask(suggestion, Dialogue(), "zh-Hans")
            self._suggestions[suggestion] = outcome.reply.lead if outcome.reply and not outcome.refused else None
        lead = self._suggestions[suggestion]
        return lead is not None and lead not in current

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        answer = self.answer(question, history)
        for i in range(0, len(answer.answer), 24):
            yield answer.answer[i : i + 24]
        yield answer

    def _asked_part(self, ask: str) -> str:
        """The ask without its clauses about the asker that ask nothing ("我刚调到链长办，…是哪几张": the asker's
        new post is no question about a later period)."""
        selves = tuple(w.lower() for w in self.deps.tables.catalog.markers.self_words)
        clauses = _ASKER_CLAUSE.findall(ask)
        kept = [c for c in clauses if not (c.strip().lower().startswith(selves) and not self.u.splitter.asks(c))]
        return "".join(kept) if kept and len(kept) < len(clauses) else ask

    def _ask(self, ask: str, dialogue: Dialogue, lang: str, later: bool = False) -> Outcome:
        reason = self.u.policy.reason(self._asked_part(ask))
        if reason is None and dialogue.last is not None:
            reason = self.u.policy.period_of(ask, dialogue.last.reading.text)
        reading = self.u.reader.read(ask)
        if reason is not None:  # declined, but what it was about stays: "另外现在这个方案管哪几年"
            dialogue.frames.append(self.u.resolver.resolve(reading, dialogue))
            return Outcome(ask, refused=reason)
        # "现代化工链牵头部门是哪个，经信厅对口哪个处": a later ask of one message continues the earlier ones
        reading.follow_up = reading.follow_up or later
        if later:
            reading.extra["later"] = "ask"
        last = dialogue.last
        if not reading.regions and not reading.provinces and last is not None and (later or not reading.strong_kinds):
            reading.regions = list(last.reading.regions)  # "浙江有哪些链？链长都是谁？": still about 浙江
        if reading.regions and not reading.provinces:
            dialogue.frames.append(self.u.resolver.resolve(reading, Dialogue()))
            return Outcome(ask, refused=RefusalReason.OTHER_PROVINCE, regions=reading.regions)
        frames = [self._unchecked(f) for f in self.u.resolver.candidates(reading, dialogue)]
        if reading.regions and (frames[0].intent is None or frames[0].intent.name == "compare"):
            dialogue.frames.append(frames[0])  # "<外省>的链长制和<省>的比哪个好": one side is not in the documents
            return Outcome(ask, refused=RefusalReason.OTHER_PROVINCE, regions=reading.regions)
        checked = {(m.start, m.end) for m in reading.checked}
        # "光通信链长是肖菊华吗": a reading that finds the answer without the checked name goes first
        frames.sort(key=lambda f: any((m.start, m.end) in checked for v in f.slots.values() for m in v))
        ctx = Context(self.deps, self.prompts, self.search, lang, dialogue)
        unlisted = unlisted_chain(ctx, reading)  # (the cheap test first: most asks name no chain of their own)
        if unlisted is not None and _about_a_chain(ctx, frames[0]):  # "<省>氢能产业链链长是谁": no table lists it
            dialogue.frames.append(frames[0])
            return Outcome(ask, unlisted, refused=RefusalReason.NOT_FOUND)
        placed = self._where_said(ctx, reading)
        if placed is not None:
            dialogue.frames.append(frames[0])
            return Outcome(ask, placed)
        frame, reply = self._first_answer(ctx, frames, last.answer if last is not None and not later else "")
        if reply is None:
            dialogue.frames.append(frame)
            return Outcome(ask, refused=RefusalReason.NOT_FOUND, regions=reading.regions)
        reply = _placed(ctx, frame, self._verdict(ctx, frame, reply))
        frame.named = [m for m in self.deps.gazetteer.scan(reply.lead + reply.body)
                       if m.kind not in ("province", "city", "region")]
        frame.answer = reply.lead + reply.body
        frame.cited = reply.evidence[0].citation if reply.evidence else None
        dialogue.frames.append(frame)
        refused = RefusalReason(reply.refused) if reply.refused else None
        return Outcome(ask, reply, refused=refused, regions=reading.regions)

    @staticmethod
    def _where_said(ctx: Context, reading: Reading) -> Reply | None:
        """"在哪部分？" / "出自哪个文件？" naming nothing, after an answer: where that answer's quote stands (an
        answer of the history, whose text has no citation, is the last question answered again)."""
        last = ctx.dialogue.last
        if "section" not in reading.answer_types or reading.strong_kinds or last is None:
            return None
        if last.cited is None and last.intent is not None:
            again = ANSWERERS[last.intent.answerer](dataclasses.replace(ctx, dialogue=Dialogue(ctx.dialogue.frames[:-1])), last)
            last.cited = again.evidence[0].citation if again is not None and again.evidence else None
        if last.cited is None:
            return None
        cite = last.cited
        where = "的".join(f"“{part.strip()}”" for part in cite.section.split(">")) if cite.section else ""
        lead = ctx.say("placed", title=cite.doc_title, section=where) if where else \
            ctx.say("found_in", title=cite.doc_title)
        return Reply(lead, ctx.evidence([cite]))  # a table row shown with its column names

    def _pointed(self, message: str, dialogue: Dialogue) -> str:
        """"第三条链的链长是谁" after a list of chains: the third chain's name in place of the ordinal, unless
        the message names what it counts in ("重点任务第一条" is the section's first item)."""
        return self._point_back(message, [f.answer for f in dialogue.frames if f.answer])

    def _point(self, message: str, last_answer: str) -> str:
        pointed = self.u.ordinals.resolve(message, last_answer)
        if pointed != message and {"section", "document"} & self.u.reader.read(message).strong_kinds:
            return message
        return pointed

    def _turns(self, history: list[Turn]) -> list[tuple[str, str]]:
        """The earlier turns, each user turn's ordinal read against the answer before it ("第五条的链长是谁"
        stays about the fifth chain for the questions after it)."""
        turns = [(t.role, t.content) for t in history]
        return [(role, self._point_back(text, [a for r, a in turns[:i] if r == "assistant"]) if role == "user"
                 else text) for i, (role, text) in enumerate(turns)]

    def _point_back(self, message: str, answers: list[str]) -> str:
        """The ordinal read against the latest answer that lists that far, up to a few answers back ("第二个集群
        谁联系" after the list, then two answers about its first item)."""
        for answer in reversed(answers[-_LOOK_BACK:]):
            pointed = self._point(message, answer)
            if pointed != message:
                return pointed
        return message

    def _verdict(self, ctx: Context, frame: Frame, reply: Reply) -> Reply:
        """"是肖菊华吗" / "汽车链链长是李乐成吗": yes or no first, by whether the answer names the one the ask
        checks (a name the intent does not need: the one it is about, "曹广晶负责汽车链吗", is no check)."""
        types = frame.reading.answer_types
        if reply.refused or frame.intent is None or not {"yesno", "choice"} & set(types):
            return reply
        about = {*frame.intent.needs, *frame.intent.needs_any}
        # the name "是X吗" marks is what is checked; else what the ask names besides what it is about
        asked = {m.key for m in frame.reading.checked if m.kind != "province"} or \
            {m.key for m in frame.reading.mentions if m.kind in _CHECKED and m.kind not in about}
        said = {m.key for m in self.deps.gazetteer.scan(reply.lead) if m.kind in _CHECKED}
        places = {m.key for m in frame.reading.checked if m.kind == "province"}
        lead = reply.lead.removeprefix(ctx.say("yes"))  # the verdict replaces the answerer's own "有。"
        if places and not asked:  # "芙蓉人才行动计划是<省>的政策吗": the province of the documents that answer
            found = {d.province for e in reply.evidence if (d := ctx.tables.meta(e.citation.doc_id))}
            if not found:
                return reply
            verdict = "confirm_place_choice" if "choice" in types else \
                "confirm_place_yes" if places & found else "confirm_place_no"
            where = "、".join(ctx.province_name(p) for p in sorted(found))
            return dataclasses.replace(reply, lead=ctx.say(verdict, province=where) + lead)
        if not asked or not said or "choice" in types:  # "是郭涛还是袁德芳答的": the answer names which
            return reply
        if asked & said:
            return dataclasses.replace(reply, lead=ctx.say("confirm_yes") + lead)
        return self._no_but(ctx, frame, reply, asked, lead)

    @staticmethod
    def _no_but(ctx: Context, frame: Frame, reply: Reply, asked: set[str], lead: str) -> Reply:
        """"船舶是不是也由他负责" → no, and who does: the leader of the chain it checks, then what it said."""
        chains = [m for m in frame.reading.mentions if m.kind == "chain" and m.key in asked]
        fact = ANSWERERS["chain_leader"](ctx, dataclasses.replace(frame, slots={**frame.slots, "chain": chains})) \
            if chains else None
        if fact is None or fact.refused or not fact.lead:
            return dataclasses.replace(reply, lead=ctx.say("confirm_no") + lead)
        return dataclasses.replace(reply, lead=ctx.say("confirm_no") + fact.lead + "\n\n" + lead,
                                   evidence=[*fact.evidence, *reply.evidence], notes=[*fact.notes, *reply.notes])

    def _unchecked(self, frame: Frame) -> Frame:
        """The frame without the name the ask checks, when it needs no slot of that name: the answer is then
        found by the rest ("发布会上代表汽车链牵头部门答问的是郭涛吗" asks who answered, then compares)."""
        checked = {(m.start, m.end) for m in frame.reading.checked}
        intent = frame.intent
        if not checked or intent is None:
            return frame
        slots = {k: [m for m in v if (m.start, m.end) not in checked] for k, v in frame.slots.items()}
        places = {m.key for m in frame.reading.checked if m.kind == "province"}
        if places:  # the province checked is compared, not searched in
            frame = dataclasses.replace(frame, provinces=[p for p in frame.provinces if p not in places])
            frame.reading.provinces = [p for p in frame.reading.provinces if p not in places]
        if any(not slots.get(k) and frame.slots.get(k) for k in intent.needs) or (
                intent.needs_any and not any(slots.get(k) for k in intent.needs_any)):
            return frame
        return dataclasses.replace(frame, slots=slots)

    @staticmethod
    def _in_city(frame: Frame) -> bool:
        """Is the ask about a city: it names one, or follows one up ("传统的是哪几条" after 孝感's) without asking about
        someone ("是哪家媒体问的他" after 孝感's speaker asks about him)."""
        return bool(frame.reading.slots.get("city")) or bool(frame.slots.get("city")) and not any(
            frame.slots.get(k) for k in ("person", "event", "outlet"))

    @staticmethod
    def _asks_more(frame: Frame) -> bool:
        """An ask with words of its own that is no confirmation ("是他吗" may well be answered the same again)
        and not just the name of what it asks ("牵头部门是谁" after the lead department asks it again)."""
        if "yesno" in frame.reading.answer_types:
            return False
        return len(without_cues(frame.intent, frame.reading.topic)) >= 2

    def _fits(self, frame: Frame, reply: Reply, searched: bool) -> bool:
        """"去年卖了多少辆车？" is not answered by a sentence that merely names the car: an ask for a number
        needs one in the answer's own words; a searched answer to "谁" needs a name."""
        if "number" in frame.reading.answer_types and not _NUMBER.search(reply.lead):
            return False
        unit = self._unit.search(frame.reading.folded)
        if unit:
            measured = unit.group(1) or unit.group(2)
            words = [measured, *self.deps.tables.catalog.unit_synonyms.get(measured, [])]
            measure = "|".join(re.escape(w) for w in words)
            if not re.search(rf"(?:{_NUMBER.pattern})[^，。；\n]{{0,4}}?(?:{measure})", reply.lead):
                return False
        if searched and not self._in_place(frame, reply) or not _names_asked(frame, reply, self._authors):
            return False
        options = frame.reading.options  # "副省长还是常委": an answer naming neither does not choose
        if options and not any(o[:2] in fold(reply.lead + reply.body) for o in options):  # (<省>方案里的 → <省>)
            return False
        asked = set(frame.reading.answer_types)
        if "name" in asked and (frame.intent is None or "unit" not in frame.intent.gives):  # "专家咨询组有哪几位专家，叫什么名字": an answer naming nobody does not answer,
            # and the speaker a statement is put to is not whom it names ("具体都是哪几位" after 13位市级领导)
            said = "".join(e.citation.quote for e in reply.evidence) or reply.lead + reply.body
            found = self.deps.gazetteer.scan(said)
            posts = {(m.start, m.end) for m in found if m.kind == "post"}  # "省委书记" names its holder, no name
            return any(m.kind in PEOPLE and (m.start, m.end) not in posts for m in found)
        if searched and {"person", "unit"} & asked:
            return any(m.kind in _NAMES for m in self.deps.gazetteer.scan(reply.lead))
        return True

    def _in_place(self, frame: Frame, reply: Reply) -> bool:
        """"随州定了哪几条链": an ask about a city is answered by a searched passage only when it names that city
        (a table or a routing answer is the province's, whatever city asks: "<市>企业用地难找省里哪个部门")."""
        named = {frame.reading.folded[m.start : m.end] for m in frame.reading.mentions if m.kind == "city"}
        if not named:
            return True
        asked = fold(self._asked_part(frame.reading.text))  # "我们是<市>一家公司，…": the asker's city asks nothing
        cities = {c for c in named if c in asked}
        if not cities:
            return True
        said = _said(reply)
        return any(fold(c) in said for c in cities)

    def _first_answer(self, ctx: Context, frames: list[Frame], said: str = "") -> tuple[Frame, Reply | None]:
        """The first candidate frame whose answerer answers; else an answerer's own refusal (a table
        without a 联络员 column: it understood the ask and knows the answer is absent); else what the narrative facts
        or the documents say. A reading that would only repeat `said` (the last turn's answer) waits for the others."""
        declined: tuple[Frame, Reply] | None = None
        repeated: tuple[Frame, Reply] | None = None
        for frame in frames:
            if frame.intent is None or (self._in_city(frame) and "city" not in frame.intent.slot_kinds()
                                        and not frame.intent.any_place):
                continue  # "孝感的总链长": a provincial table does not answer for a city
            reply = ANSWERERS[frame.intent.answerer](ctx, frame)
            if reply is not None and not reply.refused and self._fits(frame, reply, frame.intent.searched):
                reply = drill(ctx, frame, reply) if frame.intent.drills else reply  # a detail is no repeat
                if said and reply.lead in said and self._asks_more(frame):  # another reading may say more
                    repeated = repeated or (frame, reply)
                    continue
                if repeated is not None and frame.score < repeated[0].score * _FAR_BELOW:
                    return repeated  # a reading ranked far below says something else, not more
                return frame, reply
            if reply is not None and reply.refused and declined is None:
                declined = (frame, reply)
                if frame is frames[0] and (reply.final or frame.facets and frame.intent.final_refusal):
                    # "<省>方案文号": there is none, it says; "3+3+2指哪几个": the documents never list them
                    return declined
        chosen = repeated or declined
        if chosen is not None:
            return chosen
        first = frames[0]
        for frame in (first, *self._continued(ctx, first)):
            for fallback in (answer_facts.lookup, lambda c, f: Extractor(c).answer(f)):
                reply = fallback(ctx, frame)
                if reply is not None and self._fits(frame, reply, searched=True) and \
                        (frame is first or self._addresses(first, reply)):
                    return frame, reply
        return first, None

    def _addresses(self, frame: Frame, reply: Reply) -> bool:
        """Does a reply found with the last question's words speak to the follow-up's own ("这笔钱从哪里出": 钱,
        资金 by the synonym table), rather than answer the last question again? An ask with no words of its own
        ("出处是哪份文件") asks about the last answer itself."""
        own = frame.reading.topic
        words = [own, *(v for k, vs in self.deps.tables.synonyms.items() if k in own for v in vs)]
        want = grams("".join(words))
        said = reply.lead + "".join(e.citation.quote for e in reply.evidence)
        return len(grams(own)) < 2 or overlap(want, said) > 0

    @staticmethod
    def _continued(ctx: Context, frame: Frame) -> list[Frame]:
        """"是哪两家合起来的" after "中国信科是什么时候组建的": a follow-up that names nothing and that nothing
        answers alone is searched with the last question's words and entities before its own."""
        last = ctx.dialogue.last
        reading = frame.reading
        refers = reading.follow_up or reading.pronouns or len(reading.topic) <= _SHORT_FOLLOW_UP
        if last is None or not last.answer or reading.strong_kinds or not refers:
            return []  # a declined question has nothing to go on with ("内容是啥" after a later scheme), and an ask
            # of its own words that does not refer back is no follow-up ("四大基地分别是哪四个")
        words = last.reading.content or last.reading.topic
        reading = dataclasses.replace(reading, topic=words + frame.reading.topic,
                                      content=words + (frame.reading.content or frame.reading.topic),
                                      provinces=frame.reading.provinces or list(last.provinces))
        slots = {**{k: list(v) for k, v in last.slots.items() if v}, **{k: v for k, v in frame.slots.items() if v}}
        return [dataclasses.replace(frame, reading=reading, slots=slots, provinces=reading.provinces)]

_ASKER_CLAUSE = re.compile(r"(?:[^，,。；;！!？?.]|\.(?!\s))+(?:[，,。；;！!？?]+|\.\s*)?")  # "…. " ends an English one
_SHORT_FOLLOW_UP = 5  # an ask with this few words of its own ("是哪两家合起来的") goes on with the last one
_FAR_BELOW = 0.5  # a reading scored under this share of a repeating one is not taken instead of it
_LOOK_BACK = 3  # answers an ordinal may reach back over to the list it counts in
# a digit, or a Chinese numeral that counts something ("下一步", "统一" hold 一 but state no number)
_NUMBER = re.compile(r"[0-9０-９]|[零一二两三四五六七八九十百千万亿]+(?=[个条项家位名次年月日倍亿万元%成])")
_NAMES = {"person", "leader", "liaison", "department", "outlet"}  # what answers 谁 / 哪个部门
_CHECKED = (CHECKABLE - {"province"}) | {"chain"}  # names a yes/no ask checks against the answer ("宁咏负责船舶链吗")


def _names_asked(frame: Frame, reply: Reply, authors: dict[str, str]) -> bool:
    """"<某领导>原话是怎么说的", "<某人>说要投多少亿": what a named person said is answered only by what names that
    person, or quotes the document they wrote (`authors`: name → document); the name an ask checks aside
    ("链长是<某人>吗" may be answered "不是")."""
    if frame.intent is not None and frame.intent.answerer not in _SAID:
        return True  # "<作者>那篇文章是哪天发的": the person points to a document, a table's row, a term's source
    checked = {(m.start, m.end) for m in frame.reading.checked}
    people = {m.key for m in frame.reading.mentions if m.kind in PEOPLE and (m.start, m.end) not in checked}
    if not people:
        return True
    said = _said(reply)
    cited = {e.citation.doc_id for e in reply.evidence}
    return any(fold(p) in said or authors.get(p) in cited for p in people)


_SAID = ("statement", "figure")  # answerers of what someone said or reported


def _said(reply: Reply) -> str:
    """Everything a reply says, folded: its own words, its quotes and their sections (a speaker's name, a city)."""
    return fold(reply.lead + reply.body + "".join(e.citation.quote + e.citation.section for e in reply.evidence))


def _about_a_chain(ctx: Context, frame: Frame) -> bool:
    """Does the ask want a chain's row (its leader, lead department, liaison)? Its reading does, or it has the
    cue of an intent that would ("氢能链牵头部门是谁": that intent needs a chain it cannot find)."""
    if frame.intent is not None and "chain" in (*frame.intent.needs, *frame.intent.needs_any):
        return True
    folded = frame.reading.folded
    return any(without_cues(i, folded) != folded for i in ctx.tables.catalog.intents if "chain" in i.needs)


def _placed(ctx: Context, frame: Frame, reply: Reply) -> Reply:
    """"…是放在哪项任务里讲的": the section of the document the evidence stands in, first."""
    if reply.refused or "section" not in frame.reading.answer_types or not reply.evidence:
        return reply
    cite = reply.evidence[0].citation
    if not cite.section:
        return reply
    where = "的".join(f"“{part.strip()}”" for part in cite.section.split(">"))
    lead = ctx.say("placed", title=cite.doc_title, section=where)
    return dataclasses.replace(reply, lead=lead + "\n\n" + reply.lead)


def _merged(outcomes: list[Outcome]) -> list[Outcome]:
    """Asks that came to the same answer ("谁是链长？职务是什么？") are one."""
    out: list[Outcome] = []
    for o in outcomes:
        same = next((x for x in out if x.reply and o.reply and x.reply.lead == o.reply.lead), None)
        if same is None:
            out.append(o)
    return out
