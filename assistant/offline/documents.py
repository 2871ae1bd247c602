"""Facts about the documents themselves: number, date, issuer, validity, what they repeal."""

from __future__ import annotations

import re

from assistant.offline.compose import Draft
from assistant.offline.intent import Understanding
from assistant.tools import ToolDeps
from retrieval.documents import Document

DOC_HINTS = [("hubei_press", r"发布会|新闻发布|发布人|press conference|袁德芳|张志敏|何书平|中国信科|孝感"),
             ("hunan_article", r"毛腾飞|署名文章|这篇文章|红星云|article"),
             ("hubei_cppcc", r"政协|常委会|常务委员会|彭军|壮大湖北制造|主力集群|湖北日报|cppcc")]


def pick_document(u: Understanding, deps: ToolDeps) -> Document | None:
    for doc_id, pattern in DOC_HINTS:
        if re.search(pattern, u.text):
            return deps.documents[doc_id]
    if u.province == "湖北" or "鄂政办" in u.text:
        return deps.documents["hubei_scheme"]
    if u.province == "湖南" or "湘办" in u.text:
        return deps.documents["hunan_plan"]
    return None


def _date_quote(doc: Document) -> str | None:
    d = doc.meta.date
    for form in (f"{d.year}年{d.month}月{d.day}日", f"{d.year}-{d.month:02d}-{d.day:02d}",
                 f"{d.year}年{d.month:02d}月{d.day:02d}日"):
        if form in doc.text:
            return form
    return None


def document_facts(u: Understanding, deps: ToolDeps) -> Draft | None:
    doc = pick_document(u, deps)
    if doc is None:
        return None
    m = doc.meta
    lines = [f"**《{m.title}》**", f"- 发文机关：{m.issuer}", f"- 日期：{m.date.year}年{m.date.month}月{m.date.day}日"]
    quotes = [q for q in (_date_quote(doc),) if q]
    if m.doc_number:
        lines.append(f"- 文号：**{m.doc_number}**")
        quotes.append(m.doc_number)
    elif m.kind in ("实施方案", "工作方案"):
        lines.append("- 文号：知识库中的文本未载明文号")
    if m.valid_from and m.valid_to:
        lines.append(f"- 实施期：{m.valid_from}—{m.valid_to}年")
        quotes.append(f"（{m.valid_from}-{m.valid_to}年）")
    if m.effective:
        lines.append(f"- 施行：{m.effective}")
    if m.addressees:
        lines.append(f"- 主送：{m.addressees}")
        quotes.append(m.addressees)
    if m.annexes:
        lines.append("- 附件：" + "；".join(m.annexes))
        quotes += [a for a in m.annexes if a in doc.text][:1]
    if m.supersedes:
        sentence = _sentence_with(doc.text, "同时废止")
        lines.append(f"- 同时废止：{m.supersedes}" + (f"。原文：“{sentence}”" if sentence else ""))
        quotes.append(sentence)
    cites = [deps.cite(doc.id, q) for q in dict.fromkeys(quotes) if q and q in doc.text]
    return Draft("\n".join(lines), cites, ["document_info"], ["湖北方案的主要目标是什么？", "湖南方案废止了哪个文件？"])


def _sentence_with(text: str, needle: str) -> str | None:
    i = text.find(needle)
    if i < 0:
        return None
    start = max(text.rfind("。", 0, i), text.rfind("\n", 0, i)) + 1
    end = text.find("。", i) + 1
    return text[start:end]


_SECTION_WORDS = ["工作机制", "重点任务", "保障措施", "工作职责", "主要目标"]
_ITEM = re.compile(r"^(?:#+ )?(（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))([^。]{2,30})。", re.M)


def outline_answer(u: Understanding, deps: ToolDeps) -> Draft | None:
    """The numbered items of one section (e.g. 工作机制) of a province's scheme, each quoted."""
    word = next((w for w in _SECTION_WORDS if w[:2] in u.text), None)
    doc = pick_document(u, deps)
    if word is None or doc is None:
        return None
    start = doc.text.find(f"、{word}")
    if start < 0:
        return None
    ends = [i for i in (doc.text.find("\n## ", start), doc.text.find("\n### ", start)) if i > 0]
    section = doc.text[start : min(ends) if ends else len(doc.text)]
    items = [(m.group(1), m.group(2)) for m in _ITEM.finditer(section)]
    if not items:
        return None
    lines = [f"{i + 1}. {name}" for i, (_, name) in enumerate(items)]
    text = f"《{doc.meta.title}》“{word}”部分共 {len(items)} 项：\n\n" + "\n".join(lines)
    cites = [deps.cite(doc.id, num + name) for num, name in items]
    return Draft(text, cites, ["document_outline"], [f"{name}具体怎么做？" for _, name in items[:2]])
