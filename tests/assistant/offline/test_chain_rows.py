"""The chain table's rows as the answerers use them: shown with their column names and merged cells marked,
cited verbatim, the merged-cell note, the template values in either language, the rows a frame names."""

from __future__ import annotations

from assistant import tools as T
from assistant.offline.chain_rows import chain_facts, inferred_note, row_evidence, row_shown, values


def test_table_rows_are_shown_with_their_column_names(answer):
    a = answer("湖北芯片这条链谁是链长？")
    assert "链长姓名：曹广晶｜职务：副省长" in a.answer
    assert not any(line.lstrip("> ").startswith("|") for line in a.answer.splitlines())  # no raw pipe row
    assert a.citations[0].quote.startswith("| 曹广晶 |")  # the citation keeps the verbatim row


def test_an_inferred_cell_says_so_after_the_fact(answer):
    a = answer("智能制造装备产业链的牵头部门是哪个？")
    assert "省发改委" in a.answer.splitlines()[0] and "推定" in a.answer
    assert "推定" not in answer("湖北汽车产业链牵头部门是哪个").answer


def test_a_merged_cell_is_marked_where_the_row_is_shown(deps):
    """智能制造装备产业链 sits under 汽车产业链 in the table: its leader and department cells are blank there."""
    smart = T.chain_leader(deps, "智能制造装备", "湖北").matches[0]
    shown = row_shown(smart)
    assert "产业链名称：智能制造装备产业链" in shown and "链长姓名：李乐成※" in shown and "牵头部门：省发改委※" in shown
    assert "※" not in row_shown(T.chain_leader(deps, "汽车", "湖北").matches[0])


def test_row_evidence_cites_the_verbatim_row_and_shows_it_readable(context, deps):
    chip = T.chain_leader(deps, "芯片", "湖北").matches[0]
    [ev] = row_evidence(context(), [chip])
    assert ev.citation.doc_id == "hubei_scheme" and ev.citation.quote in deps.documents["hubei_scheme"].text
    assert ev.shown == row_shown(chip) and "省经信厅联络员：郭涛" in ev.shown


def test_the_merged_cell_note_names_only_the_inferred_columns_asked_about(context, deps):
    ctx = context()
    optical = T.chain_leader(deps, "光通信", "湖北").matches[0]
    [note] = inferred_note(ctx, [optical, optical], ("leader", "leader_post"))
    assert "链长姓名、职务" in note and note.count("链长姓名") == 1
    car = T.chain_leader(deps, "汽车", "湖北").matches[0]
    assert inferred_note(ctx, [car], ("leader", "lead_department")) == []


def test_template_values_in_chinese_and_in_english(context, deps):
    chip = T.chain_leader(deps, "芯片", "湖北").matches[0]
    zh = values(context(), chip)
    assert (zh["leader"], zh["post"], zh["department"], zh["liaison_label"]) == \
        ("曹广晶", "（副省长）", "省经信厅", "省经信厅联络员")
    en = values(context("en"), chip)
    assert en["leader"] == "Cao Guangjing (曹广晶)" and en["province"] == "Hubei" and "集成电路产业链" in en["chain"]
    machinery = T.chain_leader(deps, "工程机械", "湖南").matches[0]
    assert values(context(), machinery)["title"] == "联系省领导"


def test_the_rows_a_frame_names_and_the_provinces_without_that_chain(asked):
    facts, missing = chain_facts(*asked("湖北芯片这条链谁是链长？", "chain_leader"))
    assert [(f.province, f.chain, f.leader) for f in facts] == [("湖北", "集成电路产业链", "曹广晶")] and missing == []
    facts, missing = chain_facts(*asked("湖南汽车产业链链长是谁", "chain_leader"))
    assert facts == [] and missing == ["湖南"]
