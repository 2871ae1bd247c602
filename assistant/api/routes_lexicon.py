"""The admin API of content safety, behind the admin key and the admin rate limit like every admin route: the
lexicon served (terms, allow-list, documents held for review), add / import / remove / enable or disable, the
export in the import format, approving a held document, and the audit trail of hits as JSON or CSV. Each
change is the overlay's next version (rolled back with `POST /api/admin/overlay/rollback`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from assistant import audit
from assistant.api import lexicon_edits as lex
from assistant.api import overlay_edits as edits
from assistant.api.admin_auth import AdminDep, require_admin
from assistant.api.limits import admin_rate_limit
from assistant.api.routes_common import StateDep, StoreDep
from assistant.lexicon import export
from assistant.service import Service
from assistant.store import Change

router = APIRouter(prefix="/api/admin", tags=["admin"],
                   dependencies=[Depends(admin_rate_limit), Depends(require_admin)])
_CHANGED: dict[int | str, dict[str, Any]] = {
    201: {"description": "stored as the next overlay version and serving on this replica"},
    404: {"description": "no such term or document"}, 409: {"description": "it is there already"},
    422: {"description": "a malformed term or import (every bad line named); nothing stored"}}


@router.get("/lexicon")
async def lexicon(state: StateDep) -> dict[str, Any]:
    """The lexicon this replica serves, its allow-list, and the documents held for review."""
    return lex.lexicon_view(edits.serving(state))


@router.get("/lexicon/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def lexicon_export(state: StateDep) -> Response:
    """The lexicon in the import format (`term,category,action`; enabled terms and the allow-list)."""
    return Response(export(edits.serving(state).safety.lexicon), media_type="text/csv; charset=utf-8")


def _edit(path: str, model: type[BaseModel], build: Callable[[Service, Any], Change], doc: str) -> None:
    """`POST /api/admin/lexicon/{path}`: the body → the checked change → the overlay's next version."""
    async def endpoint(body, state: StateDep, admin: AdminDep) -> dict[str, Any]:
        return await edits.commit(state, admin, build(edits.serving(state), body))

    endpoint.__annotations__["body"] = model  # FastAPI reads the body's model from the annotation
    endpoint.__doc__, endpoint.__name__ = doc, f"lexicon_{path}"
    router.post(f"/lexicon/{path}", status_code=201, responses=_CHANGED)(endpoint)


_edit("terms", lex.TermIn, lex.add_change,
      "A term with its category and action (or, with action `allow`, a phrase for the allow-list).")
_edit("import", lex.ImportIn, lex.import_change,
      "A list in the import format; a term already there takes the imported category and action.")
_edit("remove", lex.TermRef, lex.remove_change, "Remove a term, or a phrase from the allow-list.")
_edit("toggle", lex.ToggleIn, lex.toggle_change, "Enable or disable a term (a disabled one is kept, not matched).")
_edit("approve", lex.ApproveIn, lex.approve_change,
      "Approve a document held for review as it is now: it is searched again.")


@router.get("/audit")
async def audit_rows(store: StoreDep, limit: int = Query(200, ge=1, le=10000)) -> list[dict[str, Any]]:
    """Content-safety hits, newest first: time, where, category, term, action, request id, masked excerpt."""
    return await run_in_threadpool(store.hits, limit)


@router.get("/audit.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def audit_csv(store: StoreDep, limit: int = Query(10000, ge=1, le=100000)) -> Response:
    return csv_response(audit.as_csv(await run_in_threadpool(store.hits, limit)))


def csv_response(text: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="content-safety-audit.csv"',
                             "Cache-Control": "no-store"})
