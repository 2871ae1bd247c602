"""The Gradio UI at /ui: a streaming chat whose sources link to the document viewer, 👍/👎, the whole
conversation as 用户/助手 text to copy; a newcomer tab (what the chain-leader system is, a searchable
glossary, starter questions) and the division-of-labour tables (assistant/ui_reference.py).
Chinese throughout: Gradio's own strings come from assistant/ui_text.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

import gradio as gr

from assistant.answer import Answer, Turn
from assistant.errors import ChainQAError
from assistant.prompts import Prompts
from assistant.ui_reference import (
    ALL,
    COLUMNS,
    csv_link,
    glossary_markdown,
    intro_markdown,
    md,
    table_note,
    table_rows,
    viewer_url,
)
from assistant.ui_text import error_text

GetService = Callable[[], Any]


@dataclass(frozen=True)
class UiText:
    """What the UI says that depends on the knowledge base: the provinces, the starter questions."""

    provinces: tuple[str, ...]
    starters: tuple[str, ...]
    subtitle: str
    placeholder: str

    @classmethod
    def load(cls, prompts: Prompts, provinces: list[str]) -> UiText:
        names = "、".join(provinces)
        return cls(tuple(provinces), tuple(q for q in prompts.text("ui/zh/starters").splitlines() if q.strip()),
                   prompts.render("ui/zh/subtitle", provinces=names), prompts.render("ui/zh/placeholder", provinces=names))

_LABEL = re.compile(r'^<span class="generated">([^<]*)</span>\n\n')  # the AI label this UI puts first
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)")  # [text](url), the text may hold \] escapes
_ESCAPED = re.compile(r"\\([\\`*_\[\]<>#|])")  # what ui_reference.md escaped
SOURCES = "\n\n**出处**（点击在新标签页打开原文，引用处已标出）\n\n"


# ---- chat -------------------------------------------------------------------------------------------

def _text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def label_markdown(label: str) -> str:
    """The AI label (the `generated_label_template` wording) as the first line of an answer."""
    return f'<span class="generated">{escape(label, quote=False)}</span>\n\n'


def own_words(content: str) -> str:
    """An answer as the engine wrote it: without the label and the source links this UI adds."""
    return _LABEL.sub("", content, count=1).split(SOURCES, 1)[0]


def answer_markdown(answer: Answer, label: str) -> str:
    """The answer, the AI label, and each citation as a link to the viewer at the quote."""
    text = (label_markdown(label) if answer.generated else "") + answer.answer
    if answer.citations:
        links = [f"{i}. [《{md(c.doc_title)}》{' · ' + md(c.section) if c.section else ''}]"
                 f"({viewer_url(c.doc_id, c.start, c.end)})" for i, c in enumerate(answer.citations, 1)]
        text += SOURCES + "\n".join(links)
    return text


def history_turns(messages: list[dict], max_turns: int, max_chars: int) -> list[Turn]:
    """The conversation as Turns (labels and source links left out), trimmed from the oldest to fit."""
    turns = [Turn(role=m["role"], content=own_words(_text(m))) for m in messages
             if m.get("role") in ("user", "assistant") and not m.get("metadata") and _text(m)]
    turns = turns[-max_turns:] if max_turns > 0 else []
    while turns and sum(len(t.content) for t in turns) > max_chars:
        turns.pop(0)
    return turns


def conversation_text(messages: list[dict] | None) -> str:
    """The whole conversation to copy, each turn labelled 用户 or 助手, the AI label kept (a copied answer
    still says it was generated), source links as plain titles."""
    out = []
    for m in messages or []:
        if m.get("role") not in ("user", "assistant") or not _text(m):
            continue
        if m["role"] == "user":
            out.append("用户：" + _text(m).strip())
            continue
        body = _LABEL.sub(lambda label: f"〔{unescape(label.group(1))}〕\n", _text(m), count=1)
        body = body.replace(SOURCES, "\n\n出处：\n")
        body = _ESCAPED.sub(r"\1", _LINK.sub(r"\1", body).replace("**", ""))  # Markdown → plain text
        out.append("助手：" + body.strip())
    return "\n\n".join(out)


def _suggestions(samples: list[str] | None = None) -> gr.Dataset:
    return gr.Dataset(samples=[[q] for q in samples or []], visible=bool(samples))


def respond(get_service: GetService, question: str, messages: list[dict] | None) -> Iterator[tuple]:
    """Streams the answer into the chat; then the labelled answer with its sources, and the follow-ups.
    A question the service refuses (too long, …) stays in the box with the reason in the chat."""
    messages = list(messages or [])
    question = (question or "").strip()
    if not question:
        yield messages, "", _suggestions()
        return
    service = get_service()
    s = service.settings
    label = service.prompts.text(s.generated_label_template)
    history = history_turns(messages, s.max_history_turns, s.max_history_chars)
    messages += [{"role": "user", "content": question}, {"role": "assistant", "content": ""}]
    yield messages, "", _suggestions()
    text, answer = "", None
    try:
        for item in service.stream(question, history):
            if isinstance(item, Answer):
                answer = item
            else:
                text += item
                messages[-1] = {"role": "assistant", "content": label_markdown(label) + text}
                yield messages, "", _suggestions()
    except ChainQAError as exc:
        messages[-1] = {"role": "assistant", "content": f"【提示】{error_text(exc, s.max_question_chars)}"}
        yield messages, question, _suggestions()
        return
    if answer is not None:
        messages[-1] = {"role": "assistant", "content": answer_markdown(answer, label)}
    yield messages, "", _suggestions(answer.suggestions if answer else [])


def record_feedback(get_service: GetService, messages: list[dict], data: gr.LikeData) -> str:
    """👍/👎 on an answer stores it (in its own words) with the question before it; returns the thanks."""
    index = data.index if isinstance(data.index, int) else data.index[0]
    answer_at = next((i for i in range(index, -1, -1) if messages[i].get("role") == "assistant"
                      and not messages[i].get("metadata")), None)
    question = next((_text(m) for m in reversed(messages[: answer_at or 0]) if m.get("role") == "user"), "")
    if answer_at is None or not question:
        return ""
    liked = data.liked is True or data.liked == "Like"
    store = get_service().store
    if store is not None:
        store.add_feedback(question, own_words(_text(messages[answer_at])), 1 if liked else -1)
    return "感谢反馈！" if liked else "已记录，我们会改进这类问题的回答。"


# ---- layout -----------------------------------------------------------------------------------------

def _chat_tab(text: UiText) -> tuple:
    chatbot = gr.Chatbot(label="对话", height=520, elem_id="chat", feedback_options=("Like", "Dislike"),
                         buttons=["copy"], placeholder=text.placeholder)
    feedback = gr.Markdown(elem_id="feedback-status")
    with gr.Row():
        example = f"例如：{text.starters[0]}" if text.starters else ""
        box = gr.Textbox(placeholder=example, label="您的问题", show_label=False, scale=8, elem_id="question")
        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
    suggestions = gr.Dataset(label="您还可以问", components=[gr.Textbox(visible=False)], samples=[],
                             elem_id="suggestions", visible=False)
    with gr.Accordion("复制整段对话", open=False, elem_id="transcript-box"):
        transcript = gr.Textbox(label="对话全文（用户／助手）", lines=8, interactive=False, buttons=["copy"],
                                elem_id="transcript")
    chatbot.change(conversation_text, chatbot, transcript)
    return chatbot, feedback, box, send, suggestions


def build_ui(get_service: GetService, text: UiText) -> gr.Blocks:
    def run(question, messages):
        yield from respond(get_service, question, messages)

    with gr.Blocks(title="ChainQA 链长制政策问答", analytics_enabled=False) as demo:
        gr.Markdown(f"# ChainQA · 产业链链长制政策问答\n{text.subtitle}")
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                chatbot, feedback, box, send, suggestions = _chat_tab(text)
            with gr.Tab("新手入门", id="newcomer"):
                starters = _newcomer_tab(get_service, demo, text)
            with gr.Tab("分工表", id="tables"):
                _tables_tab(get_service, demo, text)
        outputs = [chatbot, box, suggestions]
        box.submit(run, [box, chatbot], outputs)
        send.click(run, [box, chatbot], outputs)
        suggestions.click(lambda s: s[0] if s else "", suggestions, box).then(run, [box, chatbot], outputs)
        for button in starters:
            button.click(lambda q: (q, gr.Tabs(selected="chat")), button, [box, tabs]).then(run, [box, chatbot],
                                                                                            outputs)

        def on_like(messages: list[dict], data: gr.LikeData) -> str:
            return record_feedback(get_service, messages, data)

        chatbot.like(on_like, chatbot, feedback)
    return demo


def _newcomer_tab(get_service: GetService, demo: gr.Blocks, text: UiText) -> list[gr.Button]:
    intro = gr.Markdown()
    gr.Markdown("### 入门问题")
    with gr.Row():
        starters = [gr.Button(q, size="sm", min_width=200) for q in text.starters]
    gr.Markdown("## 术语表")
    search = gr.Textbox(label="搜索术语（名称、别称或解释中的字词）", elem_id="glossary-search")
    glossary = gr.Markdown(elem_id="glossary")
    search.change(lambda n: glossary_markdown(get_service(), n), search, glossary)
    demo.load(lambda: (intro_markdown(get_service()), glossary_markdown(get_service())), None, [intro, glossary])
    return starters


def _tables_tab(get_service: GetService, demo: gr.Blocks, text: UiText) -> None:
    with gr.Row():
        province = gr.Radio([ALL, *text.provinces], value=ALL, label="省份", elem_id="province")
        needle = gr.Textbox(label="筛选（产业链及简称、领导、部门…）", elem_id="table-filter")
        download = gr.Button("下载 CSV", link=csv_link(ALL), elem_id="csv")
    table = gr.Dataframe(headers=list(COLUMNS.values()), interactive=False, wrap=True, elem_id="chains")
    note = gr.Markdown(elem_id="table-note")

    def fill(p: str, n: str) -> tuple:
        headers, rows = table_rows(get_service(), p, n or "")
        return (gr.Dataframe(value=rows, headers=headers), gr.Button(link=csv_link(p)),
                table_note(get_service(), p, n or "", len(rows)))

    for trigger in (province.change, needle.change, demo.load):
        trigger(fill, [province, needle], [table, download, note])

