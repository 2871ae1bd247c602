"""Tables declared in the manifest are read from the documents: any column order, merged cells per column."""

from __future__ import annotations

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.tables import ListSpec, TableSpec, clean_cell, read_list, read_table

DOC = """# 某省方案

## 附件 分工表

| 牵头单位 | 产业链 | 联系领导 | 类别 |
| --- | --- | --- | --- |
| 省某某厅 | 甲产业链 | 王 五 | 一类 |
|  | 乙产业链 |  |  |
| 省其他厅 | 丙产业链 | 赵六 |  |

## 附件 责任

省某某厅:负责甲。
省其他厅：负责乙；参与丙。
"""

SPEC = TableSpec(id="t", name="分工表", after_heading="附件 分工表",
                 columns={"产业链": "chain", "联系领导": "leader", "牵头单位": "lead_department", "类别": "cluster_type"},
                 merged=["leader", "lead_department", "cluster_type"], cite_source_rows_for=["leader"])


def test_columns_in_any_order_and_merged_cells_continue_the_row_above():
    rows = read_table(DOC, SPEC, "doc.md")
    assert [r["chain"] for r in rows] == ["甲产业链", "乙产业链", "丙产业链"]
    second = rows[1]
    assert second["leader"] == "王五" and second["lead_department"] == "省某某厅"
    assert second["cell_status"] == {"leader": "inferred_merged_cell", "lead_department": "inferred_merged_cell",
                                     "cluster_type": "inferred_merged_cell"}
    assert second["quote"].splitlines()[0].startswith("| 省某某厅 |")  # the row the leader comes from is cited
    third = rows[2]
    assert third["cell_status"]["leader"] == "stated" and third["cluster_type"] == "一类"
    assert third["quote"].count("\n") == 0  # only its type is inferred: its own row is enough


def test_errors_name_the_row_and_the_column():
    broken = DOC.replace("| 省其他厅 | 丙产业链 | 赵六 |  |", "| 省其他厅 | 丙产业链 | 赵六 |")
    with pytest.raises(KnowledgeFileError, match=r"doc\.md:\d+: table 't' row has 3 cells"):
        read_table(broken, SPEC, "doc.md")
    first_blank = DOC.replace("| 省某某厅 | 甲产业链 | 王 五 | 一类 |", "| 省某某厅 | 甲产业链 |  | 一类 |")
    with pytest.raises(KnowledgeFileError, match="column 'leader': a merged cell with no row above"):
        read_table(first_blank, SPEC, "doc.md")
    with pytest.raises(KnowledgeFileError, match="no heading containing"):
        read_table(DOC, SPEC.model_copy(update={"after_heading": "附件9"}), "doc.md")


def test_lists_of_unit_duties():
    items = read_list(DOC, ListSpec(id="l", after_heading="附件 责任"), "doc.md")
    assert [(i["unit"], i["duty"]) for i in items] == [("省某某厅", "负责甲。"), ("省其他厅", "负责乙；参与丙。")]


def test_cells_lose_the_stray_spaces_of_the_flattened_table():
    assert clean_cell(" 郭 涛 ") == "郭涛" and clean_cell("省委常委、 常务副省长") == "省委常委、常务副省长"
    assert clean_cell("5G 应用") == "5G应用" and clean_cell("AI chips") == "AI chips"
