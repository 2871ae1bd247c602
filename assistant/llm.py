"""The LLM engine: a LangChain chat model over the `openai` client with the registry tools and the
retriever bound as tools, a bounded tool-call loop, a grounding check, and the offline engine as fallback.

The one seam is `ChatModel`; production is ChatOpenAI (chat completions protocol, `base_url`, key, model,
timeout and retries from settings) with the tools bound. No other module calls an LLM."""

from __future__ import annotations

import functools
import json
import logging
import re
import unicodedata
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import openai
from langchain_core import messages as lc
from langchain_core.messages.tool import ToolCall
from langchain_core.tools import BaseTool, StructuredTool
from langchain_openai import ChatOpenAI
from pydantic import SecretStr, ValidationError

from assistant.answer import Answer, Ask, Citation, Turn
from assistant.deadline import http_client
from assistant.errors import EngineError
from assistant.offline.engine import OfflineEngine, Understanding
from assistant.policy import RefusalReason
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from assistant.tools.schema import tool_specs
from retrieval.normalize import fold

log = logging.getLogger("chainqa.llm")


class ChatModel(Protocol):
    """What the engine needs from a chat model whose tools are already bound (a LangChain Runnable): invoke
    returns an AIMessage, stream yields AIMessageChunks."""

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any: ...

    def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[Any]: ...


def build_tools(deps: ToolDeps, index) -> dict[str, BaseTool]:
    """The registry tools (deps bound, the docstring as the description, the shared argument schema) plus
    `search_documents` over the index (through the LangChain retriever)."""
    from retrieval.retriever import ChainQARetriever

    def search_documents(query: str, province: str | None = None) -> list[Citation]:
        """Search the text of the chain-leader policy documents for verbatim passages (mechanisms,
        targets, terms, tasks, document facts). Returns each passage (quote) with its document and section."""
        out = []
        for d in ChainQARetriever(index=index, k=5, province=province).invoke(query):
            m, doc = d.metadata, deps.documents.get(d.metadata["doc_id"])
            quote = doc.text[m["start"] : m["end"]] if doc and m.get("end") else d.page_content
            out.append(Citation(doc_id=m["doc_id"], doc_title=m["doc_title"], section=m["section"], quote=quote,
                                start=m.get("start"), end=m.get("end")))
        return out

    tools = [StructuredTool.from_function(func=functools.partial(spec.fn, deps), name=spec.name,
                                          description=spec.description, args_schema=spec.args)
             for spec in tool_specs().values()]
    tools.append(StructuredTool.from_function(search_documents))
    return {t.name: t for t in tools}


def _strip(x: object) -> object:
    """Tool data for the model and the evidence: no offsets, no empty fields."""
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in ("start", "end") and v not in (None, [], {})}
    return [_strip(v) for v in x] if isinstance(x, list) else x


def _lengths(x: object) -> set[str]:
    """How many items each list of a result holds (an answer may count them: "16 条链")."""
    if isinstance(x, list):
        return {str(len(x))}.union(*(_lengths(v) for v in x))
    return set().union(*(_lengths(v) for v in x.values())) if isinstance(x, dict) else set()


@dataclass
class Evidence:
    """This turn's tool results: their text (for the grounding check) and their citations."""

    texts: list[str] = field(default_factory=list)
    counts: set[str] = field(default_factory=set)
    citations: list[tuple[str, Citation]] = field(default_factory=list)
    tools_used: list[str] = field(default_factory=list)
    streamed: bool = False

    def add(self, name: str, result: Any, deps: ToolDeps) -> str:
        """Record one tool result (a result model with citations, or a list of facts or citations);
        returns its JSON for the model."""
        if isinstance(result, list):  # list_chains (facts with source + quote) or search_documents
            data = _strip([r.model_dump(mode="json") for r in result])
            cites = [r if isinstance(r, Citation) else deps.cite(r.source, r.quote) for r in result]
        else:
            data = _strip(result.model_dump(mode="json"))
            cites = list(result.citations)
        payload = json.dumps(data, ensure_ascii=False)
        self.texts += [payload, *(deps.documents[c.doc_id].meta.model_dump_json() for c in cites
                                  if c.doc_id in deps.documents)]
        self.counts |= _lengths(data)
        self.citations += [(name, c) for c in cites]
        self.tools_used += [] if name in self.tools_used else [name]
        return payload


_NUMBER = re.compile(r"0*(\d+(?:\.\d+)?)")  # without leading zeros: 04 → 4
_LIST_MARK = re.compile(r"^\s*(?:[-*]\s*)?\d+[.、)）]\s*", re.M)
_DEPT = re.compile(r"省(?:委|政府)?[\u4e00-\u9fff]{1,10}?(?:厅|委|局|办)")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_TAG = re.compile(r"<\s*/?\s*question\s*>", re.I)  # the user's text cannot close the data block
_URL = re.compile(r"(?:https?://|www\.)[^\s)）\]>]+", re.I)
_ROLE = re.compile(r"链长|联络员|领导|省长|书记|主任|厅长|同志|担任|负责人|联系人")


@functools.lru_cache(maxsize=1)
def _pos_tokenizer():
    import jieba
    import jieba.posseg

    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


def person_names(text: str) -> list[str]:
    """Words jieba tags as person names (nr*) next to a role word (链长, 同志, 担任…): names the registry
    may not know (张三). Role context keeps common words jieba mis-tags (明文, 高水平) out."""
    out, pos = [], 0
    for w in _pos_tokenizer().cut(text):
        start, pos = pos, pos + len(w.word)
        if w.flag.startswith("nr") and _CJK_NAME.match(w.word) and _ROLE.search(text[max(start - 8, 0) : pos + 8]):
            out.append(w.word)
    return out


def ungrounded(answer: str, evidence: str, counts: set[str], gazetteer) -> list[str]:
    """The leader names, departments, numbers and links in `answer` that this turn's evidence lacks."""
    ev = fold(evidence)
    ev_keys = functools.cache(lambda: {(m.kind, m.key) for m in gazetteer.scan(evidence)})  # only when needed
    missing = [m.key for m in gazetteer.scan(answer)
               if m.kind in ("leader", "department") and fold(m.key) not in ev and (m.kind, m.key) not in ev_keys()]
    missing += [n for n in person_names(answer) if fold(n) not in ev]
    for dept in _DEPT.findall(answer):
        families = {("department", m.key) for m in gazetteer.scan(dept) if m.kind == "department"}
        if fold(dept) not in ev and not families & ev_keys():
            missing.append(dept)
    numbers = set(_NUMBER.findall(unicodedata.normalize("NFKC", evidence))) | counts
    body = unicodedata.normalize("NFKC", _LIST_MARK.sub("", answer))
    missing += [n for n in _NUMBER.findall(body) if n not in numbers]
    missing += [url for url in _URL.findall(answer) if url not in evidence]  # injected links, adverts
    return list(dict.fromkeys(missing))


def _bigrams(text: str) -> set[str]:
    t = "".join(ch for ch in fold(text) if "\u4e00" <= ch <= "\u9fff" or ch.isalnum())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def pick_citations(ev: Evidence, answer: str) -> list[Citation]:
    """Every structured-tool citation; retrieved passages only when the answer draws on them (most overlap)."""
    want = _bigrams(answer)
    overlap = [len(want & _bigrams(c.quote)) if name == "search_documents" else None for name, c in ev.citations]
    bar = max(4, 0.6 * max((o for o in overlap if o is not None), default=0))
    chosen = [c for (_, c), o in zip(ev.citations, overlap, strict=True) if o is None or o >= bar]
    chosen = chosen or [c for _, c in ev.citations[:1]]
    unique = {(c.doc_id, c.quote): c for c in reversed(chosen)}
    return list(reversed(unique.values()))


class LLMFailure(EngineError):
    """Why the model's turn cannot be used; `reason` goes into `engine`, the detail into the log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def failure_reason(exc: Exception) -> str:
    if isinstance(exc, LLMFailure):
        return exc.reason
    if isinstance(exc, json.JSONDecodeError):
        return "malformed tool arguments"
    if isinstance(exc, openai.APIStatusError):
        return f"http {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError is one
        return "timeout" if isinstance(exc, openai.APITimeoutError) else "connection error"
    log.exception("llm engine error")
    return "error"


class LLMEngine:
    """`answer` and `stream` (deltas, then the Answer). The shared policy decides first: a message whose every
    ask is declined never reaches the model, and smuggled instructions are stripped before it does. Any failure,
    and any answer that fails the grounding check, falls back to the offline engine (computed only then), with
    the reason in `engine`. When streaming, deltas already sent are superseded by the final Answer."""

    name = "llm"

    def __init__(self, model: ChatModel, tools: dict[str, BaseTool], deps: ToolDeps, prompts: Prompts,
                 offline: OfflineEngine, understanding: Understanding, max_tool_rounds: int = 4) -> None:
        self.model, self.tools, self.deps, self.p = model, tools, deps, prompts
        self.offline, self.u, self.max_rounds = offline, understanding, max_tool_rounds

    @classmethod
    def from_settings(cls, settings, deps: ToolDeps, prompts: Prompts, index, offline: OfflineEngine) -> LLMEngine:
        chat = ChatOpenAI(model=settings.llm_model, api_key=SecretStr(settings.openai_api_key or "not-needed"),
                          base_url=settings.openai_base_url, timeout=settings.llm_timeout_s,
                          max_retries=settings.llm_max_retries, temperature=0, use_responses_api=False,
                          http_client=http_client(settings.llm_timeout_s))  # honours the answer's total deadline
        tools = build_tools(deps, index)  # the bound Runnable satisfies ChatModel
        return cls(chat.bind_tools(list(tools.values())), tools, deps, prompts, offline, offline.u,
                   settings.llm_max_tool_rounds)

    def answer(self, question: str, history: list[Turn] | None = None) -> Answer:
        answer = None
        for item in self._run(question, history or [], streaming=False):
            answer = item
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, history: list[Turn] | None = None) -> Iterator[str | Answer]:
        return self._run(question, history or [], streaming=True)

    def _run(self, question: str, history: list[Turn], streaming: bool) -> Iterator[str | Answer]:
        clean, injected = self.u.policy.without_instructions(question)
        asks = self.u.splitter.split(clean) if clean else []
        reasons = [self._declined(a) for a in asks]
        ev = Evidence()
        if not asks or all(reasons):
            answer = self._fallback(question, history, "refused", skipped=True)
        else:
            try:
                text = yield from self._rounds(self._messages(clean, history), ev, streaming)
                answer = self._checked(text, ev, asks, reasons, injected)
            except Exception as exc:
                reason = failure_reason(exc)
                log.warning("llm fallback (%s) for %r: %s", reason, question[:80], exc)
                answer = self._fallback(question, history, reason)
        if streaming and not ev.streamed:
            yield from (answer.answer[i : i + 24] for i in range(0, len(answer.answer), 24))
        yield answer

    def _declined(self, ask: str) -> RefusalReason | None:
        """The shared policy's reason to decline an ask, a province the base does not cover included."""
        reason = self.u.policy.reason(ask)
        if reason is None:
            reading = self.u.reader.read(ask)
            if reading.regions and not reading.provinces:
                return RefusalReason.OTHER_PROVINCE
        return reason

    def _fallback(self, question: str, history: list[Turn], reason: str, skipped: bool = False) -> Answer:
        answer = self.offline.answer(question, history)
        why = f"llm skipped: {reason}" if skipped else f"llm fallback: {reason}"
        return answer.model_copy(update={"engine": f"offline ({why})"})

    def _messages(self, question: str, history: list[Turn]) -> list[lc.BaseMessage]:
        messages: list[lc.BaseMessage] = [lc.SystemMessage(self.p.text("system"))]
        for turn in history:
            if turn.role == "user":
                messages.append(lc.HumanMessage("<question>\n" + _TAG.sub("", turn.content) + "\n</question>"))
            elif turn.role == "assistant":
                messages.append(lc.AIMessage(turn.content))
        messages.append(lc.HumanMessage(self.p.render("llm_answer", question=_TAG.sub("", question))))
        return messages

    def _rounds(self, messages: list[lc.BaseMessage], ev: Evidence, streaming: bool) -> Generator[str, None, str]:
        for _ in range(self.max_rounds + 1):  # max_rounds tool rounds, then the model must answer
            reply = (yield from self._streamed(messages, ev)) if streaming else self.model.invoke(messages)
            if reply.invalid_tool_calls:
                raise LLMFailure("malformed tool arguments")
            if not reply.tool_calls:
                return str(reply.text).strip()
            messages.append(lc.AIMessage(content=reply.content, tool_calls=reply.tool_calls))
            messages += [self._call(call, ev) for call in reply.tool_calls]
        raise LLMFailure("too many tool rounds")

    def _streamed(self, messages: list[lc.BaseMessage], ev: Evidence) -> Generator[str, None, lc.AIMessageChunk]:
        reply: lc.AIMessageChunk | None = None
        for chunk in self.model.stream(messages):
            reply = chunk if reply is None else reply + chunk
            delta = str(chunk.text)
            if delta and not reply.tool_call_chunks:
                ev.streamed = True
                yield delta
        if reply is None:
            raise LLMFailure("empty answer")
        for tc in reply.tool_call_chunks:  # LangChain's partial-JSON parser would "repair" truncated args
            json.loads(tc["args"] or "{}")
        return reply

    def _call(self, call: ToolCall, ev: Evidence) -> lc.ToolMessage:
        tool = self.tools.get(call["name"])
        if tool is None:
            raise LLMFailure("unknown tool")
        try:
            result = tool.invoke(call["args"])
        except ValidationError as exc:
            raise LLMFailure("malformed tool arguments") from exc
        return lc.ToolMessage(ev.add(call["name"], result, self.deps), tool_call_id=call["id"] or "", name=call["name"])

    def _checked(self, text: str, ev: Evidence, asks: list[str], reasons: list[RefusalReason | None],
                 injected: bool) -> Answer:
        if not text:
            raise LLMFailure("empty answer")
        if not ev.citations:
            raise LLMFailure("no sources")
        missing = ungrounded(text, "\n".join(ev.texts), ev.counts, self.deps.gazetteer)
        if missing:
            raise LLMFailure("ungrounded", "、".join(missing[:8]))
        if injected:
            text += "\n\n" + self.p.text("notes/zh/injection_ignored")
        return Answer(answer=text, citations=pick_citations(ev, text), tools_used=ev.tools_used, engine=self.name,
                      asks=[Ask(text=a, refused=r is not None, refusal_reason=r.value if r else None)
                            for a, r in zip(asks, reasons, strict=True)])
