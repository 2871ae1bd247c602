"""The queued question log: rows are written behind the answers, in batches, and every read of the log
sees what was queued before it; close() writes what is left."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.question_log import QueuedLog
from assistant.store import SqlStore


def test_reads_see_every_queued_row(tmp_path):
    log = QueuedLog(SqlStore(f"sqlite:///{tmp_path / 'log.sqlite3'}"))
    try:
        for n in range(50):
            log.log_question(f"问题{n}", Answer(answer=f"答{n}"), aborted=n == 49)
        rows = log.questions(100)
        assert [r["question"] for r in rows] == [f"问题{n}" for n in reversed(range(50))]
        assert rows[0]["aborted"] is True
    finally:
        log.close()


def test_close_writes_what_is_queued(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    log = QueuedLog(SqlStore(url))
    log.log_question("最后一问", Answer(answer="答"))
    log.close()
    store = SqlStore(url)
    assert store.questions(1)[0]["question"] == "最后一问"
    store.close()
