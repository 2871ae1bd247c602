"""The content-safety audit trail: one row per lexicon hit (when, where, category, term, action, request id,
an excerpt with the term masked), a table of the store (assistant/store.py), listed and exported as CSV on the
admin page, and purged with the question log's retention."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy.engine import Engine

from assistant.privacy import mask

WHERE_LABELS = {"question": "提问", "history": "对话历史", "answer": "回答", "document": "文件"}
COLUMNS = ("id", "created_at", "where", "category", "term", "action", "request_id", "subject", "excerpt")


@dataclass(frozen=True)
class Hit:
    where: str  # question | history | answer | document
    category: str
    term: str
    action: str
    excerpt: str  # the text around the term, the term masked
    request_id: str = ""
    subject: str = ""  # a document's id


def table(meta: MetaData) -> Table:
    return Table(
        "safety_audit", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("created_at", DateTime(timezone=True), nullable=False, index=True),
        Column("where", String(20), nullable=False),
        Column("category", String(40), nullable=False),
        Column("term", String(80), nullable=False),
        Column("action", String(10), nullable=False),
        Column("request_id", String(64), nullable=False, default=""),
        Column("subject", String(80), nullable=False, default=""),
        Column("excerpt", Text, nullable=False),
    )


def record(engine: Engine, audit: Table, hits: list[Hit]) -> None:
    if not hits:
        return
    now = dt.datetime.now(dt.UTC)
    rows = [{**asdict(h), "excerpt": mask(h.excerpt), "created_at": now, "term": h.term[:80],
             "request_id": h.request_id[:64], "subject": h.subject[:80]} for h in hits]
    with engine.begin() as conn:
        conn.execute(insert(audit), rows)


def rows(engine: Engine, audit: Table, limit: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        found = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit)).mappings()
        return [{**r, "created_at": r["created_at"].isoformat()} for r in found]


def purge(engine: Engine, audit: Table, before: dt.datetime) -> int:
    with engine.begin() as conn:
        return int(conn.execute(delete(audit).where(audit.c.created_at < before)).rowcount or 0)


def as_csv(found: list[dict[str, Any]]) -> str:
    """The rows as CSV with a header (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in found:
        writer.writerow([_cell(r.get(c, "")) for c in COLUMNS])
    return "\ufeff" + out.getvalue()


def _cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
