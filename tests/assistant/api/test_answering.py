"""Offline asks answer on the event loop; one that needs a costly query embedding runs in the worker
pool, and while it is blocked there /healthz and table asks still answer (an event, not a timer)."""

from __future__ import annotations

import dataclasses
import threading

import httpx
import pytest

from assistant.config import Settings
from assistant.service import Service
from retrieval.embeddings import HashingEmbedding
from retrieval.query_vectors import QueryVectors
from tests.api.live import LiveServer, make_settings
from tests.conftest import AS_OF

FREE_TEXT = "东风岚图去年卖了多少辆车？"  # answered from passages: it needs a query embedding
TABLE = "湖北芯片这条链谁是链长？"


class GatedEmbedding(HashingEmbedding):
    """A costly embedding (as a model is) whose query vectors wait for `release`; it counts them."""

    costly = True

    def __init__(self) -> None:
        super().__init__()
        self.entered, self.release, self.calls = threading.Event(), threading.Event(), 0

    def embed_query(self, input):
        self.calls += 1
        self.entered.set()
        assert self.release.wait(60)
        return self(input)


class GatedIndex:
    """The session's index searched with another query embedding (the SearchIndex the service needs)."""

    def __init__(self, index, embedding) -> None:
        self.index = index
        self.searcher = dataclasses.replace(index._current.searcher, embed_query=QueryVectors(embedding))
        self.documents, self.tables, self.gazetteer = index.documents, index.tables, index.gazetteer
        self.fingerprint = index.fingerprint

    def search(self, query, k=5, province=None, doc_id=None, mode="hybrid"):
        return self.searcher.search(query, k, province, doc_id, mode)

    def section_at(self, doc_id, offset):
        return self.index.section_at(doc_id, offset)


@pytest.fixture
def gated(knowledge_index, tmp_path):
    from assistant.api.app import create_app

    embedding = GatedEmbedding()
    settings = make_settings(tmp_path, as_of=AS_OF, answer_cache_size=0)
    service = Service.build(Settings(data_dir=tmp_path, as_of=AS_OF, answer_cache_size=0),
                            index=GatedIndex(knowledge_index, embedding))
    with LiveServer(create_app(settings, service=service)) as url:
        yield url, embedding
    embedding.release.set()


def test_a_table_ask_needs_no_embedding(gated):
    url, embedding = gated
    r = httpx.post(f"{url}/api/chat", json={"question": TABLE}, timeout=30)
    assert r.status_code == 200 and "曹广晶" in r.json()["answer"]
    assert embedding.calls == 0


def test_healthz_and_table_asks_answer_while_an_ask_waits_for_its_embedding(gated):
    url, embedding = gated
    slow: dict = {}
    worker = threading.Thread(target=lambda: slow.update(
        r=httpx.post(f"{url}/api/chat", json={"question": FREE_TEXT}, timeout=60)))
    worker.start()
    assert embedding.entered.wait(30)  # the free-text ask is now blocked inside the worker pool
    assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
    assert httpx.post(f"{url}/api/chat", json={"question": TABLE}, timeout=10).status_code == 200
    assert httpx.get(f"{url}/api/tools/chain_leader", params={"chain": "芯片"}, timeout=10).status_code == 200
    assert "r" not in slow
    embedding.release.set()
    worker.join(60)
    assert slow["r"].status_code == 200 and slow["r"].json()["answer"]
    assert embedding.calls == 1  # deferred on the loop, computed once in the pool, then answered on the loop


def test_the_model_is_loaded_by_the_first_free_text_ask_not_by_a_table_ask(knowledge_index, tmp_path):
    from retrieval.e5 import E5Embedding

    e5 = E5Embedding(cache_dir=tmp_path / "cache")
    service = Service.build(Settings(data_dir=tmp_path, as_of=AS_OF, answer_cache_size=0),
                            index=GatedIndex(knowledge_index, e5))
    assert "曹广晶" in service.ask(TABLE).answer
    assert not e5.loaded  # the lazy handle: a table answer never touches the model
    service.ask(FREE_TEXT)
    assert e5.loaded
