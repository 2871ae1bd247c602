"""The Gradio UI at /ui: a streaming chat with sources and 👍/👎, a newcomer tab (what the chain-leader
system is, a glossary quoted from the knowledge base, starter questions) and the division-of-labour tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import gradio as gr

from assistant.answer import Answer, Turn
from assistant.errors import ChainQAError

GetService = Callable[[], Any]
STARTERS = ("湖北芯片这条链谁是链长？", "湖南工程机械产业集群的联系省领导是谁？", "园区企业招工难，湖南省里找哪个部门？",
            "什么是“五图作业”？", "“七个一”和“八个一”有什么区别？", "湖北汽车产业链的牵头部门是哪个？")
TABLE_HEADERS = ("省份", "产业链/集群", "链长/联系省领导", "职务", "牵头部门", "联络员", "联络处室", "所属产业", "集群类型")
TABLE_FIELDS = ("province", "chain", "leader", "leader_post", "lead_department", "liaison", "division",
                "industry", "cluster_type")
PROVINCES = ("全部", "湖北", "湖南")
GLOSSARY_FIRST = ("链长制", "链长", "总链长", "链主企业", "牵头部门", "七个一", "八个一", "五图作业", "一链一策", "揭榜挂帅",
                  "专精特新", "卡脖子", "五基")
INFERRED_NOTE = "※ 原表为合并单元格，该值依上一行推定（原文件未在本行重复写出）。"


# ---- chat -------------------------------------------------------------------------------------------

def _text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def history_turns(messages: list[dict], max_turns: int, max_chars: int) -> list[Turn]:
    """The conversation as Turns (source quotes left out), trimmed from the oldest to fit the limits."""
    turns = [Turn(role=m["role"], content=_text(m)) for m in messages
             if m.get("role") in ("user", "assistant") and not m.get("metadata") and _text(m)]
    turns = turns[-max_turns:] if max_turns > 0 else []
    while turns and sum(len(t.content) for t in turns) > max_chars:
        turns.pop(0)
    return turns


def source_messages(answer: Answer) -> list[dict]:
    """Each citation as a collapsed accordion: title = document and section, body = the verbatim quote."""
    out = []
    for c in answer.citations:
        title = f"出处：《{c.doc_title}》" + (f" · {c.section}" if c.section else "")
        body = "\n".join("> " + line for line in c.quote.splitlines() if line.strip())
        out.append({"role": "assistant", "content": body, "metadata": {"title": title, "status": "done"}})
    return out


def respond(get_service: GetService, question: str, messages: list[dict] | None) -> Iterator[tuple]:
    """Streams the answer into the chat; then adds the sources and the follow-up suggestions."""
    messages = list(messages or [])
    question = (question or "").strip()
    if not question:
        yield messages, "", gr.Dataset()
        return
    service = get_service()
    s = service.settings
    history = history_turns(messages, s.max_history_turns, s.max_history_chars)
    messages += [{"role": "user", "content": question}, {"role": "assistant", "content": ""}]
    yield messages, "", gr.Dataset()
    text, answer = "", None
    try:
        for item in service.stream(question, history):
            if isinstance(item, Answer):
                answer = item
            else:
                text += item
                messages[-1] = {"role": "assistant", "content": text}
                yield messages, "", gr.Dataset()
    except ChainQAError as exc:
        messages[-1] = {"role": "assistant", "content": f"【提示】{exc}"}
        yield messages, "", gr.Dataset()
        return
    if answer is not None:
        messages[-1] = {"role": "assistant", "content": answer.answer}
        messages += source_messages(answer)
    yield messages, "", gr.Dataset(samples=[[q] for q in (answer.suggestions if answer else [])])


def record_feedback(get_service: GetService, messages: list[dict], data: gr.LikeData) -> None:
    """👍/👎 on an answer (or on one of its sources) stores the answer with the question before it."""
    index = data.index if isinstance(data.index, int) else data.index[0]
    answer_at = next((i for i in range(index, -1, -1) if messages[i].get("role") == "assistant"
                      and not messages[i].get("metadata")), None)
    question = next((_text(m) for m in reversed(messages[: answer_at or 0]) if m.get("role") == "user"), "")
    if answer_at is None or not question:
        return
    liked = data.liked is True or data.liked == "Like"
    store = get_service().store
    if store is not None:
        store.add_feedback(question, _text(messages[answer_at]), 1 if liked else -1)
    gr.Info("感谢反馈！" if liked else "已记录，我们会改进这类问题的回答。")


# ---- newcomer tab -----------------------------------------------------------------------------------

def intro_markdown(service) -> str:
    chains = service.deps.tables.chains
    hubei = sum(1 for r in chains if r.province == "湖北")
    hunan = sum(1 for r in chains if r.province == "湖南")
    return (
        "## 什么是产业链链长制？\n"
        "链长制由省领导“挂帅”重点产业链：一条链（或一个产业集群）对应一位省领导，配一个牵头部门和工作专班，"
        "协调解决链上企业遇到的用地、融资、人才、配套等问题。\n\n"
        f"- **湖北**：省委、省政府主要领导任总链长，其他省领导分别担任 **{hubei}** 条重点产业链的链长，"
        "按“七个一”工作模式推进。\n"
        f"- **湖南**：**{hunan}** 个产业集群（产业链）各有一位联系省领导，建立“八个一”工作推进机制。\n\n"
        "下面的术语解释都直接引自政策原文；点下方的入门问题即可开始提问。"
    )


def glossary_markdown(service) -> str:
    docs = service.deps.documents
    parts = ["## 术语表"]
    rank = {t: i for i, t in enumerate(GLOSSARY_FIRST)}
    for term in sorted(service.deps.tables.terms, key=lambda t: rank.get(t.term, len(rank))):
        title = docs[term.source].title if term.source in docs else term.source
        parts.append(f"**{term.term}**（{term.province}）\n\n> {term.quote}\n\n—— 《{title}》")
        if term.note:
            parts.append(f"*说明：{term.note}*")
    return "\n\n".join(parts)


# ---- tables tab -------------------------------------------------------------------------------------

def table_rows(service, province: str, needle: str) -> list[list[str]]:
    """The chain rows as display cells; a cell inferred from a merged source cell ends with ※."""
    needle = (needle or "").strip()
    rows = []
    for row in service.deps.tables.chains:
        if province in ("湖北", "湖南") and row.province != province:
            continue
        cells = [getattr(row, f) or "" for f in TABLE_FIELDS]
        cells = [f"{v}※" if v and row.inferred(f) else v for v, f in zip(cells, TABLE_FIELDS, strict=True)]
        if needle and not any(needle in c for c in cells):
            continue
        rows.append(cells)
    return rows


def csv_link(province: str) -> str:
    query = f"?province={quote(province)}" if province in ("湖北", "湖南") else ""
    return f"/api/tables/chains.csv{query}"


def show_table(get_service: GetService, province: str, needle: str) -> tuple:
    return table_rows(get_service(), province, needle), gr.Button(link=csv_link(province))


# ---- layout -----------------------------------------------------------------------------------------

def _chat_tab(max_chars: int) -> tuple:
    chatbot = gr.Chatbot(label="对话", height=520, elem_id="chat", feedback_options=("Like", "Dislike"),
                         placeholder="请输入关于湖北、湖南产业链链长制的问题")
    with gr.Row():
        box = gr.Textbox(placeholder="例如：湖北芯片这条链谁是链长？", show_label=False, scale=8,
                         elem_id="question", max_length=max_chars)
        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
    suggestions = gr.Dataset(label="您还可以问", components=[gr.Textbox(visible=False)], samples=[],
                             elem_id="suggestions")
    return chatbot, box, send, suggestions


def build_ui(get_service: GetService, max_question_chars: int = 500) -> gr.Blocks:
    def run(question, messages):
        yield from respond(get_service, question, messages)

    with gr.Blocks(title="ChainQA 链长制政策问答", analytics_enabled=False) as demo:
        gr.Markdown("# ChainQA · 产业链链长制政策问答\n湖北、湖南两省链长制文件的问答助手，每个回答都附原文出处。")
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                chatbot, box, send, suggestions = _chat_tab(max_question_chars)
            with gr.Tab("新手入门", id="newcomer"):
                intro = gr.Markdown()
                starters = [gr.Button(q, size="sm") for q in STARTERS]
                glossary = gr.Markdown()
            with gr.Tab("分工表", id="tables"):
                _tables_tab(get_service, demo)
        _wire_chat(get_service, run, chatbot, box, send, suggestions)
        for button in starters:
            button.click(lambda q: (q, gr.Tabs(selected="chat")), button, [box, tabs]).then(
                run, [box, chatbot], [chatbot, box, suggestions])
        demo.load(lambda: (intro_markdown(get_service()), glossary_markdown(get_service())), None,
                  [intro, glossary])
    return demo


def _wire_chat(get_service: GetService, run, chatbot, box, send, suggestions) -> None:
    box.submit(run, [box, chatbot], [chatbot, box, suggestions])
    send.click(run, [box, chatbot], [chatbot, box, suggestions])
    suggestions.click(lambda s: s[0] if s else "", suggestions, box).then(run, [box, chatbot],
                                                                         [chatbot, box, suggestions])
    def on_like(messages: list[dict], data: gr.LikeData) -> None:
        record_feedback(get_service, messages, data)

    chatbot.like(on_like, chatbot, None)


def _tables_tab(get_service: GetService, demo: gr.Blocks) -> None:
    with gr.Row():
        province = gr.Radio(list(PROVINCES), value="全部", label="省份", elem_id="province")
        needle = gr.Textbox(label="筛选（产业链、领导、部门…）", elem_id="table-filter")
        download = gr.Button("下载 CSV", link=csv_link("全部"), elem_id="csv")
    table = gr.Dataframe(headers=list(TABLE_HEADERS), interactive=False, wrap=True, elem_id="chains")
    gr.Markdown(INFERRED_NOTE)
    fill = lambda p, n: show_table(get_service, p, n)  # noqa: E731
    province.change(fill, [province, needle], [table, download])
    needle.change(fill, [province, needle], [table, download])
    demo.load(fill, [province, needle], [table, download])

