"""Bad input gets a 4xx JSON error `{"error": {"code", "message"}}` — never a 500, a traceback or a path."""

from __future__ import annotations

import json
import socket
from types import MappingProxyType
from urllib.parse import urlparse

import pytest

JSON = MappingProxyType({"Content-Type": "application/json"})
LEAKS = ("Traceback", "/work/", "site-packages", ".py\"", "File \"")


def assert_error(r, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status_code in statuses, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert set(err) == {"code", "message"} and err["message"]
    assert not any(leak in r.text for leak in LEAKS)
    if code:
        assert err["code"] == code
    return err


@pytest.mark.parametrize("route", ["/api/chat", "/api/chat/stream"])
@pytest.mark.parametrize(("body", "status"), [
    (b'{"question": ', 422),                                   # malformed JSON
    (b"not json at all", 422),
    (b"[]", 422),                                              # not an object
    (b'{"question": 5}', 422),                                 # wrong type
    (b'{"question": null}', 422),
    (b'{"question": ["a"]}', 422),
    (b"{}", 422),                                              # missing field
    (b'{"question": "hi", "history": "x"}', 422),
    (b'{"question": "hi", "history": [{"role": "hacker", "content": "x"}]}', 422),
    (b'{"question": "hi", "history": [{"role": "user"}]}', 422),
    (b'{"question": ""}', 400),                                # empty question
    (b'{"question": "   \\n "}', 400),
    (b'{"question": "\xff\xfe\xfd"}', 400),                    # invalid UTF-8
])
def test_bad_chat_bodies(client, route, body, status):
    err = assert_error(client.post(route, content=body, headers=JSON), status)
    if body.startswith(b'{"question": ') and body.endswith(b": "):
        assert "JSON" in err["message"]


def test_messages_name_the_field(client):
    err = assert_error(client.post("/api/chat", json={"question": 5}), 422)
    assert "question" in err["message"]
    err = assert_error(client.post("/api/chat", content=b'{"question": ', headers=JSON), 422)
    assert "malformed JSON" in err["message"]


def test_question_over_the_limit(client, settings):
    r = client.post("/api/chat", json={"question": "长" * (settings.max_question_chars + 1)})
    assert "characters" in assert_error(r, 413, "too_large")["message"]


def test_history_over_the_limits(client, settings):
    turns = [{"role": "user", "content": "湖北"}] * (settings.max_history_turns + 1)
    assert_error(client.post("/api/chat", json={"question": "你好", "history": turns}), 413, "too_large")
    big = [{"role": "user", "content": "长" * 3000}] * 3
    assert_error(client.post("/api/chat/stream", json={"question": "你好", "history": big}), 413, "too_large")


def test_body_over_the_limit(client, settings):
    body = json.dumps({"question": "a" * (settings.max_body_bytes + 10)}).encode()
    assert_error(client.post("/api/chat", content=body, headers=JSON), 413, "too_large")


def test_chunked_body_over_the_limit(client, settings):
    def chunks():
        yield b'{"question": "'
        for _ in range(settings.max_body_bytes // 1000 + 2):
            yield b"a" * 1000
        yield b'"}'

    assert_error(client.post("/api/chat", content=chunks(), headers=JSON), 413, "too_large")


def test_lying_content_length(base_url):
    """A body shorter than its Content-Length must not hang or crash the server."""
    url = urlparse(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 999999999\r\n\r\n{}")
        assert s.recv(4096).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(("body", "status"), [
    ({"question": "q", "answer": "a", "rating": 5}, 422),
    ({"question": "q", "answer": "a", "rating": "up"}, 422),
    ({"question": "q", "answer": "a"}, 422),
    ({"question": "", "answer": "a", "rating": 1}, 422),
    ({"question": "q", "answer": "a", "rating": 1, "comment": "x" * 3000}, 422),
])
def test_bad_feedback(client, body, status):
    assert_error(client.post("/api/feedback", json=body), status)


def test_unknown_route_and_method(client):
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/chat"), 405, "method_not_allowed")
    assert_error(client.get("/api/chat"), 405)


def test_openai_route_bad_bodies(client):
    assert_error(client.post("/v1/chat/completions", json={"messages": "hi"}), 422)
    assert_error(client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": 3}]}), 422)
    assert_error(client.post("/v1/chat/completions", json={"messages": [{"role": "wizard", "content": "x"}]}), 422)
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x" * 2000}],
                                                  "stream": True})
    assert_error(r, 413)


def test_tools_bad_query(client):
    assert_error(client.get("/api/tools/list_chains"), 422)
    assert_error(client.get("/api/tools/list_chains", params={"province": "<script>"}), 422)
    assert_error(client.get("/api/admin/questions", params={"limit": "lots"},
                            headers={"X-API-Key": "wrong"}), 401)
