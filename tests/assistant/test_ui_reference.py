"""The reference tabs of /ui as functions: the glossary (definition or quote), the 分工表 filter through
the gazetteer, the columns each province has. The browser side is tests/browser/test_ui.py."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from assistant.prompts import Prompts
from assistant.ui_reference import columns_for, glossary_markdown, intro_markdown, table_note, table_rows

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"


def service(deps, terms=None):
    tables = deps.tables if terms is None else deps.tables.model_copy(update={"terms": terms})
    return SimpleNamespace(deps=SimpleNamespace(tables=tables, gazetteer=deps.gazetteer, documents=deps.documents),
                           prompts=Prompts(PROMPTS))


def test_glossary_shows_the_definition_when_there_is_one(deps):
    term = next(t for t in deps.tables.terms if t.term == "五图作业")
    defined = term.model_copy(update={"definition": "湖北为16条重点产业链各画五张图的工作方法。"})
    text = glossary_markdown(service(deps, [defined]), "")
    assert "湖北为16条重点产业链各画五张图的工作方法。" in text and "> 制定" not in text
    assert "(/documents/hubei_scheme?start=" in text  # the defining sentence, highlighted in the viewer
    plain = glossary_markdown(service(deps, [term.model_copy(update={"definition": None})]), "")
    assert "> 制定 16 条重点产业链技术结构图" in plain


def test_glossary_search_by_alias_and_no_results(deps):
    assert "共 1 条术语" in glossary_markdown(service(deps), "五张图")
    assert glossary_markdown(service(deps), "量子纠缠").startswith("没有找到")


def test_table_filter_resolves_aliases_like_the_tools(deps):
    headers, rows = table_rows(service(deps), "全部", "芯片")
    assert [r[headers.index("产业链/集群")] for r in rows] == ["集成电路产业链"]
    _, rows = table_rows(service(deps), "湖北", "工信厅")  # 省经信厅 is in the same department family
    assert rows and all(r[0] == "湖北" for r in rows)
    _, rows = table_rows(service(deps), "全部", "量子计算")
    assert rows == [] and "没有找到" in table_note(service(deps), "全部", "量子计算", 0)


def test_columns_a_province_does_not_have(deps):
    assert "职务" not in [h for h in table_rows(service(deps), "湖南", "")[0]]
    hubei = columns_for(service(deps), "湖北")
    assert hubei[-1] == "division" and "industry" not in hubei
    assert set(columns_for(service(deps), "全部")) >= {"leader_post", "industry", "cluster_type"}
    headers, rows = table_rows(service(deps), "全部", "许达哲")
    assert rows[0][headers.index("牵头部门")] == "—"
    note = table_note(service(deps), "湖南", "", 5)
    assert "湖南的分工表没有职务、牵头部门、联络员、联络处室这几列" in note and "湖北的分工表" not in note


def test_intro_counts_each_configured_province_from_the_tables(deps):
    text = intro_markdown(service(deps))
    for p in deps.tables.provinces:
        count = sum(1 for r in deps.tables.chains if r.province == p.name)
        assert f"**{p.name}**" in text and f"共 **{count}**" in text
