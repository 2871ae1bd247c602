"""The knowledge base's data: provenance of every row, the seed README's reading of the tables, the chain
rows read from the documents themselves, provinces from data, and clear load errors."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from retrieval.errors import KnowledgeFileError
from retrieval.normalize import squash
from retrieval.registry import load_tables
from retrieval.rows import names_in_row
from tests.conftest import KNOWLEDGE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_every_quote_occurs_verbatim_in_its_document(tables, documents):
    rows = [*tables.chains, *tables.general_leaders, *tables.duties, *tables.actions, *tables.routes, *tables.terms]
    assert len(rows) > 100
    for row in rows:
        assert row.quote in documents[row.source].text, (type(row).__name__, row.quote[:40])
        assert getattr(row, "policy", None) is None or row.policy in documents[row.source].text
    for action in tables.actions:
        assert action.rule_quote in documents[action.source].text
    for row in tables.comparison:
        for side in (*row.sides.values(), *row.nearest.values()):
            assert side.quote in documents[side.source].text, (row.topic, side.quote[:30])
    for p in tables.provinces:
        assert p.leadership is None or p.leadership.quote in documents[p.leadership.source].text


def test_every_name_in_a_chain_row_occurs_in_its_quote(tables):
    for row in tables.chains:
        quote = squash(row.quote)
        for name in names_in_row(row):
            assert name in quote, (row.chain, name)
        assert squash(row.table_name or row.chain) in quote, row.chain


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


def _fixture_rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


_STATUS = {"post": "leader_post", "department": "lead_department", "type": "cluster_type"}


@pytest.mark.parametrize("fixture,province", [("hubei_chains.csv", "湖北"), ("hunan_chains.csv", "湖南")])
def test_rows_read_from_the_documents_match_the_hand_copied_tables(tables, fixture, province):
    """The hand-copied CSVs of the first version are now read from the documents' own tables: identical."""
    read = {r.chain: r for r in tables.chains if r.province == province}
    old = _fixture_rows(fixture)
    assert len(read) == len(old)
    for row in old:
        new = read[row["chain"]]
        for field in ("leader", "leader_post", "lead_department", "liaison", "division", "industry", "cluster_type",
                      "quote"):
            if field in row:
                assert (getattr(new, field) or "") == row[field], (row["chain"], field)
        status = {_STATUS.get(k[:-7], k[:-7]): v for k, v in row.items() if k.endswith("_status")}
        assert new.cell_status == status, row["chain"]
        if "table_name" in row:
            assert new.table_name == row["table_name"]


def test_unit_duties_read_from_the_document_match_the_hand_copied_list(tables):
    old = _fixture_rows("hunan_unit_duties.csv")
    assert [(d.unit, d.duty, d.quote) for d in tables.duties] == [(r["unit"], r["duty"], r["quote"]) for r in old]


def test_a_printed_chain_name_is_corrected_with_a_quote(tables, documents):
    chem = next(r for r in tables.chains if r.chain == "现代化工产业链")
    assert chem.table_name == "现代化工业产业链" and "现代化工产业链" in documents["hubei_scheme"].text


def _copy_knowledge(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def test_a_broken_table_row_names_file_line_and_column(tmp_path):
    k = _copy_knowledge(tmp_path)
    path = k / "documents" / "hunan_plan.md"
    text = path.read_text(encoding="utf-8").replace("| 世界级 产业集群 | 工程机械 | 工程机械 | 许达哲 |",
                                                    "| 世界级 产业集群 | 工程机械 | 工程机械 |")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_tables(k)
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if ln.endswith("| 工程机械 | 工程机械 |"))
    assert f"hunan_plan.md:{line}" in str(err.value) and "cells" in str(err.value)


def test_a_declared_column_that_the_table_lacks_is_named(tmp_path):
    k = _copy_knowledge(tmp_path)
    path = k / "manifest.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("联系省领导: leader", "分管领导: leader"), encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="no column '分管领导'"):
        load_tables(k)


def test_a_missing_cell_names_the_field(tmp_path):
    k = _copy_knowledge(tmp_path)
    path = k / "tables" / "actions.csv"
    text = path.read_text(encoding="utf-8").replace(",hunan_plan,", ",hunan_plan", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as err:
        load_tables(k)
    assert "actions.csv:2" in str(err.value)


def test_a_province_that_is_not_configured_is_an_error(tmp_path):
    k = _copy_knowledge(tmp_path)
    path = k / "tables" / "problem_routes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("湖南,用地,", "江西,用地,", 1), encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="province '江西' is not configured"):
        load_tables(k)


def test_unreadable_yaml_is_a_clear_error(tmp_path):
    k = _copy_knowledge(tmp_path)
    (k / "aliases.yaml").write_text("chains: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="aliases.yaml"):
        load_tables(k)


def test_tables_from_documents_already_loaded_equal_those_loaded_anew(documents):
    assert load_tables(KNOWLEDGE, documents) == load_tables(KNOWLEDGE)
    fewer = {k: d for k, d in documents.items() if k != "hubei_cppcc"}  # what is given is what is read
    assert [d.id for d in load_tables(KNOWLEDGE, fewer).documents] == list(fewer)
