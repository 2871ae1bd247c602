"""Feedback, the question log and the operators' overlay versions, through SQLAlchemy: SQLite in WAL mode by
default, PostgreSQL (or any SQLAlchemy URL) when a deployment sets `store_url`, e.g.
`postgresql+psycopg://user:pw@host/chainqa`. Every write commits in its own transaction. The log is personal
data: phone numbers, ID numbers and e-mail addresses are masked before storage (assistant/privacy.py) and
`purge` deletes old rows. The overlay (retrieval/overlay.py, as JSON) is kept whole in every version, so
every replica reads the newest one in one query and a rollback is another version."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
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
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from assistant import audit
from assistant.answer import Answer
from assistant.errors import Conflict, NotFound, UserInputError
from assistant.privacy import mask


class Store(Protocol):
    """What the service and the API need from the feedback and question-log store."""

    def add_feedback(self, question: str, answer: str, rating: int, comment: str | None = None) -> int: ...

    def log_question(self, question: str, answer: Answer, *, aborted: bool = False) -> int: ...

    def feedback(self, limit: int = 100) -> list[dict[str, Any]]: ...

    def questions(self, limit: int = 100) -> list[dict[str, Any]]: ...

    def unanswered(self, limit: int = 100) -> list[dict[str, Any]]: ...

    def purge(self, older_than: dt.timedelta) -> int: ...

    def record_hits(self, hits: list[audit.Hit]) -> None: ...

    def hits(self, limit: int = 500) -> list[dict[str, Any]]: ...

    def overlay(self) -> tuple[int, dict[str, Any]]: ...

    def overlay_version(self) -> int: ...

    def overlay_versions(self, limit: int = 50) -> list[dict[str, Any]]: ...

    def change_overlay(self, change: Change, key_name: str) -> dict[str, Any]: ...

    def rollback_overlay(self, key_name: str, to: int | None = None) -> dict[str, Any]: ...

    def close(self) -> None: ...


# (version, overlay before) → (action, summary, overlay after); raises to refuse the change
Change = Callable[[int, dict[str, Any]], tuple[str, str, dict[str, Any]]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _schema() -> tuple[MetaData, Table, Table, Table]:
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
    overlays = Table(
        "overlay_version", meta,
        # not autoincrement: two replicas writing at once both try version n+1, one loses and retries
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("action", String(40), nullable=False),  # alias | example | curated | rollback
        Column("summary", Text, nullable=False),
        Column("key_name", String(80), nullable=False),  # which named admin key made it
        Column("created_at", DateTime(timezone=True), nullable=False, default=_now),
        Column("overlay_before", JSON, nullable=False),
        Column("overlay_after", JSON, nullable=False),
        Column("restores", Integer, nullable=True),  # a rollback: the version whose overlay it brought back
    )
    return meta, feedback, questions, overlays


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


def _question_row(question: str, answer: Answer, aborted: bool) -> dict[str, Any]:
    citations = [c.model_dump(include={"doc_id", "doc_title", "section", "quote"}) for c in answer.citations]
    return {"question": mask(question), "answer": mask(answer.answer), "refused": answer.refused,
            "engine": answer.engine[:80], "latency_ms": float(answer.latency_ms), "citations": citations,
            "created_at": _now(), "aborted": aborted}


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
        self._meta, self._feedback, self._questions, self._overlays = _schema()
        self._audit = audit.table(self._meta)
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
        with self.engine.begin() as conn:
            return _key(conn.execute(insert(self._questions).values(_question_row(question, answer, aborted))))

    def log_questions(self, rows: list[tuple[str, Answer, bool]]) -> None:
        """Several (question, answer, aborted) rows in one transaction (one fsync)."""
        with self.engine.begin() as conn:
            conn.execute(insert(self._questions), [_question_row(*row) for row in rows])

    def purge(self, older_than: dt.timedelta) -> int:
        """Delete question-log rows (and content-safety audit rows) older than `older_than`; returns how many."""
        q, before = self._questions, _now() - older_than
        with self.engine.begin() as conn:
            gone = int(conn.execute(delete(q).where(q.c.created_at < before)).rowcount or 0)
        return gone + audit.purge(self.engine, self._audit, before)

    def record_hits(self, hits: list[audit.Hit]) -> None:
        audit.record(self.engine, self._audit, hits)

    def hits(self, limit: int = 500) -> list[dict[str, Any]]:
        """Content-safety audit rows, newest first."""
        return audit.rows(self.engine, self._audit, limit)

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

    def overlay(self) -> tuple[int, dict[str, Any]]:
        """The newest overlay version and its overlay ((0, {}) before the first change)."""
        t = self._overlays
        with self.engine.connect() as conn:
            row = conn.execute(select(t.c.version, t.c.overlay_after).order_by(t.c.version.desc()).limit(1)).first()
        return (int(row[0]), dict(row[1])) if row else (0, {})

    def overlay_version(self) -> int:
        """The newest version number (what every replica polls: one indexed query)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.max(self._overlays.c.version))).scalar() or 0)

    def overlay_versions(self, limit: int = 50) -> list[dict[str, Any]]:
        t = self._overlays
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(t).order_by(t.c.version.desc()).limit(limit)).mappings()]

    def change_overlay(self, change: Change, key_name: str) -> dict[str, Any]:
        """Append the next version: `change` gets the newest overlay and returns what replaces it."""
        return self._append(lambda _conn, version, before: (*change(version, before), None), key_name)

    def rollback_overlay(self, key_name: str, to: int | None = None) -> dict[str, Any]:
        """Append a version restoring `to`, or by default the overlay before the newest change (a second
        rollback then undoes the change before that, as an undo stack; version 0 is the empty overlay)."""
        t = self._overlays

        def restore(conn: Connection, version: int, _before: dict) -> tuple[str, str, dict, int]:
            target = _parent(dict(conn.execute(select(t.c.version, t.c.restores)).all()), version) if to is None \
                else to
            if target is None:
                raise Conflict("there is no earlier overlay version to roll back to")
            if not 0 <= target < version:
                raise NotFound(f"no overlay version {target} before the current one ({version})")
            after: dict[str, Any] = {} if target == 0 else \
                conn.execute(select(t.c.overlay_after).where(t.c.version == target)).scalar_one()
            return "rollback", f"回滚到版本 {target}", dict(after), target

        return self._append(restore, key_name)

    def _append(self, make, key_name: str, tries: int = 6) -> dict[str, Any]:
        t = self._overlays
        for attempt in range(tries):
            try:
                with self.engine.begin() as conn:
                    latest = conn.execute(select(t.c.version, t.c.overlay_after)
                                          .order_by(t.c.version.desc()).limit(1)).first()
                    version, before = (int(latest[0]), dict(latest[1])) if latest else (0, {})
                    action, summary, after, restores = make(conn, version, before)
                    row = {"version": version + 1, "action": action, "summary": summary, "key_name": key_name[:80],
                           "created_at": _now(), "overlay_before": before, "overlay_after": after,
                           "restores": restores}
                    conn.execute(insert(t).values(**row))
                return _row(row)
            except (IntegrityError, OperationalError) as exc:  # another replica took this version: read again
                if attempt == tries - 1:
                    if isinstance(exc, IntegrityError):
                        raise Conflict("the overlay was changed at the same moment elsewhere; try again") from None
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


def _parent(restores: dict[int, int | None], version: int) -> int | None:
    """The version a rollback from `version` returns to: the one before the change it shows, following
    rollbacks back to what they restored."""
    while restores.get(version) is not None:
        version = restores[version]  # type: ignore[assignment]
    return version - 1 if version > 0 else None
