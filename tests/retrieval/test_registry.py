"""The registry's data: provenance of every row, the README's reading of the tables, clear load errors."""

from __future__ import annotations

import shutil

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.normalize import squash
from retrieval.registry import load_tables, names_in_row
from tests.conftest import KNOWLEDGE


def test_every_quote_occurs_verbatim_in_its_document(tables, documents):
    rows = [*tables.chains, *tables.general_leaders, *tables.duties, *tables.actions, *tables.routes, *tables.terms]
    assert len(rows) > 100
    for row in rows:
        assert row.quote in documents[row.source].text, (type(row).__name__, row.quote[:40])
        assert getattr(row, "policy", None) is None or row.policy in documents[row.source].text


def test_every_name_in_a_chain_row_occurs_in_its_quote(tables):
    for row in tables.chains:
        quote = squash(row.quote)
        for name in names_in_row(row):
            assert name in quote, (row.chain, name)
        assert squash(row.table_name or row.chain.replace("(", "").replace(")", "")) in quote or \
            squash(row.chain) in quote or row.province == "湖北", row.chain


def test_counts_follow_the_seed_readme(tables):
    hubei = [r for r in tables.chains if r.province == "湖北"]
    hunan = [r for r in tables.chains if r.province == "湖南"]
    assert len(hubei) == 16 and len({r.leader for r in hubei}) == 9
    assert len(hunan) == 22
    assert [g.name for g in tables.general_leaders] == ["应勇", "王晓东"]
    assert len(tables.actions) == 6 and len(tables.duties) == 22


def test_merged_cells_are_marked_inferred(tables):
    by_chain = {(r.province, r.chain): r for r in tables.chains}
    smart = by_chain[("湖北", "智能制造装备产业链")]
    assert smart.lead_department == "省发改委" and smart.cell_status["lead_department"] == "inferred_merged_cell"
    energy = by_chain[("湖北", "节能环保产业链")]
    assert energy.liaison == "陈恺民" and energy.cell_status["liaison"] == "stated"
    assert energy.cell_status["lead_department"] == "inferred_merged_cell"
    assert by_chain[("湖北", "大数据产业链")].division == "智数处"
    assert by_chain[("湖北", "大数据产业链")].cell_status["division"] == "inferred_merged_cell"
    inferred_hunan = {r.chain for r in tables.chains if r.province == "湖南" and r.inferred("leader")}
    assert inferred_hunan == {"信息技术应用创新工程", "碳基材料", "农业机械", "3D打印及机器人"}
    assert by_chain[("湖南", "碳基材料")].leader == "陈飞"


def test_first_named_unit_leads_each_action(tables):
    leads = {a.action: a.lead_unit for a in tables.actions}
    assert leads["要素保障行动"] == "省发展改革委"
    assert leads["开放合作促进行动"] == "省商务厅"
    assert leads["产业链协同创新提升行动"] == "省科技厅"


def _copy_knowledge(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def test_a_bad_status_names_file_line_and_field(tmp_path):
    k = _copy_knowledge(tmp_path)
    path = k / "tables" / "hunan_chains.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace(",stated,", ",maybe,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_tables(k)
    message = str(err.value)
    assert "hunan_chains.csv:3" in message and "cell_status" in message


def test_a_missing_cell_names_the_field(tmp_path):
    k = _copy_knowledge(tmp_path)
    path = k / "tables" / "hunan_actions.csv"
    text = path.read_text(encoding="utf-8").replace(",hunan_plan,", ",hunan_plan", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_tables(k)
    assert "hunan_actions.csv:2" in str(err.value)


def test_unreadable_yaml_is_a_clear_error(tmp_path):
    k = _copy_knowledge(tmp_path)
    (k / "aliases.yaml").write_text("chains: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="aliases.yaml"):
        load_tables(k)
