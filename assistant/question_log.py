"""The question log written behind the answers: `QueuedLog` is a Store whose `log_question` only queues
the row; one writer thread inserts what has queued up in one transaction. An answer never waits for
the log's fsync (it was half of the server's time under load), and a burst costs one commit, not one
per request. Reads of the log wait until every queued row is written, so what was answered is seen.
The writer lingers `linger_s` (50 ms) after the first row of a burst, so a burst costs one commit and
the request path does not wake it per row. A crash loses the rows still queued (that long's worth);
feedback is still written before its 201."""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from typing import Any

from assistant import audit
from assistant.answer import Answer
from assistant.store import Change, SqlStore

log = logging.getLogger("chainqa.store")
_STOP = None


class QueuedLog:
    """`store` with its question log written by a background thread (at most `batch` rows a commit).
    When `max_pending` rows wait already, the caller writes its own row (back-pressure, never a loss)."""

    def __init__(self, store: SqlStore, batch: int = 256, max_pending: int = 10_000, linger_s: float = 0.05) -> None:
        self.store, self.batch, self.linger_s = store, batch, linger_s
        self._queue: queue.Queue[tuple[str, Answer, bool] | None] = queue.Queue(max_pending)
        self._writer = threading.Thread(target=self._write_forever, name="chainqa-question-log", daemon=True)
        self._writer.start()

    def log_question(self, question: str, answer: Answer, *, aborted: bool = False) -> int:
        """Queues the row; the id is not known yet (-1)."""
        try:
            self._queue.put_nowait((question, answer.model_copy(), aborted))
        except queue.Full:
            return self.store.log_question(question, answer, aborted=aborted)
        return -1

    def flush(self) -> None:
        """Wait until every row queued so far is written."""
        self._queue.join()

    def _write_forever(self) -> None:
        while True:
            rows = [self._queue.get()]
            if rows[0] is not _STOP:  # let a burst queue up: one commit for it, and no wake-up per row
                time.sleep(self.linger_s)
            while len(rows) < self.batch and rows[-1] is not _STOP:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = rows[-1] is _STOP
            self._write([r for r in rows if r is not None])
            for _ in rows:
                self._queue.task_done()
            if stop:
                return

    def _write(self, rows: list[tuple[str, Answer, bool]]) -> None:
        if not rows:
            return
        try:
            self.store.log_questions(rows)
        except Exception:  # the answers matter more than their log lines
            log.exception("could not log %d questions", len(rows))

    # --- the rest of the Store: reads of the log see every queued row -------------------------------

    def questions(self, limit: int = 100) -> list[dict[str, Any]]:
        self.flush()
        return self.store.questions(limit)

    def unanswered(self, limit: int = 100) -> list[dict[str, Any]]:
        self.flush()
        return self.store.unanswered(limit)

    def purge(self, older_than: dt.timedelta) -> int:
        self.flush()
        return self.store.purge(older_than)

    def add_feedback(self, question: str, answer: str, rating: int, comment: str | None = None) -> int:
        return self.store.add_feedback(question, answer, rating, comment)

    def record_hits(self, hits: list[audit.Hit]) -> None:
        self.store.record_hits(hits)

    def hits(self, limit: int = 500) -> list[dict[str, Any]]:
        return self.store.hits(limit)

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        return self.store.feedback(limit)

    def overlay(self) -> tuple[int, dict[str, Any]]:
        return self.store.overlay()

    def overlay_version(self) -> int:
        return self.store.overlay_version()

    def overlay_versions(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.store.overlay_versions(limit)

    def change_overlay(self, change: Change, key_name: str) -> dict[str, Any]:
        return self.store.change_overlay(change, key_name)

    def rollback_overlay(self, key_name: str, to: int | None = None) -> dict[str, Any]:
        return self.store.rollback_overlay(key_name, to)

    def close(self) -> None:
        """Write what is queued, stop the writer, close the store."""
        if self._writer.is_alive():
            self._queue.put(_STOP)
            self._writer.join()
        self.store.close()
