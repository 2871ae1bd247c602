"""`GET /api/documents` and `GET /api/documents/{doc_id}`: the sources, so a citation can be opened."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from assistant.api.routes_common import get_service
from assistant.errors import NotFound

router = APIRouter(tags=["documents"])


def _meta(doc) -> dict[str, Any]:
    return doc.meta.model_dump(mode="json", exclude={"file", "source_file"})


@router.get("/api/documents")
def list_documents(service=Depends(get_service)) -> list[dict[str, Any]]:
    """The metadata of every source document."""
    return [_meta(d) for d in service.deps.documents.values()]


@router.get("/api/documents/{doc_id}")
def get_document(doc_id: str, service=Depends(get_service)) -> dict[str, Any]:
    """One document: its metadata (title, issuer, number, date, province, validity) and full text.
    A citation's `start`/`end` are character offsets into `text`."""
    doc = service.deps.documents.get(doc_id)
    if doc is None:
        raise NotFound(f"no document with id '{doc_id}'")
    return {"doc_id": doc.id, "title": doc.title, "meta": _meta(doc), "text": doc.text}
