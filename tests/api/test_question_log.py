"""Every answered question is logged (issue 15, defect 7): aborted streams too; a lone surrogate is a
422 before anything is answered; the log holds no phone numbers, ID numbers or e-mail addresses."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.api.test_bad_input import JSON, assert_error


def logged(client, admin_headers, limit: int = 1000) -> list[dict]:
    return client.get("/api/admin/questions", params={"limit": limit}, headers=admin_headers).json()


@pytest.mark.parametrize(("route", "body"), [
    ("/api/chat", b'{"question": "\\ud800\xe8\x8a\xaf\xe7\x89\x87\xe9\x93\xbe\xe9\x95\xbf"}'),
    ("/api/chat/stream", b'{"question": "\\udfff"}'),
    ("/api/chat", b'{"question": "ok", "history": [{"role": "user", "content": "\\ud83d"}]}'),
    ("/v1/chat/completions", b'{"messages": [{"role": "user", "content": "\\ud800"}]}'),
    ("/v1/chat/completions", b'{"messages": [{"role": "user", "content": "\\ud800"}], "stream": true}'),
])
def test_lone_surrogates_are_rejected_before_answering(client, admin_headers, route, body):
    before = len(logged(client, admin_headers))
    err = assert_error(client.post(route, content=body, headers=JSON), 422, "invalid_text")
    assert "surrogate" in err["message"]
    assert len(logged(client, admin_headers)) == before  # nothing answered, nothing half-logged


def test_streams_the_client_aborts_are_logged(base_url, client, admin_headers):
    tag = uuid.uuid4().hex[:8]
    questions = [f"湖北芯片这条链谁是链长？（{tag}-{n}）" for n in range(20)]
    for question in questions:
        with httpx.Client(base_url=base_url, timeout=30) as c, \
                c.stream("POST", "/api/chat/stream", json={"question": question}) as r:
            assert r.status_code == 200
            next(r.iter_lines())  # the first event, then the client goes away
    rows = {row["question"] for row in logged(client, admin_headers)}
    assert set(questions) <= rows


def test_the_log_masks_personal_data(client, admin_headers):
    tag = uuid.uuid4().hex[:8]
    question = f"{tag} 我的手机13812345678，邮箱 li.si@example.com，湖北芯片这条链谁是链长？"
    assert client.post("/api/chat", json={"question": question}).status_code == 200  # answered or refused
    row = next(row for row in logged(client, admin_headers, 50) if row["question"].startswith(tag))
    assert row["question"] == f"{tag} 我的手机[手机号]，邮箱 [邮箱]，湖北芯片这条链谁是链长？"
    assert "13812345678" not in json.dumps(row, ensure_ascii=False)
