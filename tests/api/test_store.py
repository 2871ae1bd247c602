"""The feedback and question-log store, the same tests on SQLite (WAL) and on a real PostgreSQL server:
one transaction per write, reopens cleanly, personal data masked before storage, old rows purged,
text with lone surrogates stored instead of failing, an older database upgraded in place."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from assistant.answer import Answer, Citation
from assistant.store import SqlStore


@pytest.fixture
def store(store_url):
    s = SqlStore(store_url)
    yield s
    s.close()


def _answer(text: str, refused: bool = False) -> Answer:
    cite = Citation(doc_id="hubei_scheme", doc_title="湖北省制造业产业链链长制实施方案", section="附件", quote="曹广晶")
    return Answer(answer=text, refused=refused, citations=[] if refused else [cite], latency_ms=1.5)


def test_wal_mode_and_tables(tmp_path):
    s = SqlStore(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    s.close()
    with sqlite3.connect(tmp_path / "store.sqlite3") as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"feedback", "question_log"} <= names


def test_question_log(store):
    store.log_question("湖北芯片这条链谁是链长？", _answer("曹广晶"))
    row = store.questions(5)[0]
    assert row["question"] == "湖北芯片这条链谁是链长？" and row["answer"] == "曹广晶"
    assert row["citations"][0]["doc_id"] == "hubei_scheme" and row["latency_ms"] == 1.5
    assert row["refused"] is False and row["aborted"] is False and isinstance(row["created_at"], str)
    store.log_question("流式问题", _answer("一半"), aborted=True)
    assert store.questions(1)[0]["aborted"] is True


def test_long_engine_names_fit(store):
    engine = "offline (llm fallback: malformed tool arguments)"
    store.log_question("q", _answer("a").model_copy(update={"engine": engine}))
    assert store.questions(1)[0]["engine"] == engine


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
    from assistant.errors import UserInputError

    with pytest.raises(UserInputError):
        store.add_feedback("q", "a", 0)


def test_rows_survive_reopening(store_url):
    first = SqlStore(store_url)
    first.add_feedback("q", "a", 1)
    del first  # no close: as if the process had died after the commit
    again = SqlStore(store_url)
    assert again.feedback(5)[0]["question"] == "q"
    again.close()


def test_personal_data_is_masked_before_storage(store):
    question = "我是张三，手机13812345678，身份证42010619900101123X，邮箱 zhang.san@example.gov.cn，芯片链长是谁？"
    store.log_question(question, _answer("请拨 027-87654321 咨询"))
    store.add_feedback(question, "曹广晶", -1, "回电 +86 139 0000 1111")
    row, fb = store.questions(1)[0], store.feedback(1)[0]
    for text in (row["question"], row["answer"], fb["question"], fb["comment"]):
        assert not any(secret in text for secret in ("13812345678", "42010619900101123X", "zhang.san",
                                                      "87654321", "139 0000 1111")), text
    assert row["question"] == "我是张三，手机[手机号]，身份证[身份证号]，邮箱 [邮箱]，芯片链长是谁？"
    assert row["answer"] == "请拨 [电话] 咨询" and fb["comment"] == "回电 [手机号]"
    store.log_question("湖北16条链，鄂政办发〔2021〕23号，2021年", _answer("7个专班"))
    assert store.questions(1)[0]["question"] == "湖北16条链，鄂政办发〔2021〕23号，2021年"  # numbers of policy text stay


def test_lone_surrogates_are_stored_not_fatal(store):
    store.log_question("芯片\ud800链长", _answer("曹\udfff广晶"))
    row = store.questions(1)[0]
    assert row["question"] == "芯片\ufffd链长" and row["answer"] == "曹\ufffd广晶"


def test_retention_deletes_only_old_rows(store):
    store.log_question("新问题", _answer("新"))
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    with store.engine.begin() as conn:  # a row from 100 days ago, as if written then
        conn.execute(sa.insert(store._questions).values(question="旧问题", answer="旧", refused=False,
                                                        engine="offline", latency_ms=1.0, citations=[],
                                                        created_at=old, aborted=False))
    assert store.purge(dt.timedelta(days=90)) == 1
    assert [r["question"] for r in store.questions(10)] == ["新问题"]


def test_an_older_store_is_upgraded_in_place(store_url):
    if store_url.startswith("sqlite:///"):
        Path(store_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine, meta = sa.create_engine(store_url), sa.MetaData()
    old = sa.Table("question_log", meta,  # the question log as the previous release created it
                   sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                   sa.Column("question", sa.Text, nullable=False), sa.Column("answer", sa.Text, nullable=False),
                   sa.Column("refused", sa.Boolean, nullable=False), sa.Column("engine", sa.String(32), nullable=False),
                   sa.Column("latency_ms", sa.Float, nullable=False), sa.Column("citations", sa.JSON, nullable=False),
                   sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(old).values(question="q", answer="a", refused=False, engine="offline", latency_ms=1.0,
                                           citations=[], created_at=dt.datetime.now(dt.UTC)))
    engine.dispose()
    store = SqlStore(store_url)
    try:
        assert store.questions(5)[0]["aborted"] is False
        store.log_question("新", _answer("答"), aborted=True)
        assert store.questions(1)[0]["aborted"] is True
    finally:
        store.close()


def test_content_safety_hits_are_stored_listed_and_purged_with_the_log(store):
    from assistant.audit import Hit

    store.record_hits([Hit("question", "违法", "军火", "block", "买**，电话 13812345678", "req-1"),
                       Hit("document", "自定义", "某词", "flag", "……**……", subject="hubei_scheme")])
    newest, oldest = store.hits(10)
    assert (newest["where"], newest["subject"], newest["request_id"]) == ("document", "hubei_scheme", "")
    assert (oldest["term"], oldest["action"], oldest["request_id"]) == ("军火", "block", "req-1")
    assert "13812345678" not in oldest["excerpt"] and oldest["created_at"]  # personal data masked too
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE safety_audit SET created_at = :t WHERE term = '军火'"),
                     {"t": dt.datetime.now(dt.UTC) - dt.timedelta(days=91)})
    assert store.purge(dt.timedelta(days=90)) == 1
    assert [h["term"] for h in store.hits(10)] == ["某词"]
