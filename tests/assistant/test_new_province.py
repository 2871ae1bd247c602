"""A new province is data only: its scheme with a leader table (another column order, merged cells), a
problem route and a validity period, added to a copy of knowledge/ — and the engine answers it, unchanged."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from assistant.answer import Turn
from assistant.config import Settings
from tests.conftest import AS_OF, KNOWLEDGE

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "province"

PROVINCE = {"name": "楚南", "full_name": "楚南省", "english": "Chunan", "aliases": ["楚南省"], "cities": ["云梦"],
            "scheme": "chunan_scheme", "leader_title": "链长", "leader_title_en": "chain leader",
            "chain_word": "重点产业链", "problem_routing": "duties"}
MANIFEST = {"id": "chunan_scheme", "file": "documents/chunan_scheme.md",
            "title": "楚南省重点产业链链长制工作方案（2024-2026年）",
            "full_title": "楚南省人民政府办公厅关于印发楚南省重点产业链链长制工作方案（2024-2026年）的通知",
            "short_title": "楚南链长制方案", "issuer": "楚南省人民政府办公厅", "doc_number": "楚南政办发〔2024〕8号",
            "date": "2024-03-01", "province": "楚南", "kind": "工作方案", "valid_from": 2024, "valid_to": 2026,
            "tables": [{"id": "chunan_chains", "name": "楚南省重点产业链链长分工表", "after_heading": "楚南省重点产业链链长分工表",
                        "columns": {"牵头部门": "lead_department", "产业链": "chain", "链长": "leader", "职务": "leader_post"},
                        "merged": ["lead_department", "leader", "leader_post"], "cite_source_rows_for": ["leader"]}]}
ROUTE = {"province": "楚南", "problem": "用地融资", "keywords": "用地|融资|土地|资金", "units": "省发展改革委",
         "basis": "direct", "source": "chunan_scheme", "quote": "企业在项目用地、融资等方面遇到的困难，由省发展改革委牵头协调解决。",
         "policy": ""}


def _add_province(knowledge: Path) -> None:
    shutil.copy(FIXTURE / "chunan_scheme.md", knowledge / "documents" / "chunan_scheme.md")
    for name, key, entry in (("manifest.yaml", "documents", MANIFEST), ("provinces.yaml", "provinces", PROVINCE)):
        data = yaml.safe_load((knowledge / name).read_text(encoding="utf-8"))
        data[key].append(entry)
        (knowledge / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with (knowledge / "tables" / "problem_routes.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, list(ROUTE)).writerow(ROUTE)


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from assistant.service import Service
    from retrieval.index import KnowledgeIndex

    knowledge = tmp_path_factory.mktemp("k") / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    _add_province(knowledge)
    data = tmp_path_factory.mktemp("data")
    settings = Settings(knowledge_dir=knowledge, data_dir=data, embedding="lsa", as_of=AS_OF)
    return Service.build(settings, index=KnowledgeIndex.open(knowledge, data, embedding="lsa"))


def _own(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith(">"))


def _ask(service, question, history=()):
    return service.ask(question, [Turn(role=r, content=c) for r, c in history])


@pytest.mark.parametrize("question,expected", [
    ("楚南稀土新材料产业链的链长是谁？", ["周明", "副省长"]),
    ("楚南竹木加工链谁是链长", ["周明", "推定"]),  # the merged cell continues the row above
    ("周明负责哪些产业链？", ["稀土新材料", "竹木加工"]),
    ("楚南茶叶产业链的牵头部门是哪个？", ["农业农村厅"]),
    ("楚南一共有哪些重点产业链？", ["3", "茶叶"]),
    ("楚南企业项目用地落实不了找哪个部门？", ["发展改革委"]),
    ("楚南和湖北各有多少条重点产业链？", ["3", "16"]),
])
def test_the_new_province_is_answered_and_cited(service, question, expected):
    a = _ask(service, question)
    assert not a.refused, (question, a.answer[:120])
    for fact in expected:
        assert fact in _own(a.answer), (question, fact, a.answer[:200])
    assert any(c.doc_id == "chunan_scheme" for c in a.citations)
    for c in a.citations:
        assert c.quote in service.deps.documents[c.doc_id].text


def test_a_follow_up_about_the_new_province(service):
    history = [("user", "楚南稀土新材料产业链的链长是谁？"), ("assistant", "楚南稀土新材料产业链的链长是**周明**（副省长）。")]
    a = _ask(service, "那它的牵头部门呢？", history)
    assert "工业和信息化厅" in _own(a.answer)


def test_a_province_not_configured_is_still_refused(service):
    a = _ask(service, "广东汽车产业链链长是谁？")
    assert a.refused and a.refusal_reason == "other_province" and "楚南" in a.answer
