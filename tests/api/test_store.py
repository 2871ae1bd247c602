"""The feedback and question-log store: SQLite in WAL mode, one transaction per write, reopens cleanly."""

from __future__ import annotations

import sqlite3

import pytest

from assistant.answer import Answer, Citation
from assistant.store import SqlStore


@pytest.fixture
def store(tmp_path):
    s = SqlStore(f"sqlite:///{tmp_path / 'sub' / 'store.sqlite3'}")
    yield s
    s.close()


def _answer(text: str, refused: bool = False) -> Answer:
    cite = Citation(doc_id="hubei_scheme", doc_title="湖北省制造业产业链链长制实施方案", section="附件", quote="曹广晶")
    return Answer(answer=text, refused=refused, citations=[] if refused else [cite], latency_ms=1.5)


def test_wal_mode_and_tables(store, tmp_path):
    with sqlite3.connect(tmp_path / "sub" / "store.sqlite3") as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"feedback", "question_log"} <= names


def test_question_log(store):
    store.log_question("湖北芯片这条链谁是链长？", _answer("曹广晶"))
    row = store.questions(5)[0]
    assert row["question"] == "湖北芯片这条链谁是链长？" and row["answer"] == "曹广晶"
    assert row["citations"][0]["doc_id"] == "hubei_scheme" and row["latency_ms"] == 1.5
    assert row["refused"] is False and isinstance(row["created_at"], str)


def test_unanswered_lists_refusals_and_thumbs_down(store):
    store.log_question("广东的链长是谁？", _answer("知识库没有广东的资料", refused=True))
    store.log_question("湖北芯片这条链谁是链长？", _answer("曹广晶"))
    store.add_feedback("湖北汽车链长？", "李乐成", -1, "缺职务")
    store.add_feedback("湖北芯片链长？", "曹广晶", 1)
    rows = store.unanswered(10)
    assert {(r["question"], r["reason"]) for r in rows} == {("广东的链长是谁？", "refused"),
                                                           ("湖北汽车链长？", "thumbs_down")}
    assert [r["rating"] for r in store.feedback(10)] == [1, -1]


def test_rating_must_be_plus_or_minus_one(store):
    with pytest.raises(ValueError):
        store.add_feedback("q", "a", 0)


def test_rows_survive_reopening(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    first = SqlStore(url)
    first.add_feedback("q", "a", 1)
    del first  # no close: as if the process had died after the commit
    again = SqlStore(url)
    assert again.feedback(5)[0]["question"] == "q"
    again.close()
