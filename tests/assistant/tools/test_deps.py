"""What the tools share: a citation with its offsets and section, a not_found with close matches, the covered
provinces, each citation once."""

from __future__ import annotations

from assistant.tools.deps import not_found, unique_citations, unknown_province


def test_a_verbatim_quote_is_cited_with_its_offsets_and_section(deps):
    c = deps.cite("hubei_scheme", "鄂政办发〔2021〕23号")
    assert deps.documents["hubei_scheme"].text[c.start:c.end] == c.quote and c.doc_title == deps.documents["hubei_scheme"].title
    row = deps.cite("hubei_scheme", "| 曹广晶 | 副省长 | 集成电路产业链 | 省经信厅 | 郭 涛 | 电子处 |")
    assert "湖北省制造业重点产业链链长制工作分工" in row.section
    missing = deps.cite("hubei_scheme", "文中没有的一句话")
    assert missing.start is None and missing.end is None and missing.section == ""


def test_not_found_suggests_the_close_names():
    miss = not_found("曹广", ["曹广晶", "李乐成"], "链长")
    assert miss.suggestions == ["曹广晶"] and miss.message.startswith("知识库中没有找到链长“曹广”。") and "曹广晶" in miss.message
    assert not_found("量子", ["曹广晶"], "链长").suggestions == []


def test_an_unknown_province_names_the_covered_ones(deps):
    assert unknown_province(deps, "湖北") is None
    bad = unknown_province(deps, "广东")
    assert bad.suggestions == deps.tables.province_names and "广东" in bad.message


def test_each_citation_once_in_order(deps):
    a, b = deps.cite("hubei_scheme", "鄂政办发〔2021〕23号"), deps.cite("hunan_plan", "2021年8月17日")
    assert unique_citations([a, b, a]) == [a, b]
