"""Two app instances (replicas) sharing one store, on SQLite and on a real PostgreSQL server: a change made
on one is served by the other within its poll interval, a rollback on the other comes back the same way,
and a reindex keeps the overlay. Waits are bounded (well over 5× the poll interval), never timed."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.api.live import ADMIN_KEY, serve

POLL_S = 0.2
BOUND_S = 60 * POLL_S  # a rebuild takes a fraction of a second; a slow machine gets plenty of room
QUESTION = "湖北晶圆这条链谁是链长？"
ALIAS = {"kind": "chain", "target": "集成电路产业链", "province": "湖北", "alias": "晶圆"}
ADMIN = {"X-API-Key": ADMIN_KEY}


@pytest.fixture
def replicas(data_dir, store_url):
    with serve(data_dir, store_url=store_url, overlay_poll_s=POLL_S) as a, \
            serve(data_dir, store_url=store_url, overlay_poll_s=POLL_S) as b, \
            httpx.Client(base_url=a, timeout=30) as ca, httpx.Client(base_url=b, timeout=30) as cb:
        yield ca, cb


def refused(client: httpx.Client) -> bool:
    r = client.post("/api/chat", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    return r.json()["refused"]


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND_S
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {BOUND_S:g} s: {what}")
        time.sleep(POLL_S / 4)


def serving(client: httpx.Client) -> int:
    return client.get("/api/admin/overlay", headers=ADMIN).json()["serving"]


def test_a_change_on_one_replica_is_served_by_the_other(replicas):
    a, b = replicas
    assert refused(a) and refused(b)
    made = a.post("/api/admin/overlay/aliases", json=ALIAS, headers=ADMIN)
    assert made.status_code == 201, made.text
    assert not refused(a)  # the replica that made it serves it at once
    eventually(lambda: serving(b) == made.json()["version"], "replica B serves the new version")
    assert not refused(b)
    undo = b.post("/api/admin/overlay/rollback", headers=ADMIN)
    assert undo.status_code == 201 and refused(b)
    eventually(lambda: serving(a) == undo.json()["version"], "replica A serves the rollback")
    assert refused(a)
    assert a.get("/api/admin/overlay/versions", headers=ADMIN).json() == \
        b.get("/api/admin/overlay/versions", headers=ADMIN).json()


def test_a_reindex_keeps_the_overlay(replicas):
    a, _ = replicas
    made = a.post("/api/admin/overlay/aliases", json=ALIAS, headers=ADMIN).json()
    assert a.post("/api/admin/reindex", headers=ADMIN).status_code == 200
    assert not refused(a)  # the new service was built with the stored overlay
    eventually(lambda: serving(a) == made["version"], "replica A knows which version it serves again")
