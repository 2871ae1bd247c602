"""The Gradio UI's own HTTP API under /ui is no side door (issue 15, defect 1): no anonymous upload or
file serving, the same rate limit as the chat routes, a body cap, no request body in the log, errors in
the contract's shape, and a loading index is a message in the chat, not an AttributeError."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.api.live import serve
from tests.api.test_bad_input import assert_error
from tests.reliability.conftest import QUESTION

JSON = {"Content-Type": "application/json"}


def call_run(c: httpx.Client, question: str = QUESTION) -> httpx.Response:
    """Start the chat event through Gradio's REST API (what an anonymous script would do)."""
    return c.post("/ui/gradio_api/call/run", json={"data": [question, []]})


def result_events(c: httpx.Client, event_id: str) -> list[tuple[str, str]]:
    text = c.get(f"/ui/gradio_api/call/run/{event_id}", timeout=60).text
    events, kind = [], ""
    for line in text.splitlines():
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            events.append((kind, line[6:]))
    return events


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/ui/gradio_api/upload"), ("POST", "/ui/upload"), ("GET", "/ui/gradio_api/upload_progress"),
    ("GET", "/ui/gradio_api/file=/etc/passwd"), ("GET", "/ui/file=/etc/passwd"),
    ("GET", "/ui/gradio_api/proxy=https://example.com/x"), ("POST", "/ui/gradio_api/process_recording"),
    ("GET", "/ui/gradio_api/monitoring"), ("POST", "/ui/login"),
])
def test_file_upload_and_other_unused_routes_are_closed(client, method, path):
    kwargs = {"files": {"files": ("a.txt", b"x" * 1000)}} if method == "POST" else {}
    assert_error(client.request(method, path, **kwargs), 404, "not_found")


def test_the_ui_still_answers(client):
    r = call_run(client)
    assert r.status_code == 200, r.text
    events = result_events(client, r.json()["event_id"])
    kind, data = events[-1]
    assert kind == "complete" and "曹广晶" in json.dumps(json.loads(data), ensure_ascii=False)


def test_unknown_endpoints_and_bad_events_are_4xx_not_500(client):
    assert_error(client.post("/ui/gradio_api/run/predict", json={"data": ["x"]}), 404, "not_found")
    assert_error(client.post("/ui/gradio_api/call/run", content=b"not json", headers=JSON), 422)
    assert_error(client.post("/ui/gradio_api/call/run", json={"data": "x"}), 422)
    assert_error(client.post("/ui/gradio_api/queue/join", json={"data": [], "fn_index": 10**6}), 422)
    assert_error(client.get("/ui/no-such-page"), 404, "not_found")  # was {"detail": "Not Found"}
    assert client.get("/healthz").status_code == 200  # the server kept its connections


def test_a_large_ui_body_is_refused_and_never_logged(client, settings, capfd, caplog):
    marker = "长问题标记" * 20_000  # 300 KB of UTF-8, under the UI body cap
    with caplog.at_level(logging.DEBUG):
        r = client.post("/ui/gradio_api/call/run", json={"data": [marker]})
        assert_error(r, 422)  # the wrong number of inputs: Gradio itself would print the body
        big = json.dumps({"data": ["a" * (settings.ui_max_body_bytes + 10), []]})
        assert_error(client.post("/ui/gradio_api/call/run", content=big, headers=JSON), 413, "too_large")
    out, err = capfd.readouterr()
    logged = out + err + "".join(r.getMessage() for r in caplog.records)
    assert "长问题标记" not in logged and len(logged) < 20_000


@pytest.fixture(scope="module")
def limited_url(data_dir):
    with serve(data_dir, rate_per_minute=6.0, rate_burst=3) as url:
        yield url


def test_ui_events_are_rate_limited_with_the_chat_routes(limited_url):
    with httpx.Client(base_url=limited_url, timeout=30) as c:
        codes = [call_run(c).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        r = call_run(c)
        assert_error(r, 429, "rate_limited")
        assert 1 <= int(r.headers["Retry-After"]) <= 11
        assert_error(c.post("/api/chat", json={"question": QUESTION}), 429)  # one bucket per client
        assert c.get("/ui/").status_code == 200  # pages and assets are not limited


def test_the_ui_while_the_index_loads_says_so(tmp_path, caplog, capfd):
    loading = serve(tmp_path / "data", knowledge_dir=tmp_path / "missing")
    with caplog.at_level(logging.INFO), loading as url, httpx.Client(base_url=url, timeout=30) as c:
        assert c.get("/healthz").status_code == 503
        r = call_run(c)
        assert r.status_code == 200
        kind, data = result_events(c, r.json()["event_id"])[-1]
        assert kind == "error" and "正在加载" in json.loads(data)["error"]
    out, err = capfd.readouterr()
    assert "AttributeError" not in out + err + caplog.text
