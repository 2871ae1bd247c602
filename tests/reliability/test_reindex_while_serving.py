"""Reindexing while serving, the way maintainers do it: a document upload (knowledge/ really changes,
so the index is rebuilt) and a forced reindex, each under load from chat, streaming, document and
health requests. No request fails or sees a half-built index; a second reindex meanwhile is a 409."""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx

from tests.api.test_chat import sse_events
from tests.reliability.conftest import ADMIN, QUESTION
from tests.reliability.test_upload import DOC

WORKERS = 4


def _one(c: httpx.Client, n: int) -> bool:
    kind = n % 4
    if kind == 0:
        r = c.post("/api/chat", json={"question": QUESTION})
        return r.status_code == 200 and "曹广晶" in r.json()["answer"]
    if kind == 1:
        r = c.post("/api/chat/stream", json={"question": QUESTION})
        return r.status_code == 200 and "曹广晶" in sse_events(r)[-1]["answer"]["answer"]
    if kind == 2:
        r = c.get("/api/documents/hubei_scheme")
        return r.status_code == 200 and "曹广晶" in r.text
    r = c.get("/healthz")
    return r.status_code == 200 and r.json()["documents"] >= 5


def under_load(base_url: str, action) -> tuple[Counter, object]:
    """Run `action()` while WORKERS clients keep asking; returns (outcomes, what action returned)."""
    outcomes: Counter = Counter()
    stop = threading.Event()

    def work(w: int) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as c:
            n = w
            while not stop.is_set():
                try:
                    outcomes["ok" if _one(c, n) else f"bad {n % 4}"] += 1
                except httpx.HTTPError as exc:
                    outcomes[type(exc).__name__] += 1
                n += 1

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    try:
        result = action()
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    return outcomes, result


def test_upload_and_forced_reindex_under_load(upload_server):
    app, client, _knowledge = upload_server
    base_url = str(client.base_url).rstrip("/")
    before = client.get("/healthz").json()["documents"]

    def upload():
        return client.post("/api/admin/documents", json={**DOC, "id": "hunan_under_load", "province": "湖南"},
                           headers=ADMIN, timeout=120)

    outcomes, r = under_load(base_url, upload)
    assert r.status_code == 201, r.text
    assert set(outcomes) == {"ok"} and outcomes["ok"] >= WORKERS, outcomes
    assert client.get("/healthz").json()["documents"] == before + 1

    def forced_reindex_and_a_second_one():
        with httpx.Client(base_url=base_url, headers=ADMIN, timeout=120) as other:
            results: list[int] = []
            first = threading.Thread(target=lambda: results.append(
                other.post("/api/admin/reindex", params={"force": "true"}).status_code))
            first.start()
            while not app.state.chainqa.reindex_lock.locked() and first.is_alive():
                time.sleep(0.005)
            second = client.post("/api/admin/reindex", params={"force": "true"}, headers=ADMIN)
            first.join(timeout=120)
            return results, second

    outcomes, (results, second) = under_load(base_url, forced_reindex_and_a_second_one)
    assert results == [200]
    assert second.status_code in (200, 409)  # 409 while the first runs (it may have finished already)
    if second.status_code == 409:
        assert second.json()["error"]["code"] == "conflict"
    assert set(outcomes) == {"ok"} and outcomes["ok"] >= WORKERS, outcomes
    assert client.get("/api/documents/hunan_under_load").status_code == 200  # survives the forced rebuild
