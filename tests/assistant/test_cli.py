"""The command line as CONTRACT.md fixes it, run as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from assistant.cli import main
from tests.assistant.test_new_province import FIXTURE as PROVINCE_FIXTURE
from tests.assistant.test_new_province import MANIFEST, PROVINCE
from tests.conftest import KNOWLEDGE, ROOT
from tests.reliability.test_upload import FIXTURE, MISFITS, emerging, snapshot


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


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """A private copy of knowledge/ and a data directory for `chainqa document add`: (tmp, knowledge)."""
    tmp = tmp_path_factory.mktemp("cli-document")
    shutil.copytree(KNOWLEDGE, tmp / "knowledge")
    return tmp, tmp / "knowledge"


DOCUMENT = str(FIXTURE / "hubei_emerging.md")


def test_document_add_answers_the_new_table_at_once(own):
    tmp, knowledge = own
    env = {"CHAINQA_KNOWLEDGE_DIR": str(knowledge)}
    out = _run("document", "add", DOCUMENT, "--meta", str(FIXTURE / "hubei_emerging.yaml"), tmp_path=tmp, **env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) | {"seconds": 0} == {"status": "stored", "id": "hubei_emerging", "seconds": 0,
                                                       "file": "documents/hubei_emerging.md", "documents": 6}
    assert (knowledge / "documents" / "hubei_emerging.md").read_text(encoding="utf-8").startswith("# 湖北省新兴")
    answer = json.loads(_run("ask", "湖北绿色建材产业链谁是链长？", "--json", tmp_path=tmp, **env).stdout)
    assert "林远航※" in answer["answer"] and "推定" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "hubei_emerging"
    before = snapshot(knowledge)
    again = _run("document", "add", DOCUMENT, "--meta", str(FIXTURE / "hubei_emerging.yaml"), tmp_path=tmp, **env)
    assert again.returncode == 2 and "exists already" in again.stderr and "Traceback" not in again.stderr
    assert snapshot(knowledge) == before


CLI_MISFITS = {**MISFITS, "a misspelt field": ({"tabels": []}, "tabels"), "the text in the meta": ({"text": "正文"}, "text"),
               "a bad date": ({"date": "2024-13-01"}, "date")}


@pytest.mark.parametrize(("changes", "named"), CLI_MISFITS.values(), ids=CLI_MISFITS)
def test_document_add_with_a_bad_meta_exits_2_and_changes_nothing(own, changes, named, monkeypatch, capsys):
    tmp, knowledge = own
    meta = tmp / "misfit.yaml"
    meta.write_text(yaml.safe_dump(emerging(id="hubei_misfit", **changes), allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("CHAINQA_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("CHAINQA_DATA_DIR", str(tmp / "data"))
    before = snapshot(knowledge)
    assert main(["document", "add", DOCUMENT, "--meta", str(meta)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("invalid document: ") and named in err
    assert snapshot(knowledge) == before


def test_a_new_province_is_its_provinces_entry_then_its_scheme(tmp_path):
    """The README's steps: provinces.yaml names the province (knowledge/ does not load until its scheme is
    there, so another document is refused: exit 1), then `chainqa document add` its scheme."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    provinces = yaml.safe_load((knowledge / "provinces.yaml").read_text(encoding="utf-8"))
    provinces["provinces"].append(PROVINCE)
    (knowledge / "provinces.yaml").write_text(yaml.safe_dump(provinces, allow_unicode=True), encoding="utf-8")
    env = {"CHAINQA_KNOWLEDGE_DIR": str(knowledge)}
    before = snapshot(knowledge)
    other = _run("document", "add", DOCUMENT, "--meta", str(FIXTURE / "hubei_emerging.yaml"), tmp_path=tmp_path, **env)
    assert other.returncode == 1 and "scheme 'chunan_scheme'" in other.stderr and "Traceback" not in other.stderr
    assert snapshot(knowledge) == before
    meta = tmp_path / "chunan_scheme.yaml"
    meta.write_text(yaml.safe_dump({k: v for k, v in MANIFEST.items() if k != "file"}, allow_unicode=True),
                    encoding="utf-8")
    out = _run("document", "add", str(PROVINCE_FIXTURE / "chunan_scheme.md"), "--meta", str(meta),
               tmp_path=tmp_path, **env)
    assert out.returncode == 0, out.stderr
    answer = json.loads(_run("ask", "楚南竹木加工链谁是链长", "--json", tmp_path=tmp_path, **env).stdout)
    assert "周明" in answer["answer"] and "推定" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "chunan_scheme"


def test_ingest_lists_documents_held_for_review_and_ask_refuses_a_blocked_question(tmp_path):
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text("军火,违法,block\n链长制实施方案,自定义,flag\n", encoding="utf-8")  # the second: in a document
    env = {"CHAINQA_LEXICON_FILE": str(lexicon), "CHAINQA_STORE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}"}
    out = _run("ingest", tmp_path=tmp_path, **env)
    assert out.returncode == 0, out.stderr
    assert "hubei_scheme" in json.loads(out.stdout.strip().splitlines()[-1])["held_for_review"]
    refused = json.loads(_run("ask", "哪里买軍 火？", "--json", tmp_path=tmp_path, **env).stdout)
    assert refused["refused"] and refused["refusal_reason"] == "content_policy"


@pytest.mark.parametrize("argv", [["ask", "湖北芯片这条链谁是链长？"], ["tool", "chain_leader", "--chain", "芯片"]])
def test_ask_and_tool_load_only_what_the_answer_needs(data, argv):
    """A table answer on the command line imports no UI, no LLM client and no scikit-learn, builds no
    jieba tokenizer and loads no pinyin dictionary (the snapshot keeps its names' pinyin): start-up is
    most of what a one-question run costs."""
    assert _run("ingest", tmp_path=data).returncode == 0  # the index exists: what is timed is the answer
    probe = ("import sys\nfrom assistant.cli import main\nassert main(sys.argv[1:]) == 0\n"
             "heavy = {'gradio', 'langchain_core', 'sklearn', 'jieba', 'pypinyin'} & set(sys.modules)\n"
             "print('heavy:', sorted(heavy))\n")
    environ = {**os.environ, "CHAINQA_DATA_DIR": str(data / "data")}
    out = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT, env=environ, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "heavy: []"
