"""`GET /api/documents`, `GET /api/documents/{doc_id}` (JSON) and `GET /documents/{doc_id}?start=&end=`,
the document as a readable page with the cited span highlighted: where every citation links to."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from assistant.api.document_page import render_error, render_page
from assistant.api.errors import chainqa_error_response, status_of
from assistant.api.routes_common import get_service
from assistant.errors import ChainQAError, NotFound, UserInputError

router = APIRouter(tags=["documents"])
_ERROR_PAGES = {  # status: (title, what a person following the link is told)
    404: ("找不到这份文件", "知识库中没有这份文件，它可能已被移除，或链接不完整。"),
    400: ("链接中的引用位置有误", "链接给出的起止位置不在这份文件的范围内；可以去掉链接中“?”之后的部分，查看全文。"),
}


def _meta(doc) -> dict[str, Any]:
    return doc.meta.model_dump(mode="json", exclude={"file", "source_file"})


def _document(service, doc_id: str):
    doc = service.deps.documents.get(doc_id)
    if doc is None:
        raise NotFound(f"no document with id '{doc_id}'")
    return doc


@router.get("/api/documents")
def list_documents(service=Depends(get_service)) -> list[dict[str, Any]]:
    """The metadata of every source document."""
    return [_meta(d) for d in service.deps.documents.values()]


@router.get("/api/documents/{doc_id}")
def get_document(doc_id: str, service=Depends(get_service)) -> dict[str, Any]:
    """One document: its metadata (title, issuer, number, date, province, validity) and full text.
    A citation's `start`/`end` are character offsets into `text`."""
    doc = _document(service, doc_id)
    return {"doc_id": doc.id, "title": doc.title, "meta": _meta(doc), "text": doc.text}


def check_span(text: str, start: int | None, end: int | None) -> None:
    if (start is None) != (end is None):
        raise UserInputError("start and end go together: give both offsets or neither")
    if start is not None and end is not None and not start < end <= len(text):
        raise UserInputError(f"the span must satisfy 0 <= start < end <= {len(text)} (the document's length)")


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "application/xhtml+xml" in accept


def _error(request: Request, exc: ChainQAError) -> Response:
    """A person following a link gets a page; a program gets the JSON error of the contract."""
    if not _wants_html(request):
        return chainqa_error_response(exc)
    status = status_of(exc)
    title, message = _ERROR_PAGES.get(status, ("无法显示这份文件", "请稍后再试。"))
    return HTMLResponse(render_error(title, message, exc.code), status_code=status)


@router.get("/documents/{doc_id}", response_class=HTMLResponse,
            responses={200: {"content": {"text/html": {}}}, 400: {"description": "a bad span"},
                       404: {"description": "no such document"}})
def document_page(request: Request, doc_id: str,
                  start: int | None = Query(None, ge=0, description="a citation's start offset"),
                  end: int | None = Query(None, ge=1, description="a citation's end offset"),
                  service=Depends(get_service)) -> Response:
    """The document as a readable page: manifest facts on top, text start..end highlighted and
    scrolled into view (the `start`/`end` of a citation)."""
    try:
        doc = _document(service, doc_id)
        check_span(doc.text, start, end)
    except UserInputError as exc:
        return _error(request, exc)
    return HTMLResponse(render_page(doc, service.deps.documents, start, end),
                        headers={"Cache-Control": "no-cache"})
