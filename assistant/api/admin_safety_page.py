"""The content-safety section of the admin page (assistant/api/admin_page.py): the lexicon with a form to add a
term (or an allow-listed phrase), one to import a list, each term's enable/disable and remove buttons, the
documents held for review with their approve button, and the newest audit hits with the CSV export. Plain
forms (no script), each carrying the CSRF token; every value goes through `escape`."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from assistant.audit import WHERE_LABELS
from assistant.lexicon import ACTION_LABELS, CATEGORIES

_ACTIONS = [*ACTION_LABELS.items(), ("allow", "白名单（合法用语）")]


@dataclass
class SafetyData:
    csrf: str
    enabled: bool
    terms: list[dict[str, Any]]
    allow: list[str]
    review: list[dict[str, Any]]
    hits: list[dict[str, Any]] = field(default_factory=list)


def _attr(value: Any) -> str:
    return escape(str(value), quote=True)


def _button(data: SafetyData, action: str, label: str, fields: dict[str, str], css: str = "") -> str:
    hidden = "".join(f'<input type="hidden" name="{_attr(k)}" value="{_attr(v)}">' for k, v in fields.items())
    return (f'<form method="post" action="/admin/lexicon/{action}" class="inline">'
            f'<input type="hidden" name="csrf" value="{_attr(data.csrf)}">{hidden}'
            f'<button type="submit"{f" class={css}" if css else ""}>{escape(label)}</button></form>')


def _select(name: str, pairs: list[tuple[str, str]], label: str) -> str:
    options = "".join(f'<option value="{_attr(v)}">{escape(t)}</option>' for v, t in pairs)
    return f'<label for="lexicon-{name}">{label}</label><select id="lexicon-{name}" name="{name}">{options}</select>'


def _add_forms(data: SafetyData) -> str:
    hidden = f'<input type="hidden" name="csrf" value="{_attr(data.csrf)}">'
    add = ('<form class="card" method="post" action="/admin/lexicon/add"><fieldset><legend>添加敏感词</legend>'
           '<label for="lexicon-term">词语</label>'
           '<input id="lexicon-term" name="term" required maxlength="50">'
           + _select("category", [(c, c) for c in CATEGORIES], "类别")
           + _select("action", _ACTIONS, "处置方式")
           + f'{hidden}<button type="submit">添加敏感词</button></fieldset></form>')
    bulk = ('<form class="card" method="post" action="/admin/lexicon/import"><fieldset><legend>导入词表</legend>'
            '<p class="hint">每行一个词，或 CSV：<code>词语,类别,处置方式</code>（block 拦截、mask 打码、flag 标记、'
            'allow 白名单）；有一行不合格则整份不导入。</p>'
            '<label for="lexicon-import">词表</label>'
            '<textarea id="lexicon-import" name="text" required rows="4"></textarea>'
            f'{hidden}<button type="submit">导入词表</button></fieldset></form>')
    return f'<div class="fixes">{add}{bulk}</div>'


def _terms(data: SafetyData) -> str:
    if not data.terms and not data.allow:
        return "<p>词表为空。</p>"
    rows = []
    for t in data.terms:
        state = "启用" if t["enabled"] else "停用"
        toggle = _button(data, "toggle", f"{'停用' if t['enabled'] else '启用'}“{t['term']}”",
                         {"term": t["term"], "enabled": "false" if t["enabled"] else "true"})
        remove = _button(data, "remove", f"删除“{t['term']}”", {"term": t["term"]}, "danger")
        rows.append(f'<tr><td>{escape(t["term"])}</td><td>{escape(t["category"])}</td>'
                    f'<td>{escape(ACTION_LABELS.get(t["action"], t["action"]))}</td><td>{state}</td>'
                    f'<td>{toggle} {remove}</td></tr>')
    for phrase in data.allow:
        remove = _button(data, "remove", f"删除“{phrase}”", {"term": phrase}, "danger")
        rows.append(f'<tr><td>{escape(phrase)}</td><td>—</td><td>白名单</td><td>启用</td><td>{remove}</td></tr>')
    return ('<div class="table-wrap" role="region" aria-label="敏感词列表" tabindex="0"><table><thead><tr>'
            '<th scope="col">词语</th><th scope="col">类别</th><th scope="col">处置</th><th scope="col">状态</th>'
            f'<th scope="col">操作</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _review(data: SafetyData) -> str:
    if not data.review:
        return "<h3>待审核文件</h3><p>没有待审核的文件。</p>"
    items = "".join(f'<li>《{escape(r["title"])}》（{escape(r["doc_id"])}）含：{escape("、".join(r["terms"]))}'
                    f'{"，暂不参与检索" if r["out_of_search"] else ""} '
                    f'{_button(data, "approve", "审核通过：" + r["doc_id"], {"doc_id": r["doc_id"]})}</li>'
                    for r in data.review)
    return f'<h3>待审核文件</h3><ul class="review">{items}</ul>'


def _audit(data: SafetyData) -> str:
    link = '<p><a href="/admin/audit.csv" download>导出审计记录（CSV）</a></p>'
    if not data.hits:
        return f"<h3>审计记录</h3>{link}<p>还没有命中记录。</p>"
    rows = "".join(f'<tr><td>{escape(str(h["created_at"])[:19].replace("T", " "))}</td>'
                   f'<td>{escape(WHERE_LABELS.get(h["where"], h["where"]))}</td><td>{escape(h["category"])}</td>'
                   f'<td>{escape(h["term"])}</td><td>{escape(ACTION_LABELS.get(h["action"], h["action"]))}</td>'
                   f'<td>{escape(h["excerpt"])}</td><td>{escape(h["request_id"] or h["subject"])}</td></tr>'
                   for h in data.hits)
    return (f'<h3>审计记录</h3>{link}<div class="table-wrap" role="region" aria-label="审计记录列表" tabindex="0">'
            '<table><thead><tr><th scope="col">时间</th><th scope="col">位置</th><th scope="col">类别</th>'
            '<th scope="col">词语</th><th scope="col">处置</th><th scope="col">摘录</th>'
            f'<th scope="col">请求 / 文件</th></tr></thead><tbody>{rows}</tbody></table></div>')


def section(data: SafetyData) -> str:
    off = "" if data.enabled else '<p class="hint">词表检查已由部署设置关闭（lexicon_enabled）。</p>'
    return (f'<section id="safety" aria-labelledby="safety-title"><h2 id="safety-title">内容安全</h2>{off}'
            f'{_add_forms(data)}{_terms(data)}{_review(data)}{_audit(data)}</section>')
