"""Structure-aware chunking: offsets, section paths, list items, long paragraphs, table rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from retrieval.chunking import MAX_CHARS, Chunk, chunk_document, chunk_documents, section_at, split_long
from retrieval.documents import Document, DocumentMeta
from retrieval.errors import KnowledgeFileError


def _doc(text: str, doc_id: str = "t") -> Document:
    meta = DocumentMeta(id=doc_id, file=f"documents/{doc_id}.md", title="测试文件", full_title="测试文件全称",
                        short_title="测试", issuer="x", date=dt.date(2021, 1, 2), province="湖北", kind="方案")
    return Document(meta=meta, text=text)


@pytest.fixture(scope="module")
def chunks(documents):
    return chunk_documents(documents)


def _containing(chunks, needle):
    found = [c for c in chunks if needle in c.text]
    assert found, needle
    return found[0]


def test_text_chunks_are_exact_slices_and_rows_point_at_their_line(chunks, documents):
    for c in chunks:
        source = documents[c.doc_id].text[c.start:c.end]
        if c.kind == "table_row":
            assert source.startswith("|") and source.endswith("|") and "\n" not in source
        else:
            assert source == c.text, c.id


def test_ids_are_stable_unique_and_ordinal(documents, chunks):
    again = chunk_documents(documents)
    assert [c.id for c in again] == [c.id for c in chunks]
    assert len({c.id for c in chunks}) == len(chunks)
    first = [c for c in chunks if c.doc_id == "hunan_plan"][:3]
    assert [c.id for c in first] == ["hunan_plan:0000", "hunan_plan:0001", "hunan_plan:0002"]


def test_metadata_fields(chunks):
    c = _containing(chunks, "问题收集、意见分办")
    assert (c.doc_id, c.province, c.kind, c.date) == ("hubei_scheme", "湖北", "text", "2021-04-09")
    assert c.doc_title.startswith("湖北省制造业产业链链长制实施方案")
    assert Chunk.from_dict(c.to_dict()) == c


def test_section_path_of_a_heading_level_four(chunks):
    c = _containing(chunks, "问题收集、意见分办")
    assert c.section == "五、工作机制 > （四）建立问题办理机制"


@pytest.mark.parametrize(("needle", "section"), [
    ("研究开发战略新产品 50 个", "三、重点任务 > （一）推进产业基础再造，提升自主创新能力"),
    ("推动集群内企业“微升小、小升规”", "二、重点任务 > (一)实施产业链优质企业培育行动"),
    ("省自然资源厅:负责指导各地落实", "附件1 有关单位责任分工"),
    ("巩固发展“武襄十随”汉江汽车走廊", "省发改委党组成员、副主任袁德芳 > 一、加强规划引领、优化产业布局"),
])
def test_list_items_and_headings_make_the_path(chunks, needle, section):
    assert _containing(chunks, needle).section == section


def test_document_title_headings_stay_out_of_the_path(chunks):
    assert _containing(chunks, "鄂政办发〔2021〕23号").section == ""
    assert not any("关于印发" in c.section for c in chunks)


def test_long_paragraphs_are_split_near_max_with_overlap(chunks, documents):
    text_chunks = [c for c in chunks if c.kind == "text"]
    assert max(len(c.text) for c in text_chunks) <= MAX_CHARS
    pieces = [c for c in text_chunks if c.section.endswith("（一）推进产业基础再造，提升自主创新能力")]
    assert len(pieces) >= 2
    assert pieces[1].start < pieces[0].end  # the second piece repeats the last sentence of the first
    assert pieces[0].text.startswith("（一）") and pieces[-1].text.endswith("。")
    paragraph = documents["hubei_scheme"].text[pieces[0].start:pieces[-1].end]
    assert "\n" not in paragraph


def test_split_long_keeps_neighbouring_sentences_together():
    sentences = [f"第{i}句" + "字" * 40 + "。" for i in range(12)]
    text = "".join(sentences)
    pieces = split_long(text, 0, len(text), max_chars=120)
    assert all(e - s <= 120 for s, e in pieces)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for a, b in zip(sentences, sentences[1:], strict=False):
        assert any(a + b in text[s:e] for s, e in pieces), (a, b)


def test_split_long_cuts_an_overlong_sentence_at_clauses():
    text = "，".join(["子句" * 20] * 10) + "。"
    pieces = split_long(text, 0, len(text), max_chars=100)
    assert all(e - s <= 100 for s, e in pieces)
    assert "".join(text[s:e] for s, e in pieces).startswith(text[:100])


def test_table_rows_spell_out_columns_and_carry_merged_cells(chunks):
    rows = [c for c in chunks if c.kind == "table_row"]
    assert sum(c.doc_id == "hubei_scheme" for c in rows) == 16
    assert sum(c.doc_id == "hunan_plan" for c in rows) == 22
    row = _containing(rows, "智能制造装备产业链")
    assert "链长姓名: 李乐成" in row.text and "牵头部门: 省发改委" in row.text  # merged cells carried down
    assert row.section == "附件 > 湖北省制造业重点产业链链长制工作分工"
    hunan = _containing(rows, "信息技术应用创新工程")
    assert "联系省领导: 谢建辉" in hunan.text and "类型: 国家级产业集群" in hunan.text
    assert "宁咏" in _containing(rows, "航空航天产业链").text  # "宁 咏" without the gap


def test_headings_are_chunks_of_their_own(chunks):
    heading = [c for c in chunks if c.kind == "heading" and c.text == "五、工作机制"]
    assert heading and heading[0].section == "五、工作机制"


def test_section_at(documents):
    doc = documents["hubei_scheme"]
    offset = doc.text.index("问题收集、意见分办")
    assert section_at(doc, offset) == "五、工作机制 > （四）建立问题办理机制"
    assert section_at(doc, 0) == ""
    assert section_at(doc, doc.text.index("| 曹广晶")) == "附件 > 湖北省制造业重点产业链链长制工作分工"


def test_standalone_item_lines_open_sections_and_short_lines_merge():
    doc = _doc("# 测试文件\n\n一、总体要求\n\n谢谢!\n\n这是第一段正文，说明总体要求。\n\n二、工作机制\n\n（一）建立机制。正文内容在这里。\n")
    got = chunk_document(doc)
    assert [(c.kind, c.section) for c in got] == [
        ("heading", ""), ("heading", "一、总体要求"), ("text", "一、总体要求"), ("heading", "二、工作机制"),
        ("text", "二、工作机制 > （一）建立机制")]
    assert got[2].text == "谢谢!\n\n这是第一段正文，说明总体要求。"  # the tiny paragraph joined its neighbour


def test_malformed_table_row_names_file_and_line():
    doc = _doc("# 测试文件\n\n| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n")
    with pytest.raises(KnowledgeFileError, match=re.escape("documents/t.md:5") + ".*3 cells.*2"):
        chunk_document(doc)


def test_control_characters_are_rejected():
    with pytest.raises(KnowledgeFileError, match=r"documents/t\.md:2: control character"):
        chunk_document(_doc("# 测试文件\n坏\x00字\n"))
