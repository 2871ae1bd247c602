"""`/api/tools`, `/api/documents`, the chains CSV, the widget, the demo portal, `/openapi.json`, `/ui`."""

from __future__ import annotations

import csv
import io


def test_tool_catalogue(client):
    names = {t["name"] for t in client.get("/api/tools").json()}
    assert {"list_chains", "chain_leader", "chains_of_leader", "lead_department", "department_for_problem",
            "department_duties"} <= names


def test_chain_leader_tool(client):
    r = client.get("/api/tools/chain_leader", params={"chain": "芯片", "province": "湖北"})
    assert r.status_code == 200
    match = r.json()["matches"][0]
    assert match["leader"] == "曹广晶" and match["source"] == "hubei_scheme"


def test_list_chains_tool(client):
    rows = client.get("/api/tools/list_chains", params={"province": "湖北"}).json()
    assert len(rows) == 16 and all({"province", "chain", "leader", "source"} <= r.keys() for r in rows)


def test_tool_not_found_result_is_not_an_error(client):
    r = client.get("/api/tools/chains_of_leader", params={"name": "张三丰"})
    assert r.status_code == 200 and r.json()["not_found"]["message"]


def test_tool_argument_errors(client):
    r = client.get("/api/tools/chain_leader", params={"chain": "芯片", "province": "广东"})
    assert r.status_code == 422 and "province" in r.json()["error"]["message"]
    r = client.get("/api/tools/chain_leader", params={"bogus": "1"})
    assert r.status_code == 422 and "chain" in r.json()["error"]["message"]
    r = client.get("/api/tools/rm_rf")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_documents(client):
    listed = client.get("/api/documents").json()
    assert {"hubei_scheme", "hunan_plan"} <= {d["id"] for d in listed}
    doc = client.get("/api/documents/hubei_scheme").json()
    assert doc["meta"]["province"] == "湖北" and doc["title"] and len(doc["text"]) > 1000
    assert "file" not in doc["meta"]
    r = client.get("/api/documents/../../etc/passwd")
    assert r.status_code == 404 and "error" in r.json()


def test_citation_offsets_point_into_the_document(client):
    cite = client.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"}).json()["citations"][0]
    text = client.get(f"/api/documents/{cite['doc_id']}").json()["text"]
    assert text[cite["start"]:cite["end"]] == cite["quote"]


def test_chains_csv(client):
    r = client.get("/api/tables/chains.csv", params={"province": "湖北"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert len(rows) == 16 and {r["province"] for r in rows} == {"湖北"}
    assert any(r["leader"].endswith("※") for r in rows)  # inferred (merged) cells are marked


def test_widget_and_portal(client):
    js = client.get("/widget.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "__CHAINQA_API_BASE__" not in js.text and "attachShadow" in js.text
    page = client.get("/demo/portal.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.text.count("<script") == 1 and 'src="/widget.js"' in page.text


def test_openapi_lists_every_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/healthz", "/api/chat", "/api/chat/stream", "/v1/chat/completions", "/api/tools/{name}",
                  "/api/documents/{doc_id}", "/api/feedback"):
        assert route in paths, route


def test_ui_is_served(client):
    r = client.get("/ui/")
    assert r.status_code == 200 and "<html" in r.text.lower()
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui/"
