"""`POST /api/admin/documents`: a maintainer adds a document to knowledge/ (a file + a manifest entry)
and the service reindexes; bad input is a 4xx and leaves knowledge/ exactly as it was. A document that
declares a table answers chain questions as soon as the upload returns."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest
import yaml

from retrieval.documents import load_manifest
from tests.api.live import serve
from tests.api.test_bad_input import assert_error
from tests.reliability.conftest import ADMIN, QUESTION

ROUTE = "/api/admin/documents"
TEXT = ("# 湖北省氢能产业链链长制工作提示\n\n## 一、工作专班\n\n"
        "氢能产业链工作专班办公室设在省发展改革委能源局，专班每季度召开一次推进会。\n")
DOC = {"id": "hubei_hydrogen_note", "title": "湖北省氢能产业链链长制工作提示", "province": "湖北",
       "kind": "工作提示", "date": "2024-03-01", "text": TEXT, "issuer": "湖北省发展和改革委员会"}


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upload"  # a fictional Hubei scheme with a table


def emerging(**changes) -> dict:
    """The manifest fields of the fictional scheme (its --meta file), with `changes`; the text is not in it."""
    meta = yaml.safe_load((FIXTURE / "hubei_emerging.yaml").read_text(encoding="utf-8"))
    return {**meta, "date": str(meta["date"]), **changes}


def _table(**changes) -> dict:
    table = emerging()["tables"][0]
    return {"tables": [{**table, "id": "hubei_misfit_chains", **changes}]}


# a manifest entry that does not fit: the change, and what the error must name
MISFITS = {
    "unknown province": ({"province": "广东"}, "广东"),
    "a column not printed": (_table(columns={"链长姓名": "leader", "产业链": "chain"}), "链长姓名"),
    "an unknown field": (_table(columns={"链长": "leader", "产业链": "chain", "牵头部门": "department"}),
                         "department"),
    "a table not in the text": (_table(after_heading="附件2"), "附件2"),
    "a table id taken": (_table(id="hubei_chains"), "hubei_chains"),
}


def snapshot(knowledge) -> dict[str, str]:
    return {p.relative_to(knowledge).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(knowledge.rglob("*")) if p.is_file()}


def test_upload_writes_the_file_and_manifest_and_reindexes(upload_server):
    app, client, knowledge = upload_server
    before = client.get("/healthz").json()["documents"]
    r = client.post(ROUTE, json=DOC, headers=ADMIN, timeout=120)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "stored" and body["file"] == "documents/hubei_hydrogen_note.md"
    assert body["documents"] == before + 1
    assert (knowledge / body["file"]).read_text(encoding="utf-8") == TEXT
    manifest = (knowledge / "manifest.yaml").read_text(encoding="utf-8")
    assert manifest.startswith("# One entry per source document")  # appended: the comments are kept
    meta = {m.id: m for m in load_manifest(knowledge)}["hubei_hydrogen_note"]
    assert (meta.title, meta.province, meta.kind, str(meta.date)) == (DOC["title"], "湖北", "工作提示", "2024-03-01")
    assert meta.issuer == DOC["issuer"] and meta.short_title == DOC["title"]
    assert client.get("/healthz").json()["documents"] == before + 1
    doc = client.get("/api/documents/hubei_hydrogen_note").json()
    assert doc["title"] == DOC["title"] and "能源局" in doc["text"]
    assert "曹广晶" in client.post("/api/chat", json={"question": QUESTION}).json()["answer"]
    again = client.post(ROUTE, json=DOC, headers=ADMIN)  # the same id twice
    assert_error(again, 409, "conflict")


def _with(**changes) -> dict:
    return {**DOC, "id": "hubei_bad_input", **changes}


@pytest.mark.parametrize("body", [
    _with(id="../../etc/passwd"), _with(id="A"), _with(id="Hubei_Upper"), _with(id="x" * 80), _with(id=7),
    _with(title=""), _with(title="第一行\n第二行"), _with(title="标" * 201), _with(kind=None),
    _with(province="广东"), _with(province=None), _with(date="2024-13-01"), _with(date="yesterday"),
    _with(text=""), _with(text="  \n\t "), _with(text="零\u0000字节"), _with(text="\u001b[31m红字"),
    _with(text=["列表"]), {k: v for k, v in DOC.items() if k != "text"}, {}, [],
], ids=lambda b: json.dumps(b, ensure_ascii=True)[:60])
def test_bad_documents_are_rejected_and_change_nothing(upload_server, body):
    _app, client, knowledge = upload_server
    before = snapshot(knowledge)
    assert_error(client.post(ROUTE, json=body, headers=ADMIN), 422)
    assert snapshot(knowledge) == before


@pytest.mark.parametrize(("raw", "status"), [
    (b'{"id": "hubei_x", "text": "\\ud800", "title": "t", "province": "\\u6e56\\u5317", "kind": "k", '
     b'"date": "2024-01-01"}', 422),                            # a lone surrogate: not encodable as UTF-8
    (b'{"id": "hubei_x", "text": "\xff\xfe"}', 400),           # not UTF-8 at all
    (b'{"id": "hubei_x", ', 422),                              # malformed JSON
])
def test_undecodable_bodies(upload_server, raw, status):
    _app, client, knowledge = upload_server
    before = snapshot(knowledge)
    r = client.post(ROUTE, content=raw, headers={**ADMIN, "Content-Type": "application/json"})
    assert_error(r, status)
    assert snapshot(knowledge) == before


def test_existing_ids_conflict(upload_server):
    _app, client, knowledge = upload_server
    before = snapshot(knowledge)
    assert_error(client.post(ROUTE, json={**DOC, "id": "hubei_scheme"}, headers=ADMIN), 409, "conflict")
    (knowledge / "documents" / "hunan_orphan.md").write_text("# 孤立文件\n", encoding="utf-8")
    try:  # a file without a manifest entry is not overwritten either
        assert_error(client.post(ROUTE, json={**DOC, "id": "hunan_orphan"}, headers=ADMIN), 409)
    finally:
        (knowledge / "documents" / "hunan_orphan.md").unlink()
    assert snapshot(knowledge) == before


def test_too_large_and_unauthorised(upload_server):
    app, client, knowledge = upload_server
    before = snapshot(knowledge)
    big = {**DOC, "id": "hubei_big", "text": "长" * app.state.chainqa.settings.max_body_bytes}
    assert_error(client.post(ROUTE, json=big, headers=ADMIN), 413, "too_large")
    assert_error(client.post(ROUTE, json=DOC), 401, "unauthorized")
    assert_error(client.post(ROUTE, json={**DOC, "id": "hubei_y"}, headers={"X-API-Key": "wrong"}), 401)
    assert snapshot(knowledge) == before


def test_failed_reindex_restores_knowledge(upload_server, monkeypatch):
    """The rebuild fails after the files were written: they are taken back, the old index serves."""
    app, client, knowledge = upload_server
    before, documents = snapshot(knowledge), client.get("/healthz").json()["documents"]

    def broken(force=False):
        raise OSError("disk full")

    monkeypatch.setattr(app.state.chainqa, "rebuild", broken)
    r = client.post(ROUTE, json={**DOC, "id": "hunan_unlucky", "province": "湖南"}, headers=ADMIN)
    message = assert_error(r, 500, "reindex_failed")["message"]
    assert "reindex failed (OSError)" in message and "previous index (" in message and "is still serving" in message
    assert "disk full" not in r.text
    assert snapshot(knowledge) == before
    assert client.get("/healthz").json()["documents"] == documents
    assert client.get("/api/documents/hunan_unlucky").status_code == 404


def test_disabled_without_a_key(data_dir):
    with serve(data_dir, admin_api_key=None) as url:
        r = httpx.post(f"{url}{ROUTE}", json=DOC, headers={"X-API-Key": "anything"})
    assert_error(r, 404, "not_found")


def test_an_uploaded_table_answers_chain_questions_at_once(upload_server):
    """One reindex: the new chains answer in the chat and the tools, cited, the merged cell marked inferred."""
    _app, client, _knowledge = upload_server
    body = {**emerging(), "text": (FIXTURE / "hubei_emerging.md").read_text(encoding="utf-8")}
    r = client.post(ROUTE, json=body, headers=ADMIN, timeout=120)
    assert r.status_code == 201, r.text
    inferred = client.post("/api/chat", json={"question": "湖北绿色建材产业链谁是链长？"}).json()
    assert "林远航" in inferred["answer"] and "林远航※" in inferred["answer"] and "推定" in inferred["answer"]
    assert any(c["doc_id"] == "hubei_emerging" and "绿色建材产业链" in c["quote"] for c in inferred["citations"])
    stated = client.post("/api/chat", json={"question": "磷石膏综合利用产业链的链长是谁？"}).json()
    assert "林远航" in stated["answer"] and "推定" not in stated["answer"]
    assert [c["doc_id"] for c in stated["citations"]] == ["hubei_emerging"]
    tool = client.get("/api/tools/chain_leader", params={"chain": "绿色建材", "province": "湖北"})
    (row,) = tool.json()["matches"]
    assert (row["leader"], row["leader_post"], row["lead_department"]) == ("林远航", "副省长", "省住建厅")
    assert row["source"] == "hubei_emerging" and sorted(row["inferred_fields"]) == ["leader", "leader_post"]
    assert tool.json()["citations"][0]["doc_id"] == "hubei_emerging"


@pytest.mark.parametrize(("changes", "named"), MISFITS.values(), ids=MISFITS)
def test_a_manifest_entry_that_does_not_fit_the_text_is_a_422(upload_server, changes, named):
    _app, client, knowledge = upload_server
    before = snapshot(knowledge)
    body = {**emerging(id="hubei_misfit", **changes), "text": (FIXTURE / "hubei_emerging.md").read_text(encoding="utf-8")}
    message = assert_error(client.post(ROUTE, json=body, headers=ADMIN), 422, "invalid_document")["message"]
    assert named in message and str(knowledge) not in message
    assert snapshot(knowledge) == before
