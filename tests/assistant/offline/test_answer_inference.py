"""Why a cell is inferred: the blank merged cells of a chain's row and what they were read as."""

from __future__ import annotations

from assistant.offline import answer_inference as I


def test_the_blank_cells_of_the_row_and_what_they_were_read_as(asked, after):
    reply = I.inference(*asked("为什么说是推定的", "inference", after("湖北节能环保产业链链长是谁")))
    assert "节能环保产业链" in reply.lead and "合并单元格" in reply.lead and "**赵海山" in reply.lead
    assert reply.evidence and "节能环保产业链" in reply.evidence[0].citation.quote


def test_a_row_with_every_cell_printed_has_nothing_inferred(asked):
    reply = I.inference(*asked("湖北汽车产业链的链长是推断的吗", "inference"))
    assert "没有推定" in reply.lead and "李乐成" not in reply.lead
