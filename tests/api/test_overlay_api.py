"""The overlay's admin API over real HTTP: every change validated (422 listing the reasons, 409 for a clash),
stored as a version recording the named admin key, serving on this replica when the response comes back,
rolled back to the refusal; curated answers with their verbatim citation; the stored overlay served from
start-up, items that no longer fit skipped instead of failing the start."""

from __future__ import annotations

import httpx
import pytest

from assistant.store import SqlStore
from tests.api.live import ADMIN_KEY, serve

QUESTION = "湖北晶圆这条链谁是链长？"  # refused today: 晶圆 is no name of 集成电路产业链
ALIAS = {"kind": "chain", "target": "集成电路产业链", "province": "湖北", "alias": "晶圆"}
ALICE = {"X-API-Key": "alice-key-0123456789"}
ADMIN = {"X-API-Key": ADMIN_KEY}
QUOTE = "已经省委、省政府同意，现印发给你们，请认真贯彻实施。"
CURATED = {"question": "链长制方案要怎么贯彻？", "answer": "方案经省委、省政府同意后印发，要求各地各部门认真贯彻实施。",
           "doc_id": "hubei_scheme", "quote": QUOTE}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('overlay-api') / 'store.sqlite3'}"


@pytest.fixture(scope="module")
def client(data_dir, store_url):
    with serve(data_dir, store_url=store_url, admin_keys={"alice": ALICE["X-API-Key"]}) as url, \
            httpx.Client(base_url=url, timeout=30) as c:
        yield c


@pytest.fixture(autouse=True)
def empty_overlay(client):
    """Each test starts from the empty overlay (a rollback to version 0, itself a version)."""
    if client.get("/api/admin/overlay", headers=ADMIN).json()["overlay"] not in ({}, None):
        assert client.post("/api/admin/overlay/rollback", json={"version": 0}, headers=ADMIN).status_code == 201


def ask(client, question: str = QUESTION) -> dict:
    r = client.post("/api/chat", json={"question": question})
    assert r.status_code == 200, r.text
    return r.json()


def error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]["message"]


def test_an_alias_answers_the_refused_question_and_a_rollback_restores_the_refusal(client):
    assert ask(client)["refused"] is True
    r = client.post("/api/admin/overlay/aliases", json=ALIAS, headers=ALICE)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["serving"] == made["version"] and made["key_name"] == "alice" and made["action"] == "alias"
    answer = ask(client)  # no wait: this replica serves the change before answering the admin request
    assert answer["refused"] is False and "曹广晶" in answer["answer"].split("\n")[0]
    assert any(c["doc_id"] == "hubei_scheme" and "曹广晶" in c["quote"] for c in answer["citations"])
    undo = client.post("/api/admin/overlay/rollback", headers=ADMIN)
    assert undo.status_code == 201 and undo.json()["restores"] == made["version"] - 1
    assert undo.json()["key_name"] == "admin"
    assert ask(client)["refused"] is True


def test_versions_record_the_key_when_and_the_overlay_before_and_after(client):
    first = client.post("/api/admin/overlay/aliases", json=ALIAS, headers=ALICE).json()
    client.post("/api/admin/overlay/examples", json={"intent": "chain_leader", "question": "晶圆那摊子谁在管"},
                headers=ADMIN)
    newest, older = client.get("/api/admin/overlay/versions", params={"limit": 2}, headers=ADMIN).json()
    assert older["version"] == first["version"] and newest["version"] == first["version"] + 1
    assert (older["key_name"], newest["key_name"]) == ("alice", "admin")
    assert older["overlay_after"]["aliases"] == [ALIAS] and newest["overlay_before"] == older["overlay_after"]
    assert newest["overlay_after"]["examples"] == [{"intent": "chain_leader", "question": "晶圆那摊子谁在管"}]
    assert newest["created_at"] >= older["created_at"] and "晶圆" in older["summary"]
    current = client.get("/api/admin/overlay", headers=ADMIN).json()
    assert current["version"] == current["serving"] == newest["version"]


@pytest.mark.parametrize(("path", "body", "reason"), [
    ("aliases", {**ALIAS, "target": "量子产业链"}, "no chain '量子产业链' in 湖北"),
    ("aliases", {**ALIAS, "province": "广东"}, "no chain '集成电路产业链' in 广东"),
    ("aliases", {**ALIAS, "kind": "department", "target": "省量子厅"}, "no department '省量子厅'"),
    ("aliases", {**ALIAS, "kind": "document", "target": "no_such_doc"}, "no document 'no_such_doc'"),
    ("examples", {"intent": "no_such_intent", "question": "晶圆谁管"}, "no intent 'no_such_intent'"),
    ("curated", {**CURATED, "quote": "不在任何文件里的一句话"}, "the quote is not verbatim in hubei_scheme"),
    ("curated", {**CURATED, "doc_id": "no_such_doc"}, "no document 'no_such_doc'"),
])
def test_a_change_that_does_not_fit_is_422_with_the_reason_and_stores_nothing(client, path, body, reason):
    before = client.get("/api/admin/overlay", headers=ADMIN).json()["version"]
    r = client.post(f"/api/admin/overlay/{path}", json=body, headers=ADMIN)
    assert reason in error(r, 422) and r.json()["error"]["code"] == "invalid_overlay"
    assert client.get("/api/admin/overlay", headers=ADMIN).json()["version"] == before


@pytest.mark.parametrize(("body", "field"), [
    ({**ALIAS, "province": None}, "province"),
    ({**ALIAS, "alias": "晶圆这条链谁是链长？"}, "alias"),  # the whole question, not the phrase
    ({**ALIAS, "alias": "晶"}, "alias"),
    ({**ALIAS, "kind": "person"}, "kind"),
    ({**ALIAS, "alias": "晶\u0000圆"}, "alias"),
])
def test_malformed_aliases_are_422_naming_the_field(client, body, field):
    assert field in error(client.post("/api/admin/overlay/aliases", json=body, headers=ADMIN), 422)


def test_a_quote_must_be_text_and_a_body_json(client):
    assert "quote" in error(client.post("/api/admin/overlay/curated", json={**CURATED, "quote": "   "},
                                        headers=ADMIN), 422)
    r = client.post("/api/admin/overlay/aliases", content=b"{not json", headers={**ADMIN,
                                                                                "Content-Type": "application/json"})
    assert "JSON" in error(r, 422)


def test_clashes_are_409(client):
    assert client.post("/api/admin/overlay/aliases", json=ALIAS, headers=ADMIN).status_code == 201
    assert "already" in error(client.post("/api/admin/overlay/aliases", json=ALIAS, headers=ADMIN), 409)
    taken = error(client.post("/api/admin/overlay/aliases", json={**ALIAS, "alias": "汽车"}, headers=ADMIN), 409)
    assert "汽车产业链" in taken  # 汽车 names another chain: one phrase, one thing
    assert "already" in error(client.post("/api/admin/overlay/aliases", json={**ALIAS, "alias": "芯片"},
                                          headers=ADMIN), 409)  # a name the knowledge base gives it
    example = {"intent": "chain_leader", "question": "湖北芯片这条链谁是链长？"}  # in knowledge/intents.yaml
    assert "already" in error(client.post("/api/admin/overlay/examples", json=example, headers=ADMIN), 409)


def test_rollback_with_nothing_to_undo_or_to_no_such_version(client):
    assert "no earlier" in error(client.post("/api/admin/overlay/rollback", headers=ADMIN), 409)
    version = client.get("/api/admin/overlay", headers=ADMIN).json()["version"]
    error(client.post("/api/admin/overlay/rollback", json={"version": version + 5}, headers=ADMIN), 404)
    error(client.post("/api/admin/overlay/rollback", json={"version": -1}, headers=ADMIN), 422)


def test_a_curated_answer_is_served_with_its_verbatim_citation(client):
    r = client.post("/api/admin/overlay/curated", json=CURATED, headers=ALICE)
    assert r.status_code == 201, r.text
    for question in (CURATED["question"], "链长制方案要怎么贯彻", "链长制方案要怎么贯彻?"):
        answer = ask(client, question)
        assert answer["answer"].startswith(CURATED["answer"]) and answer["tools_used"] == ["curated"], question
        assert answer["citations"][0]["quote"] == QUOTE and answer["citations"][0]["doc_id"] == "hubei_scheme"
    fixed = {**CURATED, "answer": "方案要求各地各部门认真贯彻实施。"}
    assert "修改" in client.post("/api/admin/overlay/curated", json=fixed, headers=ALICE).json()["summary"]
    assert ask(client, CURATED["question"])["answer"].startswith(fixed["answer"])  # replaced, not doubled
    assert len(client.get("/api/admin/overlay", headers=ADMIN).json()["overlay"]["curated"]) == 1


def test_targets_name_what_a_change_may_name(client):
    t = client.get("/api/admin/overlay/targets", headers=ADMIN).json()
    assert {"target": "集成电路产业链", "province": "湖北"} in t["chain"]
    assert "chain_leader" in {i["name"] for i in t["intents"]}
    assert "hubei_scheme" in {d["target"] for d in t["document"]}


def test_the_admin_key_is_required_and_the_routes_are_rate_limited(client, data_dir, tmp_path):
    for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ALICE["X-API-Key"] + "x"}):
        error(client.post("/api/admin/overlay/aliases", json=ALIAS, headers=headers), 401)
        error(client.get("/api/admin/overlay/versions", headers=headers), 401)
    store = f"sqlite:///{tmp_path / 'limited.sqlite3'}"
    with serve(data_dir, store_url=store, admin_rate_burst=2, admin_rate_per_minute=1.0) as url:
        statuses = [httpx.get(f"{url}/api/admin/overlay", headers={"X-API-Key": "guess"}).status_code
                    for _ in range(3)]
        assert statuses == [401, 401, 429]
    with serve(data_dir, store_url=store, admin_api_key=None) as url:
        assert httpx.get(f"{url}/api/admin/overlay", headers=ADMIN).status_code == 404


def test_the_stored_overlay_serves_from_start_up_and_what_no_longer_fits_is_skipped(data_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'start.sqlite3'}"
    store = SqlStore(url)
    gone = {**ALIAS, "target": "已删除产业链", "alias": "旧说法"}  # as if a reindex removed its chain
    store.change_overlay(lambda _v, _b: ("alias", "seeded", {"aliases": [ALIAS, gone]}), "alice")
    store.close()
    with serve(data_dir, store_url=url) as base, httpx.Client(base_url=base, timeout=30) as c:
        answer = ask(c)  # the first request: no poll has run yet
        assert answer["refused"] is False and "曹广晶" in answer["answer"]
        current = c.get("/api/admin/overlay", headers=ADMIN).json()
        assert current["version"] == current["serving"] == 1
