"""`/healthz`, `/api/chat` and `/api/chat/stream` against the real server and the real index."""

from __future__ import annotations

import json

import httpx

QUESTION = "湖北芯片这条链谁是链长？"
ANSWER_KEYS = frozenset({"answer", "refused", "refusal_reason", "citations", "tools_used", "engine", "suggestions",
               "latency_ms"})


def sse_events(response: httpx.Response) -> list[dict]:
    events = []
    for block in response.text.split("\n\n"):
        data = [line[5:].strip() for line in block.splitlines() if line.startswith("data:")]
        if data:
            events.append(json.loads("\n".join(data)))
    return events


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_chat_answers_with_citation(client):
    r = client.post("/api/chat", json={"question": QUESTION, "history": []})
    assert r.status_code == 200
    body = r.json()
    assert body.keys() >= ANSWER_KEYS
    assert "曹广晶" in body["answer"] and body["refused"] is False
    assert body["engine"] == "offline" and body["suggestions"]
    cite = body["citations"][0]
    assert cite["doc_title"].startswith("湖北省制造业产业链链长制实施方案") and cite["quote"]


def test_chat_follow_up_uses_history(client):
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "集成电路产业链的链长是曹广晶。"}]
    r = client.post("/api/chat", json={"question": "他还负责哪些产业链？", "history": history})
    assert r.status_code == 200
    assert "光通信" in r.json()["answer"]


def test_chat_refuses_out_of_scope(client):
    body = client.post("/api/chat", json={"question": "广东省的链长是谁？"}).json()
    assert body["refused"] is True and body["refusal_reason"]


def test_stream_sends_deltas_then_the_answer(client):
    with client.stream("POST", "/api/chat/stream", json={"question": QUESTION}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        r.read()
    events = sse_events(r)
    deltas = [e["delta"] for e in events if "delta" in e]
    finals = [e["answer"] for e in events if "answer" in e]
    assert len(deltas) > 1 and len(finals) == 1 and "answer" in events[-1]
    assert "".join(deltas) == finals[0]["answer"]
    assert "曹广晶" in finals[0]["answer"] and finals[0]["citations"]


def test_stream_rejects_bad_input_before_streaming(client):
    r = client.post("/api/chat/stream", json={"question": "  "})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["code"] == "bad_request"


def test_answers_are_logged(client, admin_headers):
    client.post("/api/chat", json={"question": "湖北汽车产业链的链长是谁？"})
    rows = client.get("/api/admin/questions", params={"limit": 20}, headers=admin_headers).json()
    row = next(r for r in rows if r["question"] == "湖北汽车产业链的链长是谁？")
    assert "李乐成" in row["answer"] and row["engine"] == "offline" and row["citations"]
    assert row["refused"] is False and row["latency_ms"] >= 0
