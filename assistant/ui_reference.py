"""The reference tabs of /ui, as plain functions of the service: the newcomer tab (what the chain-leader
system is, a searchable glossary) and the division-of-labour tables, filtered through the same alias
resolution as the tools (the gazetteer: 芯片 finds 集成电路产业链, 工信厅 finds 省经信厅)."""

from __future__ import annotations

import re
from urllib.parse import quote

from retrieval.normalize import fold, squash

COLUMNS = {  # field: header
    "province": "省份", "chain": "产业链/集群", "leader": "链长/联系省领导", "leader_post": "职务",
    "lead_department": "牵头部门", "liaison": "联络员", "division": "联络处室", "industry": "所属产业",
    "cluster_type": "集群类型"}
ALL = "全部"
MISSING = "—"
INFERRED_NOTE = "※ 原表为合并单元格，该值依上一行推定（原文件未在本行重复写出）。"
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


def md(text: str) -> str:
    """Knowledge text shown literally in Markdown (no emphasis, links or HTML from the data)."""
    return _MARKDOWN.sub(r"\\\1", text)


def viewer_url(doc_id: str, start: int | None = None, end: int | None = None) -> str:
    url = f"/documents/{quote(doc_id)}"
    return f"{url}?start={start}&end={end}" if start is not None and end is not None else url


# ---- newcomer tab -----------------------------------------------------------------------------------

def intro_markdown(service) -> str:
    """What the system is, and what each configured province's scheme sets up (all from the data)."""
    tables = service.deps.tables
    lines = [service.prompts.text("ui/zh/intro").strip(), ""]
    for p in tables.provinces:
        count = sum(1 for r in tables.chains if r.province == p.name)
        how = f"{md(p.leadership_summary)}；" if p.leadership_summary else ""
        lines.append(f"- **{md(p.name)}**：{how}共 **{count}** 条（个）{md(p.chain_word)}，每条由一位{md(p.leader_title)}负责。")
    lines += ["", service.prompts.text("ui/zh/intro_end").strip()]
    return "\n".join(lines)


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
    # Shown in the knowledge base's order: glossary.yaml lists the newcomer terms first.
    found = [t for t in service.deps.tables.terms if _term_matches(service, t, needle)]
    if not found:
        return service.prompts.render("ui/zh/glossary_empty", needle=md(needle)).strip()
    head = f"共 {len(found)} 条术语" + (f"与“{md(needle)}”相关" if needle else "")
    return head + "\n\n" + "\n\n".join(_term_entry(service, t) for t in found)


# ---- tables tab -------------------------------------------------------------------------------------

def province_columns(service) -> dict[str, set[str]]:
    """Which columns each province's table has: the fields any of its rows fills."""
    out: dict[str, set[str]] = {}
    for row in service.deps.tables.chains:
        out.setdefault(row.province, {"province", "chain"})
        out[row.province] |= {f for f in COLUMNS if getattr(row, f, None)}
    return out


def columns_for(service, province: str) -> list[str]:
    """The columns shown: one province's own, or every column when all are shown together."""
    have = province_columns(service)
    return [f for f in COLUMNS if province not in have or f in have[province]]


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
        if departments and row.lead_department and departments & service.deps.gazetteer.keys(row.lead_department, "department"):
            return True
        return any(folded in fold(getattr(row, f) or "") for f in COLUMNS)

    return keep


def table_rows(service, province: str, needle: str) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) for the province ("全部" for both); a cell inferred from a merged source cell ends
    with ※, a column the row's province does not have shows —."""
    fields = columns_for(service, province)
    have = province_columns(service)
    keep = _row_filter(service, needle.strip()) if (needle or "").strip() else (lambda row: True)
    rows = []
    for row in service.deps.tables.chains:
        if province in have and row.province != province or not keep(row):
            continue
        lacks = set(COLUMNS) - have[row.province]
        cells = []
        for f in fields:
            value = getattr(row, f) or ""
            cells.append(MISSING if f in lacks else f"{value}※" if value and row.inferred(f) else value)
        rows.append(cells)
    return [COLUMNS[f] for f in fields], rows


def _column_note(service, province: str, have: set[str]) -> str | None:
    missing = [COLUMNS[f] for f in COLUMNS if f not in have]
    if not missing:
        return None
    note = f"{md(province)}的分工表没有{'、'.join(missing)}这几列（全部省份一起看时显示为“{MISSING}”）。"
    duties = next((d for d in service.deps.tables.duties if d.province == province), None)
    if duties is not None:
        title = service.deps.tables.meta(duties.source).title
        note += f"{md(province)}各单位的职责见《{md(title)}》的责任分工，可在“问答”里问。"
    return note


def table_note(service, province: str, needle: str, count: int) -> str:
    """What the table shows: no results, and the columns a province's table does not have."""
    notes = []
    if count == 0:
        notes.append(service.prompts.render("ui/zh/table_empty", needle=md(needle.strip())).strip())
    for p, have in province_columns(service).items():
        if province in (p, ALL) and (note := _column_note(service, p, have)):
            notes.append(note)
    notes.append(INFERRED_NOTE)
    return "\n\n".join(notes)


def csv_link(province: str) -> str:
    query = f"?province={quote(province)}" if province and province != ALL else ""
    return f"/api/tables/chains.csv{query}"
