"""The answer cache: an ask without history is answered once per index; history bypasses it; a new
Service (what a reindex or an overlay change builds) or another index fingerprint starts empty."""

from __future__ import annotations

from assistant.answer import Turn
from assistant.config import Settings
from assistant.service import Service
from tests.conftest import AS_OF

QUESTION = "湖北芯片这条链谁是链长？"


class Reindexed:
    """The session's index under another fingerprint (as after a replica rebuilt it)."""

    def __init__(self, index) -> None:
        self.index, self.fingerprint = index, index.fingerprint
        self.documents, self.tables, self.gazetteer = index.documents, index.tables, index.gazetteer
        self.search, self.section_at = index.search, index.section_at


def _service(tmp_path, index, size: int = 16) -> Service:
    return Service.build(Settings(data_dir=tmp_path, as_of=AS_OF, answer_cache_size=size), index=index)


def test_a_repeated_ask_is_served_from_the_cache_with_the_same_answer(tmp_path, knowledge_index):
    service = _service(tmp_path, knowledge_index)
    first, second = service.ask(QUESTION), service.ask(QUESTION)
    assert service.answers is not None and service.answers.hits == 1
    assert second.model_dump(exclude={"latency_ms"}) == first.model_dump(exclude={"latency_ms"})
    second.answer = "changed by a caller"
    assert service.ask(QUESTION).answer == first.answer  # callers get copies


def test_asks_with_history_are_not_cached(tmp_path, knowledge_index):
    service = _service(tmp_path, knowledge_index)
    history = [Turn(role="user", content="湖北汽车产业链的链长是谁？"), Turn(role="assistant", content="…")]
    service.ask(QUESTION, history)
    service.ask(QUESTION, history)
    assert service.answers is not None and service.answers.hits == 0 and len(service.answers) == 0


def test_a_reindex_empties_the_cache(tmp_path, knowledge_index):
    index = Reindexed(knowledge_index)
    service = _service(tmp_path, index)
    service.ask(QUESTION)
    index.fingerprint = "another snapshot"
    service.ask(QUESTION)
    assert service.answers is not None and service.answers.hits == 0
    rebuilt = _service(tmp_path, index)  # what rebuild_service does after a reindex or an overlay change
    rebuilt.ask(QUESTION)
    assert rebuilt.answers is not None and rebuilt.answers.hits == 0


def test_size_zero_turns_it_off(tmp_path, knowledge_index):
    assert _service(tmp_path, knowledge_index, size=0).answers is None
