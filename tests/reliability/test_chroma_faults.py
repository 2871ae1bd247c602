"""The Chroma server is unreachable at startup (a closed loopback port) or goes away while serving.
Unreachable at startup: no index can load, /healthz is 503 and requests fail fast instead of hanging.
Gone while serving: answers still come from keyword search, so /healthz is 200 `degraded` with
`vector_store` missing (an orchestrator must not kill a working instance). With
`chroma_fallback_embedded` the service answers from the embedded store."""

from __future__ import annotations

import socket

import pytest

from tests.api.live import make_settings
from tests.api.test_bad_input import assert_error
from tests.chroma import running_chroma
from tests.reliability.conftest import QUESTION, start

FAST_S = 30.0  # the client gives up after this: a guard against a hang, not a speed target (chainqa bench times)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served(data_dir, name: str, **overrides):
    from assistant.api.app import create_app

    settings = make_settings(data_dir, store_url=f"sqlite:///{data_dir / f'store-{name}.sqlite3'}", **overrides)
    return start(create_app(settings))


@pytest.fixture
def unreachable(data_dir):
    server, _url, client = served(data_dir, "chroma-down", chroma_url=f"http://127.0.0.1:{closed_port()}")
    try:
        yield client
    finally:
        client.close()
        server.__exit__(None, None, None)


def test_unreachable_chroma_is_a_quick_readiness_failure(unreachable):
    for _ in range(3):
        r = unreachable.get("/healthz", timeout=FAST_S)  # the client's timeout only guards against a hang
        assert r.status_code == 503
        assert r.json()["status"] == "not_ready" and "VectorStoreUnreachable" in r.json()["reason"]
        assert "127.0.0.1" not in r.text  # the reason names the failure, not the address
    for route in ("/api/chat", "/api/chat/stream"):
        r = unreachable.post(route, json={"question": QUESTION}, timeout=FAST_S)
        assert_error(r, 503, "not_ready")
    assert unreachable.get("/widget.js").status_code == 200  # the static parts still serve


def test_embedded_fallback_serves(data_dir):
    server, _url, client = served(data_dir, "chroma-fallback", chroma_url=f"http://127.0.0.1:{closed_port()}",
                                  chroma_fallback_embedded=True)
    try:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        r = client.post("/api/chat", json={"question": QUESTION})
        assert r.status_code == 200 and "曹广晶" in r.json()["answer"]
        r = client.post("/api/chat", json={"question": "湖北的问题办理机制是怎样的？"})  # needs the documents
        assert r.status_code == 200 and r.json()["citations"][0]["doc_id"].startswith("hubei")
    finally:
        client.close()
        server.__exit__(None, None, None)


@pytest.fixture
def chroma_server(tmp_path):
    with running_chroma(tmp_path, closed_port()) as (url, proc):
        yield url, proc


def test_chroma_going_away_while_serving(tmp_path, chroma_server):
    url, proc = chroma_server
    server, _url, client = served(tmp_path / "data", "chroma-live", chroma_url=url)
    try:
        assert client.get("/healthz").status_code == 200
        assert "曹广晶" in client.post("/api/chat", json={"question": QUESTION}).json()["answer"]
        proc.terminate()
        proc.wait(timeout=10)
        r = client.get("/healthz", timeout=FAST_S)
        body = r.json()
        assert r.status_code == 200 and body["status"] == "degraded" and body["missing"] == ["vector_store"]
        assert "keyword search" in body["reasons"]["vector_store"] and "127.0.0.1" not in r.text
        r = client.post("/api/chat", json={"question": "湖北的问题办理机制是怎样的？"}, timeout=FAST_S)
        assert r.status_code == 200  # answered from the lexical index
        assert r.json()["citations"] and "销号" in r.json()["answer"]
    finally:
        client.close()
        server.__exit__(None, None, None)
