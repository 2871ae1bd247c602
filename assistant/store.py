"""Feedback and the question log, through SQLAlchemy: SQLite in WAL mode by default, any SQLAlchemy URL
(e.g. PostgreSQL) when a deployment sets `store_url`. Every write commits in its own transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Engine, make_url

from assistant.answer import Answer


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _schema() -> tuple[MetaData, Table, Table]:
    meta = MetaData()
    feedback = Table(
        "feedback", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("question", Text, nullable=False),
        Column("answer", Text, nullable=False),
        Column("rating", Integer, nullable=False),
        Column("comment", Text, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, default=_now),
    )
    questions = Table(
        "question_log", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("question", Text, nullable=False),
        Column("answer", Text, nullable=False),
        Column("refused", Boolean, nullable=False, default=False),
        Column("engine", String(32), nullable=False, default="offline"),
        Column("latency_ms", Float, nullable=False, default=0.0),
        Column("citations", JSON, nullable=False, default=list),
        Column("created_at", DateTime(timezone=True), nullable=False, default=_now),
    )
    return meta, feedback, questions


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a committed row survives a killed process (and a power cut)
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _row(mapping) -> dict[str, Any]:
    out = dict(mapping)
    created = out.get("created_at")
    if isinstance(created, dt.datetime):
        out["created_at"] = created.isoformat()
    return out


class Store:
    """Feedback (👍/👎 with an optional comment) and one log row per answered question."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self._meta, self._feedback, self._questions = _schema()
        self._meta.create_all(self.engine)

    def add_feedback(self, question: str, answer: str, rating: int, comment: str | None = None) -> int:
        if rating not in (1, -1):
            raise ValueError("rating must be 1 or -1")
        with self.engine.begin() as conn:
            result = conn.execute(insert(self._feedback).values(
                question=question, answer=answer, rating=rating, comment=comment, created_at=_now()))
            return int(result.inserted_primary_key[0])

    def log_question(self, question: str, answer: Answer) -> int:
        citations = [c.model_dump(include={"doc_id", "doc_title", "section", "quote"}) for c in answer.citations]
        with self.engine.begin() as conn:
            result = conn.execute(insert(self._questions).values(
                question=question, answer=answer.answer, refused=answer.refused, engine=answer.engine,
                latency_ms=float(answer.latency_ms), citations=citations, created_at=_now()))
            return int(result.inserted_primary_key[0])

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]:
        f = self._feedback
        query = select(f).order_by(f.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def questions(self, limit: int = 100) -> list[dict[str, Any]]:
        q = self._questions
        query = select(q).order_by(q.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def unanswered(self, limit: int = 100) -> list[dict[str, Any]]:
        """Refused questions and 👎-rated answers, newest first: what the knowledge maintainers should look at."""
        q, f = self._questions, self._feedback
        refused = select(q.c.question, q.c.answer, q.c.created_at, literal("refused").label("reason"),
                         null().label("comment")).where(q.c.refused.is_(True))
        disliked = select(f.c.question, f.c.answer, f.c.created_at, literal("thumbs_down").label("reason"),
                          f.c.comment).where(f.c.rating == -1)
        both = union_all(refused, disliked).subquery()
        query = select(both).order_by(both.c.created_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def close(self) -> None:
        self.engine.dispose()
