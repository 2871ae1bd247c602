"""The document tools: a document's facts (by id or name), its outline, glossary terms, comparison rows."""

from __future__ import annotations

from assistant import tools as T


def test_document_tools(deps):
    info = T.document_info(deps, "湖北方案")
    assert info.meta.doc_number == "鄂政办发〔2021〕23号" and "doc_number" in info.facts
    parts = T.outline(deps, "hubei_scheme")
    assert len(parts.items) == 6 and parts.items[0] == "一、总体要求"
    assert len(T.outline(deps, "hubei_scheme", "工作机制").items) == 5
    assert T.define(deps, "五图").terms[0].term == "五图作业"
    assert T.compare(deps, "五图作业").rows[0].topic == "五图作业"
