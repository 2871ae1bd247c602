"""The reference tabs of /ui, as plain functions of the service: the newcomer tab (what the chain-leader
system is, a searchable glossary) and the division-of-labour tables, filtered through the same alias
resolution as the tools (the gazetteer: 芯片 finds 集成电路产业链, 工信厅 finds 省经信厅)."""

from __future__ import annotations

import re
from urllib.parse import quote

from retrieval.normalize import fold, squash

GLOSSARY_FIRST = ("链长制", "链长", "总链长", "链主企业", "牵头部门", "七个一", "八个一", "五图作业", "一链一策", "揭榜挂帅",
                  "专精特新", "卡脖子", "五基")
COLUMNS = {  # field: header
    "province": "省份", "chain": "产业链/集群", "leader": "链长/联系省领导", "leader_post": "职务",
    "lead_department": "牵头部门", "liaison": "联络员", "division": "联络处室", "industry": "所属产业",
    "cluster_type": "集群类型"}
ONLY = {"湖北": ("leader_post", "lead_department", "liaison", "division"), "湖南": ("industry", "cluster_type")}
MISSING = "—"
INFERRED_NOTE = "※ 原表为合并单元格，该值依上一行推定（原文件未在本行重复写出）。"
COLUMN_NOTES = {
    "湖南": "湖南的分工表（《关于省领导联系产业集群（产业链）推动打造国家重要先进制造业高地的工作方案》附件2）"
            "只列出类型、产业、集群（产业链）和联系省领导，**没有职务、牵头部门、联络员和联络处室**，这几列因此不显示"
            "（全部省份一起看时显示为“—”）。湖南各单位的职责见同一方案的附件1，可在“问答”里问，例如"
            "“湖南省工信厅负责什么？”。",
    "湖北": "湖北的分工表没有“所属产业”“集群类型”两列（全部省份一起看时显示为“—”）。",
}
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


def md(text: str) -> str:
    """Knowledge text shown literally in Markdown (no emphasis, links or HTML from the data)."""
    return _MARKDOWN.sub(r"\\\1", text)


def viewer_url(doc_id: str, start: int | None = None, end: int | None = None) -> str:
    url = f"/documents/{quote(doc_id)}"
    return f"{url}?start={start}&end={end}" if start is not None and end is not None else url


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
        "点下方的入门问题即可开始提问；再往下是可以搜索的术语表，每条都链接到政策原文中的出处。"
    )


def _term_matches(service, term, needle: str) -> bool:
    if not needle:
        return True
    folded = fold(needle)
    fields = (term.term, *term.aliases, term.definition or "", term.quote, term.note or "")
    if any(folded in fold(f) for f in fields):
        return True
    return any(m.kind == "term" and m.key == term.term for m in service.deps.gazetteer.scan(needle))


def _term_entry(service, term) -> str:
    docs = service.deps.documents
    doc = docs.get(term.source)
    title = doc.title if doc else term.source
    at = doc.text.find(term.quote) if doc else -1
    link = viewer_url(term.source, at, at + len(term.quote)) if at >= 0 else viewer_url(term.source)
    aliases = [a for a in term.aliases if not a.isascii()]
    parts = [f"### {md(term.term)}（{md(term.province)}）"]
    if aliases:
        parts.append("又称：" + "、".join(md(a) for a in aliases))
    parts.append(md(term.definition) if term.definition else f"> {md(term.quote)}")
    parts.append(f"出处：[《{md(title)}》]({link})")
    if term.note:
        parts.append(f"*说明：{md(term.note)}*")
    return "\n\n".join(parts)


def glossary_markdown(service, needle: str = "") -> str:
    """The glossary (the definition where the knowledge base has one, else the defining quote), filtered
    by `needle` through the terms' names, aliases and texts."""
    needle = (needle or "").strip()
    rank = {t: i for i, t in enumerate(GLOSSARY_FIRST)}
    terms = sorted(service.deps.tables.terms, key=lambda t: rank.get(t.term, len(rank)))
    found = [t for t in terms if _term_matches(service, t, needle)]
    if not found:
        return f"没有找到与“{md(needle)}”相关的术语。可以换个说法，例如“链长”“七个一”“五图”。"
    head = f"共 {len(found)} 条术语" + (f"与“{md(needle)}”相关" if needle else "")
    return head + "\n\n" + "\n\n".join(_term_entry(service, t) for t in found)


# ---- tables tab -------------------------------------------------------------------------------------

def columns_for(province: str) -> list[str]:
    other = {"湖北": "湖南", "湖南": "湖北"}.get(province)
    return [f for f in COLUMNS if not other or f not in ONLY[other]]


def _departments(service, text: str) -> set[str]:
    return {m.key for m in service.deps.gazetteer.scan(text) if m.kind == "department"}


def _row_filter(service, needle: str):
    """A predicate on chain rows: an alias of a chain, a leader or a department in `needle` (as the tools
    resolve them), or else the text itself in one of the row's cells."""
    mentions = service.deps.gazetteer.scan(needle)
    chains = {(m.key, m.province) for m in mentions if m.kind == "chain"}
    leaders = {m.key for m in mentions if m.kind == "leader"}
    departments = {m.key for m in mentions if m.kind == "department"}
    folded = fold(needle)

    def keep(row) -> bool:
        if (row.chain, row.province) in chains or squash(row.leader) in leaders:
            return True
        if departments and row.lead_department and departments & _departments(service, row.lead_department):
            return True
        return any(folded in fold(getattr(row, f) or "") for f in COLUMNS)

    return keep


def table_rows(service, province: str, needle: str) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) for the province ("全部" for both); a cell inferred from a merged source cell ends
    with ※, a column the row's province does not have shows —."""
    fields = columns_for(province)
    keep = _row_filter(service, needle.strip()) if (needle or "").strip() else (lambda row: True)
    rows = []
    for row in service.deps.tables.chains:
        if province in ONLY and row.province != province or not keep(row):
            continue
        lacks = ONLY["湖南" if row.province == "湖北" else "湖北"]
        cells = []
        for f in fields:
            value = getattr(row, f) or ""
            cells.append(MISSING if f in lacks else f"{value}※" if value and row.inferred(f) else value)
        rows.append(cells)
    return [COLUMNS[f] for f in fields], rows


def table_note(province: str, needle: str, count: int) -> str:
    """What the table shows: no results, and the columns a province's table does not have."""
    notes = []
    if count == 0:
        notes.append(f"**没有找到**与“{md(needle.strip())}”相关的产业链。可以输入产业链的名称或简称"
                     "（如“芯片”“汽车”）、领导姓名或部门（如“工信厅”）。")
    notes += [COLUMN_NOTES[p] for p in ("湖北", "湖南") if province in (p, "全部")]
    notes.append(INFERRED_NOTE)
    return "\n\n".join(notes)


def csv_link(province: str) -> str:
    query = f"?province={quote(province)}" if province in ("湖北", "湖南") else ""
    return f"/api/tables/chains.csv{query}"
