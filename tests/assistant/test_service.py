"""Service.warm: what the first searching ask would load, loaded ahead of it."""

from __future__ import annotations

from assistant.config import Settings
from assistant.service import Service
from retrieval.index import KnowledgeIndex
from tests.conftest import AS_OF, KNOWLEDGE


def test_warm_builds_the_tokenizer_a_search_needs(tmp_path):
    data = tmp_path / "data"
    KnowledgeIndex.open(KNOWLEDGE, data)  # builds (and tokenises with) a tokenizer of its own
    index = KnowledgeIndex.open(KNOWLEDGE, data)  # a restart: the built index, a new tokenizer
    assert not index.stats["built"]
    tokenizer = index._current.searcher.lexical.tokenizer
    service = Service.build(Settings(data_dir=data, as_of=AS_OF), index=index)
    assert tokenizer._built is None  # a table answer never cuts text: nothing loaded at start
    service.warm()
    assert tokenizer._built is not None
