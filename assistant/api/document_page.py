"""A source document as a readable page: its cleaned Markdown (headings, paragraphs, lists, tables) turned
into HTML with the manifest facts on top and the cited span S..E wrapped in <mark>.

The HTML is built here, piece by piece, and every piece of document text goes through `escape`: no
markup from a document (an uploaded one may carry <script> or onerror=) ever reaches the page as markup.
A Markdown library would have to be configured not to pass raw HTML; building it ourselves also keeps
every character's offset, which is what the highlight needs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\|[\s:|-]+\|$")


@dataclass
class Span:
    """The highlighted character range; the first <mark> gets id="hl" (the viewer scrolls to it)."""

    start: int
    end: int
    marks: int = 0

    def touches(self, lo: int, hi: int) -> bool:
        return self.start < hi and lo < self.end


def inline(text: str, offset: int, span: Span | None) -> str:
    """`text` (found at `offset` in the document) escaped, its part inside the span in a <mark>."""
    if span is None or not span.touches(offset, offset + len(text)):
        return escape(text)
    lo, hi = max(span.start - offset, 0), min(span.end - offset, len(text))
    first = ' id="hl" tabindex="-1"' if span.marks == 0 else ""
    span.marks += 1
    return f"{escape(text[:lo])}<mark{first}>{escape(text[lo:hi])}</mark>{escape(text[hi:])}"


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line with the offset of its first character (line ends excluded)."""
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        out.append((pos, raw.rstrip("\r\n")))
        pos += len(raw)
    return out


def _cells(line: str, offset: int) -> list[tuple[int, str]]:
    """The cells of a `| a | b |` row, each trimmed, with its offset."""
    cells, bars = [], [i for i, ch in enumerate(line) if ch == "|"]
    for left, right in zip(bars, bars[1:], strict=False):
        raw = line[left + 1 : right]
        lead = len(raw) - len(raw.lstrip())
        cells.append((offset + left + 1 + lead, raw.strip()))
    return cells


def _table(rows: list[tuple[int, str]], span: Span | None, number: int) -> str:
    """A table in a focusable scroll box (keyboard users can scroll a wide table on a phone)."""
    header = len(rows) > 1 and _TABLE_RULE.match(rows[1][1].strip()) is not None
    parts = [f'<div class="table-wrap" role="region" aria-label="表格{number}" tabindex="0"><table>']
    for i, (offset, line) in enumerate(rows):
        if header and i == 1:
            continue
        tag = "th" if header and i == 0 else "td"
        hit = span is not None and span.touches(offset, offset + len(line))
        cells = "".join(f"<{tag}>{inline(c, o, span)}</{tag}>" for o, c in _cells(line.strip(), offset))
        row = f'<tr class="hl">{cells}</tr>' if hit else f"<tr>{cells}</tr>"
        if tag == "th":
            parts.append(f"<thead>{row}</thead><tbody>")
        else:
            parts.append("<tbody>" + row if i == 0 else row)
    parts.append("</tbody></table></div>")
    return "".join(parts)


def _blocks(lines: list[tuple[int, str]]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Consecutive lines grouped: ("table", rows), ("list", items), or one ("line", [line]) each."""
    blocks: list[tuple[str, list[tuple[int, str]]]] = []
    for offset, line in lines:
        stripped = line.strip()
        if not stripped:
            blocks.append(("blank", []))
            continue
        kind = "table" if stripped.startswith("|") and stripped.endswith("|") else \
            "list" if _BULLET.match(line) else "line"
        if kind != "line" and blocks and blocks[-1][0] == kind:
            blocks[-1][1].append((offset, line))
        else:
            blocks.append((kind, [(offset, line)]))
    return [b for b in blocks if b[0] != "blank"]


def _line(offset: int, line: str, span: Span | None) -> str:
    heading = _HEADING.match(line)
    if heading:  # the page's <h1> is the manifest title: document headings move one level down
        level = min(len(heading.group(1)) + 1, 6)
        start = offset + heading.start(2)
        return f"<h{level}>{inline(heading.group(2), start, span)}</h{level}>"
    lead = len(line) - len(line.lstrip())
    return f"<p>{inline(line.strip(), offset + lead, span)}</p>"


def _list(items: list[tuple[int, str]], span: Span | None) -> str:
    out = []
    for offset, line in items:
        match = _BULLET.match(line)
        assert match is not None
        out.append(f"<li>{inline(match.group(1), offset + match.start(1), span)}</li>")
    return "<ul>" + "".join(out) + "</ul>"


def render_body(text: str, span: Span | None) -> str:
    """The document text as HTML (escaped), the span marked."""
    parts, tables = [], 0
    for kind, lines in _blocks(_lines(text)):
        if kind == "table":
            tables += 1
            parts.append(_table(lines, span, tables))
        elif kind == "list":
            parts.append(_list(lines, span))
        else:
            parts.append(_line(*lines[0], span))
    return "\n".join(parts)


# ---- the manifest facts ---------------------------------------------------------------------------------

def _validity(meta, today: dt.date) -> str:
    if meta.valid_from and meta.valid_to:
        period = f"{meta.valid_from}—{meta.valid_to}年"
        return period + ("（实施期已结束）" if meta.valid_to < today.year else "")
    return meta.effective or "文件未载明"


def superseded_by(doc, documents: dict) -> list:
    """The documents of the knowledge base that say they replace `doc` (by its title or 文号)."""
    keys = [k for k in (doc.meta.title, doc.meta.full_title, doc.meta.doc_number) if k]
    return [d for d in documents.values()
            if d.id != doc.id and d.meta.supersedes and any(k in d.meta.supersedes for k in keys)]


def facts(doc, documents: dict, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(label, text) pairs for the box on top of the page."""
    m = doc.meta
    later = superseded_by(doc, documents)
    status = ("已被替代：" + "、".join(f"《{d.title}》" for d in later)) if later else "未被知识库中的其他文件替代"
    rows = [("全称", m.full_title), ("文号", m.doc_number or "无文号"), ("发布机关", m.issuer),
            ("发布日期", f"{m.date.year}年{m.date.month}月{m.date.day}日"), ("省份", m.province),
            ("文件类型", m.kind), ("有效期", _validity(m, today or dt.date.today())), ("是否被替代", status)]
    if m.supersedes:
        rows.append(("本文件替代", m.supersedes))
    return rows


PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · 政策原文</title>
<link rel="stylesheet" href="/assets/viewer.css">
<script src="/assets/viewer.js" defer></script>
</head>
<body>
<a class="skip" href="{skip}">{skip_label}</a>
<header class="site"><p class="brand">ChainQA · 政策原文</p>
<nav aria-label="站点导航"><a href="/ui/">返回问答</a></nav></header>
<main id="main">
<h1>{title}</h1>
<section class="facts" aria-labelledby="facts-title"><h2 id="facts-title">文件信息</h2><dl>{facts}</dl></section>
{notice}
<article aria-label="文件正文">{body}</article>
</main>
<footer class="site"><p>原文依据知识库中的清理稿显示；引用请以正式发布的文件为准。</p></footer>
</body>
</html>
"""


def render_page(doc, documents: dict, start: int | None, end: int | None) -> str:
    span = Span(start, end) if start is not None and end is not None else None
    body = render_body(doc.text, span)
    marked = span is not None and span.marks > 0
    notice = ""
    if marked:
        notice = '<p class="notice">引用的原文已用底色标出。<a href="#hl">跳到引用处</a></p>'
    elif span is not None:  # e.g. a span of blank lines only
        notice = '<p class="notice">这段引用在正文中没有可标出的文字。</p>'
    rows = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts(doc, documents))
    skip, skip_label = ("#hl", "跳到引用处") if marked else ("#main", "跳到正文")
    return PAGE.format(title=escape(doc.title), facts=rows, notice=notice, body=body, skip=skip,
                       skip_label=skip_label)


ERROR_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/assets/viewer.css"></head>
<body><header class="site"><p class="brand">ChainQA · 政策原文</p>
<nav aria-label="站点导航"><a href="/ui/">返回问答</a></nav></header>
<main id="main"><h1>{title}</h1><p>{message}</p><p class="code">错误代码：{code}</p></main></body>
</html>
"""


def render_error(title: str, message: str, code: str) -> str:
    return ERROR_PAGE.format(title=escape(title), message=escape(message), code=escape(code))
