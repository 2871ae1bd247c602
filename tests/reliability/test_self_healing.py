"""One damaged index file is not an outage (issue 15, defects 2, 5 and 6).

- A damaged snapshot (truncated lsa.npz, meta.json = [], a corrupt chroma.sqlite3, a malformed pointer)
  is unusable: the service rebuilds it from knowledge/ at start-up and at reindex, and answers.
- A broken knowledge/ (a table CSV, the manifest, a missing document, the whole folder gone) at restart:
  the last good snapshot serves, /healthz is 200 `degraded` with the reason; at reindex: 409 with the
  reason, the previous index keeps serving, /healthz says so; an upload meanwhile is a clear 409.
- A forced reindex with nothing to serve says that nothing serves."""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from retrieval.index import KnowledgeIndex
from tests.api.live import make_settings
from tests.api.test_bad_input import assert_error
from tests.reliability.conftest import ADMIN, QUESTION, knowledge_copy, start
from tests.reliability.test_upload import DOC, snapshot


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """knowledge/ and a complete index of it (the default embedding), copied by every test."""
    root = tmp_path_factory.mktemp("healing")
    KnowledgeIndex.open(knowledge_copy(root), root / "data", embedding=make_settings(root).embedding)
    return root


def fresh(built: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(built / "knowledge", tmp_path / "knowledge")
    shutil.copytree(built / "data", tmp_path / "data")
    return tmp_path / "knowledge", tmp_path / "data"


@contextlib.contextmanager
def serving(knowledge: Path, data: Path) -> Iterator[httpx.Client]:
    from assistant.api.app import create_app

    server, _url, client = start(create_app(make_settings(data, knowledge_dir=knowledge)))
    try:
        yield client
    finally:
        client.close()
        server.__exit__(None, None, None)


def served_snapshot(data: Path) -> Path:
    """The snapshot directory the index pointer names."""
    (pointer,) = data.glob("current-*.json")
    return data / "indexes" / json.loads(pointer.read_text(encoding="utf-8"))["name"]


def answers(client: httpx.Client) -> bool:
    r = client.post("/api/chat", json={"question": QUESTION})
    return r.status_code == 200 and "曹广晶" in r.json()["answer"]


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated lsa.npz": lambda data: truncate(served_snapshot(data) / "lsa.npz"),
    "meta.json = []": lambda data: (served_snapshot(data) / "meta.json").write_text("[]", encoding="utf-8"),
    "corrupt chroma.sqlite3": lambda data: (data / "chroma" / "chroma.sqlite3").write_bytes(b"\0garbage" * 4096),
    "malformed pointer": lambda data: next(data.glob("current-*.json")).write_text("[1, 2]", encoding="utf-8"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_snapshot_is_rebuilt_at_startup(built, tmp_path, damage):
    knowledge, data = fresh(built, tmp_path)
    before = served_snapshot(data).name
    DAMAGE[damage](data)
    with serving(knowledge, data) as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok", health.text
        assert answers(client)
    assert served_snapshot(data).name != before  # rebuilt, not patched up


def test_a_damaged_snapshot_is_rebuilt_at_reindex(built, tmp_path):
    knowledge, data = fresh(built, tmp_path)
    with serving(knowledge, data) as client:
        DAMAGE["meta.json = []"](data)  # while serving: the next load of it must not trust it
        r = client.post("/api/admin/reindex", headers=ADMIN, timeout=120)
        assert r.status_code == 200 and r.json()["status"] == "reindexed", r.text
        assert answers(client) and client.get("/healthz").json()["status"] == "ok"


def _break_csv(k: Path) -> None:
    with (k / "tables" / "problem_routes.csv").open("a", encoding="utf-8") as fh:
        fh.write("坏行," * 40 + "\n")


BREAKAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "table csv": (_break_csv, "problem_routes.csv"),
    "manifest": (lambda k: (k / "manifest.yaml").write_text("documents: [unclosed\n", encoding="utf-8"), "manifest"),
    "missing document": (lambda k: (k / "documents" / "hunan_plan.md").unlink(), "hunan_plan"),
    "no knowledge/": (lambda k: shutil.rmtree(k), "knowledge"),
}


@pytest.mark.parametrize("breakage", list(BREAKAGE))
def test_restart_on_broken_knowledge_serves_the_last_good_snapshot(built, tmp_path, breakage):
    knowledge, data = fresh(built, tmp_path)
    break_it, named = BREAKAGE[breakage]
    break_it(knowledge)
    with serving(knowledge, data) as client:
        health = client.get("/healthz")
        body = health.json()
        assert health.status_code == 200 and body["status"] == "degraded", health.text
        assert body["missing"] == ["current_knowledge"] and named in body["reasons"]["current_knowledge"]
        assert str(tmp_path) not in health.text  # no server paths
        assert answers(client)  # the last good tables, documents and engine files


def test_a_forced_reindex_with_nothing_serving_says_so(tmp_path):
    knowledge = knowledge_copy(tmp_path)
    BREAKAGE["manifest"][0](knowledge)
    with serving(knowledge, tmp_path / "data") as client:
        health = client.get("/healthz")
        assert health.status_code == 503 and "manifest" in health.json()["reason"]
        assert_error(health, 503, "not_ready")
        r = client.post("/api/admin/reindex", params={"force": "true"}, headers=ADMIN, timeout=120)
        message = assert_error(r, 409, "knowledge_error")["message"]
        assert "no index is serving" in message and "previous index" not in message
        assert str(tmp_path) not in r.text


@pytest.fixture(scope="module")
def live(built, tmp_path_factory):
    """One server over a private knowledge/ for the reindex and upload cases: (client, knowledge)."""
    knowledge, data = fresh(built, tmp_path_factory.mktemp("healing-live"))
    with serving(knowledge, data) as client:
        yield client, knowledge


@pytest.mark.parametrize("breakage", ["manifest", "missing document", "table csv"])
def test_a_reindex_that_fails_says_so_and_keeps_serving(live, breakage):
    client, knowledge = live
    saved = {p: p.read_bytes() for p in knowledge.rglob("*") if p.is_file()}
    break_it, named = BREAKAGE[breakage]
    break_it(knowledge)
    try:
        for force in ("false", "true"):
            r = client.post("/api/admin/reindex", params={"force": force}, headers=ADMIN, timeout=120)
            message = assert_error(r, 409, "knowledge_error")["message"]
            assert message.startswith("reindex failed") and named in message
            assert "the previous index (5 documents) is still serving" in message
            assert answers(client)
        health = client.get("/healthz").json()
        assert health["status"] == "degraded" and health["missing"] == ["current_knowledge"]
    finally:
        for path, data in saved.items():
            path.write_bytes(data)
    r = client.post("/api/admin/reindex", headers=ADMIN, timeout=120)
    assert r.status_code == 200 and client.get("/healthz").json()["status"] == "ok"


def test_an_upload_while_the_manifest_is_broken_is_a_clear_409(live):
    client, knowledge = live
    manifest = knowledge / "manifest.yaml"
    saved = manifest.read_bytes()
    manifest.write_text("documents: [unclosed\n", encoding="utf-8")
    before = snapshot(knowledge)
    try:
        r = client.post("/api/admin/documents", json={**DOC, "id": "hubei_while_broken"}, headers=ADMIN)
        message = assert_error(r, 409, "knowledge_error")["message"]
        assert "manifest.yaml" in message and "fix it before uploading" in message
        assert snapshot(knowledge) == before
    finally:
        manifest.write_bytes(saved)
    assert answers(client)
