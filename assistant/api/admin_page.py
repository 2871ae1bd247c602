"""The admin page's HTML (served by assistant/api/routes_admin_page.py): the unanswered and 👎 questions, one
of them opened with the engine's current answer and the three fixes (alias, example question, curated
answer), and the overlay's versions with rollback. Server-rendered so it works without script; the one
script (static/admin.js, from this origin: the page CSP allows no inline script) only helps pick a quote.
Every value from the store or the knowledge base goes through `escape`."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode

from assistant.answer import Answer
from assistant.api.admin_safety_page import SafetyData, section
from assistant.api.overlay_edits import KIND_LABELS

TITLE = "问答运维 · 未答问题处理"
REASONS = {"refused": "拒答", "thumbs_down": "👎 差评"}
ACTIONS = {"alias": "加别名", "example": "加例句", "curated": "人工答案", "rollback": "回滚", "lexicon": "敏感词",
           "approve": "文件审核"}

HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="stylesheet" href="/assets/admin.css">
<script src="/assets/admin.js" defer></script>
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header class="site"><p class="brand">ChainQA · 问答运维</p>{who}</header>
<main id="main">
"""
TAIL = "</main>\n</body>\n</html>\n"


@dataclass
class PageData:
    key_name: str
    csrf: str
    rows: list[dict[str, Any]]  # the store's unanswered rows, newest first
    targets: dict[str, Any]  # routes_overlay.targets
    versions: list[dict[str, Any]]
    stored_version: int
    serving_version: int
    poll_s: float
    question: str | None = None  # the question opened
    answer: Answer | None = None  # the engine's answer to it now
    done: dict[str, Any] | None = None  # the version a fix just made
    errors: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # what the failed form held
    safety: SafetyData | None = None  # the content-safety section


def _attr(value: Any) -> str:
    return escape(str(value), quote=True)


def _hidden(data: PageData) -> str:
    q = f'<input type="hidden" name="q" value="{_attr(data.question)}">' if data.question else ""
    return f'<input type="hidden" name="csrf" value="{_attr(data.csrf)}">{q}'


def login(error: str | None = None) -> str:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (HEAD.format(title=escape(TITLE), who="") + '<h1>问答运维登录</h1>' + message +
            '<form class="card" method="post" action="/admin/login">'
            '<label for="key">管理密钥</label>'
            '<input id="key" name="key" type="password" autocomplete="current-password" required>'
            '<button type="submit">登录</button></form>' + TAIL)


def grouped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per question (the log holds one row per time it was asked), newest first."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = out.setdefault(r["question"], {"question": r["question"], "count": 0, "reasons": [], "comments": [],
                                           "last": r["created_at"]})
        g["count"] += 1
        if REASONS.get(r["reason"], r["reason"]) not in g["reasons"]:
            g["reasons"].append(REASONS.get(r["reason"], r["reason"]))
        if r.get("comment") and r["comment"] not in g["comments"]:
            g["comments"].append(r["comment"])
    return list(out.values())


def _when(stamp: Any) -> str:
    return escape(str(stamp or "")[:16].replace("T", " "))


def _unanswered(data: PageData) -> str:
    groups = grouped(data.rows)
    if not groups:
        return '<section aria-labelledby="list-title"><h2 id="list-title">未答与差评问题</h2><p>暂时没有。</p></section>'
    body = []
    for g in groups:
        comment = f'<br><span class="comment">评论：{escape("；".join(g["comments"]))}</span>' if g["comments"] else ""
        link = "/admin?" + urlencode({"q": g["question"]}) + "#fix"
        body.append(f'<tr><td>{escape(g["question"])}{comment}</td><td>{escape("、".join(g["reasons"]))}</td>'
                    f'<td>{g["count"]}</td><td>{_when(g["last"])}</td>'
                    f'<td><a href="{_attr(link)}" aria-label="处理：{_attr(g["question"])}">处理</a></td></tr>')
    return ('<section aria-labelledby="list-title"><h2 id="list-title">未答与差评问题</h2>'
            '<div class="table-wrap" role="region" aria-label="未答与差评问题列表" tabindex="0"><table>'
            '<thead><tr><th scope="col">问题</th><th scope="col">原因</th><th scope="col">次数</th>'
            '<th scope="col">最近一次</th><th scope="col">操作</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div></section>')


def _answer(answer: Answer | None) -> str:
    if answer is None:
        return ""
    status = '<p class="status refused">现在：拒答</p>' if answer.refused else '<p class="status ok">现在：已回答</p>'
    cites = "".join(f'<li><a href="{_attr(_doc_link(c))}">《{escape(c.doc_title)}》</a>'
                    f'{escape(" " + c.section if c.section else "")}</li>' for c in answer.citations)
    cites = f'<h4>引用</h4><ul class="citations">{cites}</ul>' if cites else ""
    return (f'<div class="now" id="now"><h3>引擎现在的回答</h3>{status}'
            f'<div class="answer">{escape(answer.answer)}</div>{cites}'
            '<p class="hint">离线引擎试答，不记入问题日志。</p></div>')


def _doc_link(c) -> str:
    span = f"?start={c.start}&end={c.end}" if c.start is not None and c.end is not None else ""
    return f"/documents/{c.doc_id}{span}"


def _messages(data: PageData) -> str:
    out = ""
    if data.done:
        out += (f'<p class="done" role="status">已保存为版本 {int(data.done["version"])}：'
                f'{escape(data.done["summary"])}。本实例已生效，其他实例在约 {data.poll_s:g} 秒内生效。</p>')
    if data.errors:
        items = "".join(f"<li>{escape(e)}</li>" for e in data.errors)
        out += f'<div class="error" role="alert"><p>未保存，原因：</p><ul>{items}</ul></div>'
    return out


def _options(pairs: list[tuple[str, str]], chosen: str | None) -> str:
    return "".join(f'<option value="{_attr(v)}"{" selected" if v == chosen else ""}>{escape(label)}</option>'
                   for v, label in pairs)


def _target_select(data: PageData) -> str:
    chosen, groups = data.values.get("target"), []
    for kind, label in KIND_LABELS.items():
        pairs = []
        for t in data.targets[kind]:
            province = t.get("province") or ""
            shown = f"{t['target']}（{province}）" if province else t.get("title") or t["target"]
            pairs.append((f"{kind}|{province}|{t['target']}", shown))
        groups.append(f'<optgroup label="{_attr(label)}">{_options(pairs, chosen)}</optgroup>')
    return '<select id="alias-target" name="target" required>' + "".join(groups) + "</select>"


def _alias_form(data: PageData) -> str:
    v = data.values
    return ('<form class="card" method="post" action="/admin/fix/alias"><fieldset><legend>① 把说法加为别名</legend>'
            '<p class="hint">从问题里取出引擎不认识的说法（如“晶圆”），指定它说的是哪个产业链、部门、术语、行动或文件。</p>'
            '<label for="alias-phrase">说法</label>'
            f'<input id="alias-phrase" name="alias" required minlength="2" maxlength="30" value="{_attr(v.get("alias", ""))}">'
            f'<label for="alias-target">它指的是</label>{_target_select(data)}{_hidden(data)}'
            '<button type="submit">添加别名</button></fieldset></form>')


def _example_form(data: PageData) -> str:
    v, intents = data.values, data.targets["intents"]
    pairs = [(i["name"], f"{i['name']}（例：{i['example']}）") for i in intents]
    question = v.get("question", data.question or "")
    return ('<form class="card" method="post" action="/admin/fix/example"><fieldset><legend>② 加为意图的例句</legend>'
            '<label for="example-question">问题</label>'
            f'<input id="example-question" name="question" required maxlength="200" value="{_attr(question)}">'
            '<label for="example-intent">属于哪类问题（意图）</label>'
            f'<select id="example-intent" name="intent" required>{_options(pairs, v.get("intent"))}</select>'
            f'{_hidden(data)}<button type="submit">添加例句</button></fieldset></form>')


def _curated_form(data: PageData) -> str:
    v = data.values
    docs = [(d["target"], d["title"]) for d in data.targets["document"]]
    chosen = v.get("doc_id") or (docs[0][0] if docs else "")
    return ('<form class="card" method="post" action="/admin/fix/curated" id="curated-form"><fieldset>'
            '<legend>③ 写一条人工答案</legend>'
            '<label for="curated-question">问题</label>'
            f'<input id="curated-question" name="question" required maxlength="200" '
            f'value="{_attr(v.get("question_c", data.question or ""))}">'
            '<label for="curated-answer">答案</label>'
            f'<textarea id="curated-answer" name="answer" required maxlength="4000" rows="4">'
            f'{escape(v.get("answer", ""))}</textarea>'
            f'<label for="curated-doc">引用的文件</label><select id="curated-doc" name="doc_id" required>'
            f'{_options(docs, chosen)}</select>'
            f'<p><a id="curated-doc-link" href="/documents/{_attr(chosen)}" target="_blank" rel="noopener">'
            '在新窗口打开原文</a></p>'
            '<div id="picker" hidden><button type="button" id="picker-load">载入原文，选取引文</button>'
            '<pre id="picker-text" tabindex="0" aria-label="文件原文（选中一段文字后点“用选中的文字作引文”）" hidden></pre>'
            '<button type="button" id="picker-use" hidden>用选中的文字作引文</button>'
            '<p id="picker-note" class="hint" role="status"></p></div>'
            '<label for="curated-quote">引文（必须与原文逐字一致）</label>'
            f'<textarea id="curated-quote" name="quote" required minlength="4" maxlength="2000" rows="3">'
            f'{escape(v.get("quote", ""))}</textarea>'
            f'{_hidden(data)}<button type="submit">保存人工答案</button></fieldset></form>')


def _fix(data: PageData) -> str:
    if not data.question:
        return ""
    return (f'<section id="fix" aria-labelledby="fix-title" tabindex="-1"><h2 id="fix-title">处理这个问题</h2>'
            f'<blockquote class="question">{escape(data.question)}</blockquote>{_messages(data)}'
            f'{_answer(data.answer)}<div class="fixes">{_alias_form(data)}{_example_form(data)}'
            f'{_curated_form(data)}</div></section>')


def _versions(data: PageData) -> str:
    rows = "".join(f'<tr><td>{int(v["version"])}</td><td>{escape(ACTIONS.get(v["action"], v["action"]))}</td>'
                   f'<td>{escape(v["summary"])}</td><td>{escape(v["key_name"])}</td><td>{_when(v["created_at"])}</td>'
                   '</tr>' for v in data.versions)
    table = ('<div class="table-wrap" role="region" aria-label="修改记录列表" tabindex="0"><table><thead><tr>'
             '<th scope="col">版本</th><th scope="col">操作</th><th scope="col">内容</th><th scope="col">管理密钥</th>'
             f'<th scope="col">时间</th></tr></thead><tbody>{rows}</tbody></table></div>') if rows else "<p>还没有修改。</p>"
    undo = ('<form method="post" action="/admin/rollback" class="inline">' + _hidden(data) +
            '<button type="submit" id="rollback" class="danger">撤销最近一次修改（回滚到上一版本）</button></form>') \
        if data.versions else ""
    return (f'<section aria-labelledby="versions-title"><h2 id="versions-title">修改记录</h2>'
            f'<p>当前版本 {data.stored_version}，本实例正在使用版本 {max(data.serving_version, 0)}。</p>'
            f'{undo}{table}</section>')


def page(data: PageData) -> str:
    who = ('<form method="post" action="/admin/logout" class="inline">'
           f'<span>已登录：{escape(data.key_name)}</span><input type="hidden" name="csrf" value="{_attr(data.csrf)}">'
           '<button type="submit">退出</button></form>')
    ask = ('<form class="card ask" method="get" action="/admin#fix"><label for="ask">试问一个问题</label>'
           f'<input id="ask" name="q" maxlength="500" value="{_attr(data.question or "")}">'
           '<button type="submit">试答并处理</button></form>')
    message = _messages(data) if not data.question else ""
    return (HEAD.format(title=escape(TITLE), who=who) + f"<h1>{escape(TITLE)}</h1>{message}{ask}"
            + _fix(data) + _unanswered(data) + (section(data.safety) if data.safety else "") + _versions(data) + TAIL)
