"""The command line as CONTRACT.md fixes it, run as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import KNOWLEDGE, ROOT


def _run(*args: str, tmp_path, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "CHAINQA_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return tmp_path_factory.mktemp("cli")


def test_tools_on_the_command_line(data):
    out = _run("tool", "list_chains", "--province", "湖北", "--json", tmp_path=data)
    rows = json.loads(out.stdout)
    assert out.returncode == 0 and len(rows) == 16 and {"province", "chain", "leader", "source"} <= set(rows[0])
    assert len(json.loads(_run("tool", "list_chains", "--province", "湖南", "--json", tmp_path=data).stdout)) == 22
    lead = json.loads(_run("tool", "lead_department", "--chain", "智能制造装备", "--province", "湖北", "--json",
                           tmp_path=data).stdout)
    assert lead["matches"][0]["lead_department"] == "省发改委"
    assert "lead_department" in lead["matches"][0]["inferred_fields"]
    land = json.loads(_run("tool", "department_for_problem", "--problem", "重大项目建设用地落实不了",
                           "--province", "湖南", "--json", tmp_path=data).stdout)
    assert land["routes"][0]["units"] == ["省自然资源厅"] and "建设用地保障" in land["citations"][0]["quote"]


def test_ask_json_gives_the_answer_object(data):
    out = _run("ask", "湖北芯片这条链谁是链长？", "--json", tmp_path=data)
    answer = json.loads(out.stdout)
    assert "曹广晶" in answer["answer"] and answer["citations"][0]["doc_id"] == "hubei_scheme"
    assert set(answer) >= {"answer", "refused", "refusal_reason", "citations", "tools_used", "engine",
                           "suggestions", "latency_ms"}


def test_ask_with_history_file(data, tmp_path):
    history = tmp_path / "h.json"
    history.write_text(json.dumps([{"role": "user", "content": "湖北芯片这条链谁是链长？"},
                                   {"role": "assistant", "content": "曹广晶"}], ensure_ascii=False), encoding="utf-8")
    out = _run("ask", "那它的牵头部门呢？", "--history", str(history), "--json", tmp_path=data)
    assert "省经信厅" in json.loads(out.stdout)["answer"]


def test_unknown_tool_and_bad_arguments_are_clear(data):
    out = _run("tool", "no_such_tool", "--json", tmp_path=data)
    assert out.returncode == 2 and "unknown tool" in out.stderr and "Traceback" not in out.stderr
    out = _run("tool", "chain_leader", "--colour", "red", "--json", tmp_path=data)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_malformed_table_is_reported_with_file_and_line(tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    path = knowledge / "documents" / "hubei_scheme.md"
    text = path.read_text(encoding="utf-8").replace("| 曹广晶 | 副省长 | 集成电路产业链 | 省经信厅 | 郭 涛 | 电子处 |",
                                                    "| 曹广晶 | 副省长 | 集成电路产业链 |")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if ln.startswith("| 曹广晶 |"))
    out = _run("tool", "list_chains", "--province", "湖北", "--json", tmp_path=tmp_path,
               CHAINQA_KNOWLEDGE_DIR=str(knowledge))
    assert out.returncode == 1 and f"hubei_scheme.md:{line}" in out.stderr and "Traceback" not in out.stderr
