"""Feedback and the question log, through SQLAlchemy: SQLite in WAL mode by default, PostgreSQL (or any
SQLAlchemy URL) when a deployment sets `store_url`, e.g. `postgresql+psycopg://user:pw@host/chainqa`.
Every write commits in its own transaction. The log is personal data: phone numbers, ID numbers and
e-mail addresses are masked before storage (assistant/privacy.py) and `purge` deletes old rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Protocol

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
    delete,
    event,
    false,
    insert,
    inspect,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from assistant.answer import Answer
from assistant.errors import UserInputError
from assistant.privacy import mask


class Store(Protocol):
    """What the service and the API need from the feedback and question-log store."""

    def add_feedback(self, question: str, answer: str, rating: int, comment: str | None = None) -> int: ...

    def log_question(self, question: str, answer: Answer, *, aborted: bool = False) -> int: ...

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]: ...

    def questions(self, limit: int = 100) -> list[dict[str, Any]]: ...

    def unanswered(self, limit: int = 100) -> list[dict[str, Any]]: ...

    def purge(self, older_than: dt.timedelta) -> int: ...

    def close(self) -> None: ...


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
        Column("engine", String(80), nullable=False, default="offline"),  # "offline (llm fallback: …)"
        Column("latency_ms", Float, nullable=False, default=0.0),
        Column("citations", JSON, nullable=False, default=list),
        Column("created_at", DateTime(timezone=True), nullable=False, default=_now, index=True),
        # the client went away before the answer was complete (a stream aborted): logged all the same
        Column("aborted", Boolean, nullable=False, default=False, server_default=false()),
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


def _create(engine: Engine, meta: MetaData, tries: int = 3) -> None:
    """Create the tables, then add columns a newer version defined (a store from an older release).
    Two replicas starting at once may race on CREATE TABLE: the loser retries and finds them."""
    for attempt in range(tries):
        try:
            meta.create_all(engine)
            _add_missing_columns(engine, meta)
            return
        except SQLAlchemyError:
            if attempt == tries - 1:
                raise


def _add_missing_columns(engine: Engine, meta: MetaData) -> None:
    have = inspect(engine)
    for table in meta.sorted_tables:
        existing = {c["name"] for c in have.get_columns(table.name)}
        for column in table.columns:
            if column.name in existing or column.server_default is None:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = column.server_default.arg.compile(dialect=engine.dialect)  # type: ignore[attr-defined]
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind} "
                                  f"NOT NULL DEFAULT {default}"))


def _key(result) -> int:
    """The id of the row an INSERT added."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])


class SqlStore:
    """Feedback (👍/👎 with an optional comment) and one log row per answered question."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self._meta, self._feedback, self._questions = _schema()
        _create(self.engine, self._meta)

    def add_feedback(self, question: str, answer: str, rating: int, comment: str | None = None) -> int:
        if rating not in (1, -1):
            raise UserInputError("rating must be 1 or -1")
        with self.engine.begin() as conn:
            result = conn.execute(insert(self._feedback).values(
                question=mask(question), answer=mask(answer), rating=rating, comment=mask(comment),
                created_at=_now()))
            return _key(result)

    def log_question(self, question: str, answer: Answer, *, aborted: bool = False) -> int:
        citations = [c.model_dump(include={"doc_id", "doc_title", "section", "quote"}) for c in answer.citations]
        with self.engine.begin() as conn:
            result = conn.execute(insert(self._questions).values(
                question=mask(question), answer=mask(answer.answer), refused=answer.refused,
                engine=answer.engine[:80], latency_ms=float(answer.latency_ms), citations=citations,
                created_at=_now(), aborted=aborted))
            return _key(result)

    def purge(self, older_than: dt.timedelta) -> int:
        """Delete question-log rows older than `older_than`; returns how many."""
        q = self._questions
        with self.engine.begin() as conn:
            return int(conn.execute(delete(q).where(q.c.created_at < _now() - older_than)).rowcount or 0)

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
