"""The vectors of the index in service are checked after start, not before (issue 17: ready ≤ 2 s).

Loading an index opens no vector store (no chromadb import); until the warm-up (or the first search that
needs vectors) has checked that the collection holds every vector, /healthz is 200 `degraded` with
`vector_store` missing and a search answers from BM25 alone; then `ok`, and searches are hybrid again,
the same as an index checked at load. Vectors that are missing are rebuilt, not a permanent outage."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import json
import subprocess
import sys
import threading

from assistant.api import routes_health
from assistant.api.app import create_app
from assistant.service import Service
from retrieval.index import KnowledgeIndex
from tests.api.live import ROOT, make_settings
from tests.reliability import test_self_healing as healing
from tests.reliability.test_self_healing import answers, fresh, served_snapshot, serving

built = healing.built  # the module's complete index of knowledge/, copied by every test

FREE_TEXT = "产业链链长的主要职责是什么"


def _open(knowledge, data) -> KnowledgeIndex:
    return KnowledgeIndex.open(knowledge, data, embedding=make_settings(data).embedding)


def _ids(hits) -> list[str]:
    return [h.chunk.id for h in hits]


def test_loading_and_a_table_answer_import_no_chromadb(built, tmp_path):
    knowledge, data = fresh(built, tmp_path)
    script = f"""
import json, sys
from assistant.config import Settings
from assistant.service import Service
service = Service.build(Settings(data_dir={str(data)!r}, knowledge_dir={str(knowledge)!r}, engine="offline"))
table = service.ask("湖北芯片这条链谁是链长？").answer
before = "chromadb" in sys.modules, service.index.vector_problem is None
hits = service.index.search({FREE_TEXT!r}, k=3)
print(json.dumps([before, "chromadb" in sys.modules, service.index.vector_problem is None, table]))
"""
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    (loaded, unchecked), imported, checked, table = json.loads(out.stdout.strip().splitlines()[-1])
    assert (loaded, unchecked) == (False, False) and "曹广晶" in table
    assert imported and checked  # the first hybrid search opened and checked the vectors itself


def test_search_before_the_check_is_bm25_and_hybrid_after(built, tmp_path):
    knowledge, data = fresh(built, tmp_path)
    index = _open(knowledge, data)
    vectors = index._current.searcher.vectors
    lexical = _ids(index.search(FREE_TEXT, k=5, mode="lexical"))
    checking, release = threading.Event(), threading.Event()

    def hold() -> None:  # the lock the warm-up's check holds while it runs
        with vectors._lock:
            checking.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    checking.wait(30)
    try:
        assert index.vector_problem and _ids(index.search(FREE_TEXT, k=5)) == lexical
    finally:
        release.set()
        holder.join()
    assert index.verify_vectors() and index.vector_problem is None
    eager = KnowledgeIndex.open(knowledge, data, embedding=make_settings(data).embedding)
    eager.verify_vectors()
    assert _ids(index.search(FREE_TEXT, k=5)) == _ids(eager.search(FREE_TEXT, k=5)) != lexical


def _health(state) -> tuple[int, dict]:
    """`/healthz`'s report, on an event loop of its own (a test run may have one running on this thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(routes_health.report(state))).result()


def test_healthz_is_degraded_until_the_vectors_are_checked(built, tmp_path):
    knowledge, data = fresh(built, tmp_path)
    settings = make_settings(data, knowledge_dir=knowledge)
    app = create_app(settings)
    state = app.state.chainqa
    state.service = Service.build(settings, index=_open(knowledge, data))
    status, body = _health(state)
    assert status == 200 and body["status"] == "degraded" and body["missing"] == ["vector_store"]
    assert "keyword search answers" in body["reasons"]["vector_store"]
    state.service.warm()
    status, body = _health(state)
    assert status == 200 and body["status"] == "ok", body


def test_missing_vectors_are_rebuilt_by_the_warm_up(built, tmp_path):
    knowledge, data = fresh(built, tmp_path)
    index = _open(knowledge, data)
    index.verify_vectors()
    expected = _ids(index.search(FREE_TEXT, k=5))
    before = served_snapshot(data).name
    collection = index.store.get(index.vector_collection, None)
    collection.delete(ids=collection.get(include=[], limit=20)["ids"])  # a store that lost some vectors
    del index, collection
    with serving(knowledge, data) as client:  # the server waits for the warm-up to have run
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok", health.text
        assert answers(client)
    assert served_snapshot(data).name != before  # rebuilt, with every vector
    healed = _open(knowledge, data)
    assert healed.verify_vectors() and _ids(healed.search(FREE_TEXT, k=5)) == expected


def test_serve_starts_without_the_cyclic_collector_and_the_warm_up_restores_it(built, tmp_path):
    knowledge, data = fresh(built, tmp_path)
    gc.disable()  # as `chainqa serve` starts
    try:
        with serving(knowledge, data) as client:  # returns once the warm-up has run
            assert gc.isenabled() and client.get("/healthz").json()["status"] == "ok"
    finally:
        gc.enable()
