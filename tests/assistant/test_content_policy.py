"""Content safety at the service's one seam (both engines pass it): blocked questions and history turns are
refused with `content_policy` before any retrieval, masked terms are masked in the question log, allow-listed
policy phrases are answered, answers are checked, the streaming gate releases only checked text, documents
with a hit are held out of search, and every hit is in the audit log (a real SQLite store)."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Turn
from assistant.config import Settings
from assistant.content_policy import REASON, ContentPolicy, fingerprint
from assistant.lexicon import Lexicon, Term, load
from assistant.service import Service
from assistant.store import SqlStore
from retrieval.overlay import Overlay
from tests.assistant.test_lexicon import FIXTURE
from tests.conftest import AS_OF

CHIP = "湖北芯片这条链谁是链长？"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = SqlStore(f"sqlite:///{tmp_path_factory.mktemp('safety') / 'store.sqlite3'}")
    yield store
    store.close()


@pytest.fixture(scope="module")
def safe(tmp_path_factory, knowledge_index, store):
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("data"), as_of=AS_OF, lexicon_file=FIXTURE)
    return Service.build(settings, index=knowledge_index, store=store)


class _Counting:
    """The index, counting searches: a blocked question must not reach retrieval."""

    def __init__(self, index) -> None:
        self.index, self.searches = index, 0

    def search(self, *args, **kwargs):
        self.searches += 1
        return self.index.search(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.index, name)


@pytest.mark.parametrize("question", ["哪里能买到军火？", "哪里能买到 军 . 火？", "哪里能买到軍火？", "哪里能买到軍，火",
                                      "代 開 發 票怎么办", "ＡＢ代开发票"])
def test_a_blocked_term_in_the_question_is_refused_with_content_policy(safe, question):
    answer = safe.ask(question)
    assert answer.refused and answer.refusal_reason == REASON and answer.answer == safe.safety.refusal
    assert answer.generated and answer.citations == []


def test_a_blocked_question_reaches_no_retrieval(tmp_path, knowledge_index):
    counting = _Counting(knowledge_index)
    service = Service.build(Settings(_env_file=None, data_dir=tmp_path, as_of=AS_OF, lexicon_file=FIXTURE),
                            index=counting)
    service.ask(CHIP)
    before = counting.searches
    assert service.ask("军火" + CHIP).refusal_reason == REASON
    assert [*service.stream("军火" + CHIP)][-1].refusal_reason == REASON
    assert counting.searches == before


def test_a_blocked_term_in_a_history_turn_is_refused(safe):
    history = [Turn(role="user", content="怎么买 军火"), Turn(role="assistant", content="……")]
    assert safe.ask(CHIP, history).refusal_reason == REASON
    *deltas, final = safe.stream(CHIP, history)
    assert final.refusal_reason == REASON and "".join(deltas) == safe.safety.refusal


@pytest.mark.parametrize("question", ["湖北推进军民融合发展有哪些举措？", CHIP, "湖南产业链链长制的工作机制是什么？"])
def test_allow_listed_policy_phrases_are_answered(safe, question):
    assert safe.ask(question).refusal_reason != REASON


def test_a_masked_term_is_answered_and_masked_in_the_log(safe, store):
    answer = safe.ask("傻逼问题：" + CHIP)
    assert answer.refusal_reason != REASON
    logged = store.questions(5)[0]["question"]
    assert "傻逼" not in logged and logged.startswith("**问题")


def test_every_hit_is_in_the_audit_log(safe, store):
    safe.ask("哪里能买到军火？", request_id="req-audit-1")
    safe.ask(CHIP, [Turn(role="user", content="毒品 交易")], request_id="req-audit-2")
    rows = {r["request_id"]: r for r in store.hits(50)}
    first, second = rows["req-audit-1"], rows["req-audit-2"]
    assert (first["where"], first["term"], first["category"], first["action"]) == ("question", "军火", "违法", "block")
    assert "军火" not in first["excerpt"] and "**" in first["excerpt"] and first["created_at"]
    assert (second["where"], second["term"]) == ("history", "毒品交易")


def test_a_blocked_term_in_an_answer_replaces_it_by_the_refusal(safe, store):
    answer = Answer(answer="关于军火的回答", engine="offline")
    shown = safe.safety.answer(answer, request_id="req-answer")
    assert shown.refused and shown.refusal_reason == REASON and shown.engine == "offline"
    masked = safe.safety.answer(Answer(answer="你这傻逼"), "req-answer")
    assert masked.answer == "你这**" and not masked.refused
    assert {r["where"] for r in store.hits(10) if r["request_id"] == "req-answer"} == {"answer"}


def _streamed(policy: ContentPolicy, deltas: list[str]) -> tuple[str, bool]:
    gate, out = policy.gate(), []
    for d in deltas:
        out.append(gate.feed(d))
        if gate.blocked:
            break
    out.append(gate.finish())
    return "".join(out), gate.blocked


GATED = ContentPolicy(Lexicon(terms=[Term(term="军火"), Term(term="傻逼", action="mask"), Term(term="军民")],
                              allow=["军民融合发展"]), "refused")


def test_the_gate_releases_text_only_once_no_term_can_complete_it():
    gate = GATED.gate()
    assert gate.feed("湖北的") == "湖北" and gate.feed("军") == "的"
    assert gate.feed(" 火") == "" and gate.blocked and gate.finish() == ""


@pytest.mark.parametrize("deltas, shown, blocked", [
    (["推进军", "民融", "合发展"], "推进军民融合发展", False),  # the allow-listed phrase completes later
    (["推进军", "民融", "合"], "推进", True),  # … or does not
    (["你这傻", "逼，好"], "你这**，好", False),
    (["一", "切", "正常"], "一切正常", False),
])
def test_the_gate_waits_for_allow_listed_phrases_and_masks(deltas, shown, blocked):
    assert _streamed(GATED, deltas) == (shown, blocked)


def test_a_document_with_a_hit_is_held_out_of_search_until_approved(tmp_path, knowledge_index, store):
    doc_id = "hubei_scheme"
    text = knowledge_index.documents[doc_id].text
    term = text[200:206].strip()  # a phrase of the document as a term: the document must be held
    lexicon = Lexicon(terms=[Term(term=term, category="自定义")]).model_dump()
    settings = Settings(_env_file=None, data_dir=tmp_path, as_of=AS_OF)
    held = Service.build(settings, index=knowledge_index, store=store, overlay=Overlay(lexicon=lexicon))
    assert doc_id in held.held
    assert all(h.chunk.doc_id != doc_id for h in held.offline.search("湖北芯片 链长", k=20))
    approved = Overlay(lexicon=lexicon, approved={doc_id: fingerprint(text)})
    again = Service.build(settings, index=knowledge_index, store=store, overlay=approved)
    assert doc_id not in again.held
    assert any(h.chunk.doc_id == doc_id for h in again.offline.search("湖北芯片 链长", k=20))


def test_the_fixture_holds_no_knowledge_document(safe):
    assert safe.held == {} and load(FIXTURE).terms
