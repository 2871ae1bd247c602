"""Content safety with the LLM engine against the scripted OpenAI-compatible server: a blocked question never
reaches the model, and a model that emits a blocked term is refused before any of its tokens reach the client."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.content_policy import REASON
from assistant.service import Service
from assistant.store import SqlStore
from tests.assistant.test_content_policy import CHIP
from tests.assistant.test_lexicon import FIXTURE
from tests.assistant.test_llm import CHIP_CALL, CHIP_TEXT
from tests.conftest import AS_OF
from tests.fakes.openai_server import ScriptedOpenAI, text


@pytest.fixture
def server():
    with ScriptedOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_service(server, knowledge_index, tmp_path):
    settings = Settings(_env_file=None, engine="llm", OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test",
                        llm_timeout_s=5.0, llm_max_retries=0, data_dir=tmp_path, as_of=AS_OF, lexicon_file=FIXTURE)
    store = SqlStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    yield Service.build(settings, index=knowledge_index, store=store)
    store.close()


def test_a_blocked_question_makes_no_model_call(llm_service, server):
    server.script(CHIP_CALL, text(CHIP_TEXT))
    assert llm_service.ask("军火" + CHIP).refusal_reason == REASON
    *deltas, final = llm_service.stream(CHIP, [])
    assert final.engine == "llm"  # the same service does reach the model with a clean question
    server.requests.clear()
    *deltas, final = llm_service.stream("哪里有 軍 火？" + CHIP, [])
    assert final.refusal_reason == REASON and deltas == [llm_service.safety.refusal]
    assert server.requests == []


def test_a_model_that_emits_a_blocked_term_is_refused_before_any_token_is_sent(llm_service, server):
    server.script(CHIP_CALL, text("军 火交易也由" + CHIP_TEXT))
    *deltas, final = llm_service.stream(CHIP, [], request_id="req-llm")
    assert deltas == [llm_service.safety.refusal]  # not one token of the model's text
    assert final.refused and final.refusal_reason == REASON and final.answer == llm_service.safety.refusal
    hits = [r for r in llm_service.store.hits(10) if r["request_id"] == "req-llm"]
    assert [(h["where"], h["term"]) for h in hits] == [("answer", "军火")]


def test_a_term_late_in_the_answer_is_never_sent(llm_service, server):
    server.script(CHIP_CALL, text(CHIP_TEXT + "另外可以代开发票。"))
    *deltas, final = llm_service.stream(CHIP, [])
    sent = "".join(deltas)
    assert "代开发票" not in sent and "代开发" not in sent and sent.startswith("湖北")
    assert final.refusal_reason == REASON


def test_the_non_streamed_llm_answer_is_checked_whole(llm_service, server):
    server.script(CHIP_CALL, text(CHIP_TEXT + "加微信了解。"))
    answer = llm_service.ask(CHIP)  # flag: answered (or fallen back), and the hit recorded
    assert answer.refusal_reason != REASON
    assert any(r["term"] == "加微信" for r in llm_service.store.hits(10))
