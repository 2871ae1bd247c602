"""`GET /api/tools` (the catalogue) and `GET /api/tools/{name}?arg=value` (one structured tool's JSON)."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from assistant.api import answering
from assistant.api.routes_common import ServiceDep, StateDep
from assistant.errors import NotFound
from assistant.tools.schema import ToolSpec, tool_specs, unknown_province

__all__ = ["router", "tool_specs"]

router = APIRouter(tags=["tools"])


def _spec(specs: dict[str, ToolSpec], name: str) -> ToolSpec:
    if name not in specs:
        raise NotFound(f"no tool named '{name}'; available: {', '.join(specs)}")
    return specs[name]


def catalogue(specs: dict[str, ToolSpec]) -> list[dict[str, Any]]:
    """What GET /api/tools lists (built once: the tools do not change while the process runs)."""
    return [{"name": s.name, "description": s.description, "parameters": s.args.model_json_schema()}
            for s in specs.values()]


@router.get("/api/tools")
async def list_tools(state: StateDep) -> list[dict[str, Any]]:
    """Every tool with its description and the JSON schema of its query parameters."""
    return state.catalogue


@router.get("/api/tools/{name}")
async def run_tool(name: str, request: Request, state: StateDep, service: ServiceDep) -> Any:
    """Run one tool; its arguments are the query parameters, e.g. `/api/tools/chain_leader?chain=芯片`.
    A table lookup answers on the event loop; one that searches with a query embedding, in the pool."""
    spec = _spec(state.tools, name)
    query = dict(request.query_params)
    try:
        args = spec.args.model_validate(query).model_dump()
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_input=False, include_url=False)) from None
    problem = unknown_province(args, service.deps.tables.province_names)
    if problem:
        raise RequestValidationError([{"loc": ("query", "province"), "msg": problem, "type": "value_error"}])
    result = await answering.offloaded(state, functools.partial(spec.fn, service.deps, **args))
    return JSONResponse(jsonable_encoder(result))
