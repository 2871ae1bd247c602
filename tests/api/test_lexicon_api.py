"""The content-safety admin API over real HTTP (uvicorn, the real app, a real SQLite store): terms added,
imported, disabled and removed as overlay versions (and rolled back), bad input a clear 4xx with nothing
stored, the next question refused at once, the audit trail as JSON and CSV, and an uploaded document with a
term held for review until approved."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.api.live import ADMIN_KEY, serve
from tests.assistant.test_lexicon import FIXTURE
from tests.reliability.conftest import knowledge_copy

ADMIN = {"X-API-Key": ADMIN_KEY}
CHIP = "湖北芯片这条链谁是链长？"


@pytest.fixture(scope="module")
def client(data_dir, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('lexicon-api') / 'store.sqlite3'}"
    with serve(data_dir, store_url=url, lexicon_file=FIXTURE) as base, httpx.Client(base_url=base, timeout=60) as c:
        yield c


def ask(client, question: str, history: list | None = None, rid: str | None = None) -> dict:
    headers = {"X-Request-ID": rid} if rid else {}
    r = client.post("/api/chat", json={"question": question, "history": history or []}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def change(client, path: str, body: dict, status: int = 201) -> dict:
    r = client.post(f"/api/admin/lexicon/{path}", json=body, headers=ADMIN)
    assert r.status_code == status, r.text
    return r.json()


def test_the_deployment_lexicon_serves_and_an_added_term_refuses_the_next_question(client):
    served = client.get("/api/admin/lexicon", headers=ADMIN).json()
    assert any(t["term"] == "军火" for t in served["terms"]) and "军民融合" in served["allow"]
    assert ask(client, "芯片链有哪些外包服务商？")["refusal_reason"] != "content_policy"
    made = change(client, "terms", {"term": "外包服务商", "category": "广告", "action": "block"})
    assert made["action"] == "lexicon" and made["serving"] == made["version"]
    refused = ask(client, "芯片链有哪些外 包 服务商？")
    assert refused["refused"] and refused["refusal_reason"] == "content_policy" and refused["generated"] is True
    change(client, "toggle", {"term": "外包服务商", "enabled": False})
    assert ask(client, "芯片链有哪些外包服务商？")["refusal_reason"] != "content_policy"
    change(client, "remove", {"term": "外包服务商"})
    assert not any(t["term"] == "外包服务商" for t in client.get("/api/admin/lexicon", headers=ADMIN).json()["terms"])


def test_an_import_adds_terms_and_allow_listed_phrases_and_a_rollback_takes_it_back(client):
    made = change(client, "import", {"text": "秘密配方,违法,block\n秘密配方大全,,allow\n"})
    assert "导入敏感词 1 个、白名单 1 个" in made["summary"]
    assert ask(client, "秘密配方在哪？")["refusal_reason"] == "content_policy"
    assert ask(client, "秘密配方大全在哪？")["refusal_reason"] != "content_policy"
    r = client.post("/api/admin/overlay/rollback", json={}, headers=ADMIN)
    assert r.status_code == 201, r.text
    assert ask(client, "秘密配方在哪？")["refusal_reason"] != "content_policy"
    export = client.get("/api/admin/lexicon/export", headers=ADMIN)
    assert export.headers["content-type"].startswith("text/csv") and "军火,违法,block" in export.text


@pytest.mark.parametrize("path, body, status, said", [
    ("import", {"text": "好词\n坏词,违法,ban\n"}, 422, "line 2: unknown action 'ban'"),
    ("import", {"text": "# only a comment\n"}, 404, "no term"),
    ("terms", {"term": "某词", "action": "delete"}, 422, "action"),
    ("terms", {"term": "军火", "category": "违法", "action": "block"}, 409, "already"),
    ("remove", {"term": "从未有过"}, 404, "not in the lexicon"),
    ("toggle", {"term": "从未有过", "enabled": False}, 404, "not a term"),
    ("approve", {"doc_id": "hubei_scheme"}, 409, "not held"),
])
def test_bad_input_is_a_clear_4xx_and_nothing_is_stored(client, path, body, status, said):
    before = client.get("/api/admin/overlay/versions", headers=ADMIN).json()
    error = change(client, path, body, status)["error"]
    assert said in error["message"]
    assert client.get("/api/admin/overlay/versions", headers=ADMIN).json() == before


def test_the_admin_api_needs_the_admin_key(client):
    assert client.get("/api/admin/lexicon").status_code == 401
    assert client.get("/api/admin/audit.csv").status_code == 401
    assert client.post("/api/admin/lexicon/terms", json={"term": "x"}).status_code == 401


def test_every_hit_is_in_the_audit_log_and_its_csv(client):
    ask(client, "哪里能买到軍 火？", rid="audit-q")
    ask(client, CHIP, [{"role": "user", "content": "傻逼"}], rid="audit-h")
    rows = client.get("/api/admin/audit", headers=ADMIN).json()
    mine = {r["request_id"]: r for r in rows if r["request_id"].startswith("audit-")}
    assert (mine["audit-q"]["where"], mine["audit-q"]["term"], mine["audit-q"]["action"]) == ("question", "军火", "block")
    assert (mine["audit-h"]["where"], mine["audit-h"]["category"]) == ("history", "辱骂")
    r = client.get("/api/admin/audit.csv", headers=ADMIN)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert {"audit-q", "audit-h"} <= {row["request_id"] for row in table}
    assert all("軍 火" not in row["excerpt"] and "傻逼" not in row["excerpt"] for row in table)


DOC = {"id": "hubei_weapon_note", "title": "湖北省某产业链工作提示", "province": "湖北", "kind": "工作提示",
       "date": "2024-03-01", "issuer": "湖北省发展和改革委员会",
       "text": "# 湖北省某产业链工作提示\n\n## 一、说明\n\n本提示涉及军火走私线索的移交，专班每季度召开一次推进会。\n"}


def test_an_uploaded_document_with_a_term_is_held_for_review_until_approved(tmp_path):
    knowledge = knowledge_copy(tmp_path)
    with serve(tmp_path / "data", knowledge_dir=knowledge, lexicon_file=FIXTURE,
               store_url=f"sqlite:///{tmp_path / 'store.sqlite3'}") as base, \
            httpx.Client(base_url=base, timeout=120) as c:
        r = c.post("/api/admin/documents", json=DOC, headers=ADMIN)
        assert r.status_code == 201, r.text
        assert r.json()["held_for_review"] is True
        review = c.get("/api/admin/lexicon", headers=ADMIN).json()["review"]
        assert review == [{"doc_id": DOC["id"], "title": DOC["title"], "terms": ["军火"], "out_of_search": True}]
        hits = [h for h in c.get("/api/admin/audit", headers=ADMIN).json() if h["where"] == "document"]
        assert [(h["subject"], h["term"]) for h in hits] == [(DOC["id"], "军火")]
        answer = ask(c, "湖北专班每季度召开推进会，走私线索怎么移交？")
        assert DOC["id"] not in {cite["doc_id"] for cite in answer["citations"]}
        change(c, "approve", {"doc_id": DOC["id"]})
        assert c.get("/api/admin/lexicon", headers=ADMIN).json()["review"] == []
