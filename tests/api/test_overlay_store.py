"""The overlay's versions in the shared store, the same tests on SQLite (WAL) and a real PostgreSQL server:
each change is the next version with who, when and the overlay before/after; a refused change leaves no
version; rollback is an undo stack and is itself a version; replicas writing at once get distinct versions."""

from __future__ import annotations

import json
import threading

import pytest

from assistant.errors import Conflict, InvalidOverlay, NotFound
from assistant.store import SqlStore

ALIAS = {"kind": "chain", "target": "集成电路产业链", "alias": "晶圆", "province": "湖北"}


@pytest.fixture
def store(store_url):
    s = SqlStore(store_url)
    yield s
    s.close()


def add(item: dict, field: str = "aliases", action: str = "alias"):
    """A change that appends `item` to one list of the overlay."""
    def change(_version, before):
        after = {"aliases": [], "examples": [], "curated": [], **before}
        after[field] = [*after[field], item]
        return action, f"+{item}", after
    return change


def test_an_empty_store_has_version_zero(store):
    assert store.overlay() == (0, {}) and store.overlay_version() == 0 and store.overlay_versions() == []


def test_a_change_is_the_next_version_with_who_when_and_before_after(store):
    first = store.change_overlay(add(ALIAS), "alice")
    second = store.change_overlay(add({"intent": "chain_leader", "question": "晶圆谁管"}, "examples", "example"), "bob")
    assert (first["version"], second["version"]) == (1, 2)
    version, overlay = store.overlay()
    assert version == 2 and overlay["aliases"] == [ALIAS] and overlay["examples"][0]["question"] == "晶圆谁管"
    newest, oldest = store.overlay_versions()
    assert (newest["key_name"], oldest["key_name"]) == ("bob", "alice")
    assert oldest["overlay_before"] == {} and oldest["overlay_after"]["aliases"] == [ALIAS]
    assert newest["overlay_before"] == oldest["overlay_after"] and isinstance(newest["created_at"], str)
    assert newest["restores"] is None


def test_a_refused_change_leaves_no_version(store):
    store.change_overlay(add(ALIAS), "alice")

    def refuse(_version, _before):
        raise InvalidOverlay("alias 'x': no chain 'y'")

    with pytest.raises(InvalidOverlay):
        store.change_overlay(refuse, "alice")
    assert store.overlay_version() == 1


def test_rollback_is_an_undo_stack_and_a_version_itself(store):
    a, b = {**ALIAS, "alias": "晶圆"}, {**ALIAS, "alias": "芯片制造"}
    store.change_overlay(add(a), "alice")  # 1: [a]
    store.change_overlay(add(b), "alice")  # 2: [a, b]
    undo = store.rollback_overlay("bob")  # 3: back to 1
    assert (undo["version"], undo["restores"], undo["key_name"]) == (3, 1, "bob")
    assert store.overlay()[1]["aliases"] == [a] and undo["overlay_before"]["aliases"] == [a, b]
    assert store.rollback_overlay("bob")["restores"] == 0  # 4: back to the empty overlay
    assert store.overlay() == (4, {})
    with pytest.raises(Conflict):
        store.rollback_overlay("bob")
    assert store.overlay_version() == 4


def test_rollback_to_a_given_version(store):
    for name in ("晶圆", "芯片制造", "集成电路制造"):
        store.change_overlay(add({**ALIAS, "alias": name}), "alice")
    row = store.rollback_overlay("alice", to=1)
    assert row["restores"] == 1 and [a["alias"] for a in store.overlay()[1]["aliases"]] == ["晶圆"]
    for bad in (4, 9):  # the current version itself, and one that does not exist
        with pytest.raises(NotFound):
            store.rollback_overlay("alice", to=bad)


def test_writers_at_once_get_distinct_versions(store_url):
    """Two replicas (here: threads with their own connections) changing at the same moment: nobody's change
    is lost, the versions are 1..n, each version's `before` is the previous one's `after`."""
    stores = [SqlStore(store_url) for _ in range(4)]
    errors: list[BaseException] = []

    def write(s: SqlStore, i: int) -> None:
        try:
            for j in range(3):
                s.change_overlay(add({**ALIAS, "alias": f"别名{i}{j}"}), f"key{i}")
        except BaseException as exc:  # collected: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert not errors, errors
        rows = stores[0].overlay_versions(100)[::-1]
        assert [r["version"] for r in rows] == list(range(1, 13))
        assert all(r["overlay_before"] == p["overlay_after"] for p, r in zip(rows, rows[1:], strict=False))
        assert len(stores[0].overlay()[1]["aliases"]) == 12
    finally:
        for s in stores:
            s.close()


def test_versions_survive_reopening(store_url):
    first = SqlStore(store_url)
    first.change_overlay(add(ALIAS), "alice")
    first.close()
    again = SqlStore(store_url)
    try:
        assert again.overlay() == (1, {"aliases": [ALIAS], "examples": [], "curated": []})
    finally:
        again.close()


def test_chainqa_overlay_show_and_versions(store_url, monkeypatch, capsys):
    from assistant.cli import main

    s = SqlStore(store_url)
    s.change_overlay(add(ALIAS), "alice")
    s.close()
    monkeypatch.setenv("CHAINQA_STORE_URL", store_url)
    assert main(["overlay", "show"]) == 0
    assert json.loads(capsys.readouterr().out) == {"version": 1, "overlay": {"aliases": [ALIAS], "examples": [],
                                                                            "curated": []}}
    assert main(["overlay", "versions"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["key_name"] == "alice"
