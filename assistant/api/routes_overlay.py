"""The admin API of the operators' overlay, behind the admin key and the admin rate limit like every admin
route: add an alias, an example question or a curated answer, roll back, list the versions, and what a
change may name (the targets). A change that does not fit is a 422 listing every reason; one that clashes
with what is there is a 409; an accepted one is 201 with its version, already serving on this replica."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query
from starlette.concurrency import run_in_threadpool

from assistant.api import overlay_edits as edits
from assistant.api.admin_auth import AdminDep, require_admin
from assistant.api.limits import admin_rate_limit
from assistant.api.routes_common import StateDep, StoreDep
from assistant.service import Service

router = APIRouter(prefix="/api/admin/overlay", tags=["admin"],
                   dependencies=[Depends(admin_rate_limit), Depends(require_admin)])
_CHANGED: dict[int | str, dict[str, Any]] = {201: {"description": "stored as the next version and serving on this replica"},
            409: {"description": "it is there already, or the phrase names something else"},
            422: {"description": "it does not fit the knowledge base (every reason listed)"}}


def targets(service: Service) -> dict[str, Any]:
    """What an alias, an example question or a curated answer may name, from the knowledge base."""
    t = service.index.tables  # the base tables: an overlay adds names, never entities
    return {"chain": [{"target": r.chain, "province": r.province} for r in t.chains],
            "department": [{"target": k} for k in t.department_families],
            "term": [{"target": x.term} for x in t.terms],
            "action": [{"target": a.action} for a in t.actions],
            "document": [{"target": d.id, "title": d.title} for d in t.documents],
            "intents": [{"name": i.name, "example": i.examples[0]} for i in t.catalog.intents]}


@router.get("")
async def current(state: StateDep, store: StoreDep) -> dict[str, Any]:
    """The newest stored overlay, and the version this replica serves (they differ for a poll interval)."""
    version, data = await run_in_threadpool(store.overlay)
    return {"version": version, "serving": state.overlay_version, "overlay": data}


@router.get("/versions")
async def versions(store: StoreDep, limit: int = Query(50, ge=1, le=500)) -> list[dict[str, Any]]:
    """Every change, newest first: version, action, summary, which admin key, when, the overlay before/after."""
    return await run_in_threadpool(store.overlay_versions, limit)


@router.get("/targets")
async def overlay_targets(state: StateDep) -> dict[str, Any]:
    return targets(edits.serving(state))


@router.post("/aliases", status_code=201, responses=_CHANGED)
async def add_alias(body: edits.AliasIn, state: StateDep, admin: AdminDep) -> dict[str, Any]:
    """A phrase as one more name of a chain (of a province), department, term, action or document."""
    return await edits.commit(state, admin, edits.alias_change(edits.serving(state), body))


@router.post("/examples", status_code=201, responses=_CHANGED)
async def add_example(body: edits.ExampleIn, state: StateDep, admin: AdminDep) -> dict[str, Any]:
    """A question as one more example of an intent (knowledge/intents.yaml)."""
    return await edits.commit(state, admin, edits.example_change(edits.serving(state), body))


@router.post("/curated", status_code=201, responses=_CHANGED)
async def add_curated(body: edits.CuratedIn, state: StateDep, admin: AdminDep) -> dict[str, Any]:
    """An answer for a question, citing a quote that must be verbatim in the document; served when a
    question matches it (the same normalised text, or nearly). One for the same question replaces it."""
    return await edits.commit(state, admin, edits.curated_change(edits.serving(state), body))


@router.post("/rollback", status_code=201,
             responses={201: {"description": "the restored overlay is the next version, serving here"},
                        404: {"description": "no such earlier version"},
                        409: {"description": "there is nothing to roll back"}})
async def rollback(state: StateDep, admin: AdminDep,
                   body: edits.RollbackIn | None = Body(default=None)) -> dict[str, Any]:
    """Restore the overlay before the newest change (again: the one before that), or a given version."""
    return await edits.rollback(state, admin, body.version if body else None)
