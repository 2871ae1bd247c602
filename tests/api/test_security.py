"""Rate limits, the admin key, CORS, security headers, feedback storage and the request log line."""

from __future__ import annotations

import logging
import threading
import time

import httpx
import pytest

from tests.api.live import serve

PORTAL = "https://portal.example.gov.cn"


@pytest.fixture(scope="module")
def limited_url(data_dir):
    with serve(data_dir, rate_per_minute=6.0, rate_burst=3) as url:
        yield url


@pytest.fixture(scope="module")
def keyless_url(data_dir):
    with serve(data_dir, admin_api_key=None, frame_ancestors="'self' https://portal.example.gov.cn") as url:
        yield url


def test_rate_limit_returns_429_with_retry_after(limited_url):
    with httpx.Client(base_url=limited_url, timeout=30) as c:
        codes = [c.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        r = c.post("/api/chat/stream", json={"question": "湖北芯片这条链谁是链长？"})
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 11
        assert c.get("/healthz").status_code == 200  # only the chat routes are limited


def test_admin_routes_need_the_key(client, admin_headers):
    for path in ("/api/admin/questions", "/api/admin/feedback", "/api/admin/unanswered"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"X-API-Key": "wrong"}).json()["error"]["code"] == "unauthorized"
        assert client.get(path, headers=admin_headers).status_code == 200
    assert client.post("/api/admin/reindex").status_code == 401


def test_admin_disabled_without_a_key(keyless_url):
    with httpx.Client(base_url=keyless_url) as c:
        for key in ("", "anything", "None"):
            r = c.get("/api/admin/questions", headers={"X-API-Key": key} if key else {})
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_reindex_keeps_serving(client, admin_headers):
    r = client.post("/api/admin/reindex", headers=admin_headers, timeout=120)
    assert r.status_code == 200 and r.json()["status"] == "reindexed"
    assert "曹广晶" in client.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"}).json()["answer"]


def test_forced_reindex_while_serving_fails_no_request(client, admin_headers, base_url):
    results: list[int] = []
    stop = threading.Event()

    def ask_repeatedly():
        with httpx.Client(base_url=base_url, timeout=60) as c:
            while not stop.is_set():
                r = c.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"})
                results.append(r.status_code if "曹广晶" in r.text else -r.status_code)

    workers = [threading.Thread(target=ask_repeatedly) for _ in range(3)]
    for w in workers:
        w.start()
    try:
        r = client.post("/api/admin/reindex", params={"force": "true"}, headers=admin_headers, timeout=300)
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=60)
    assert r.status_code == 200 and r.json()["status"] == "reindexed"
    assert results and set(results) == {200}


def test_feedback_is_stored_and_listed(client, admin_headers):
    body = {"question": "湖北芯片这条链谁是链长？", "answer": "曹广晶", "rating": -1, "comment": "要写全称"}
    r = client.post("/api/feedback", json=body)
    assert r.status_code == 201 and r.json()["status"] == "stored"
    rows = client.get("/api/admin/feedback", headers=admin_headers).json()
    assert any(row["comment"] == "要写全称" and row["rating"] == -1 for row in rows)
    unanswered = client.get("/api/admin/unanswered", headers=admin_headers).json()
    assert any(row["reason"] == "thumbs_down" and row["comment"] == "要写全称" for row in unanswered)


def test_cors_allows_only_configured_origins(client):
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/api/chat/stream", headers={"Origin": PORTAL, **pre})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == PORTAL
    bad = client.options("/api/chat/stream", headers={"Origin": "https://evil.example", **pre})
    assert bad.status_code == 400 and "access-control-allow-origin" not in bad.headers
    r = client.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"}, headers={"Origin": PORTAL})
    assert r.headers["access-control-allow-origin"] == PORTAL
    r = client.post("/api/chat", json={"question": "湖北芯片这条链谁是链长？"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_security_headers(client):
    api = client.get("/healthz").headers
    assert api["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in api["content-security-policy"]
    page = client.get("/demo/portal.html").headers
    assert "script-src 'self';" in page["content-security-policy"] and "unsafe-inline" not in page[
        "content-security-policy"].split("script-src")[1].split(";")[0]
    ui = client.get("/ui/").headers
    assert "frame-ancestors 'self'" in ui["content-security-policy"] and ui["x-frame-options"] == "SAMEORIGIN"
    err = client.get("/nope").headers  # errors carry them too
    assert err["x-content-type-options"] == "nosniff"


def test_ui_frame_policy_is_configurable(keyless_url):
    headers = httpx.get(f"{keyless_url}/ui/").headers
    assert "frame-ancestors 'self' https://portal.example.gov.cn" in headers["content-security-policy"]
    assert "x-frame-options" not in headers


def test_request_id_and_access_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="chainqa.access"):
        r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        deadline = time.monotonic() + 5  # the line is written once the response has been sent
        while not any("abc-123" in m for m in caplog.messages) and time.monotonic() < deadline:
            time.sleep(0.02)
    assert r.headers["x-request-id"] == "abc-123"
    assert any('"request_id": "abc-123"' in m and '"status": 200' in m for m in caplog.messages)
    assert len(client.get("/healthz", headers={"X-Request-ID": "<bad id>"}).headers["x-request-id"]) == 32
