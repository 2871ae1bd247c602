"""`POST /api/chat` (one Answer) and `POST /api/chat/stream` (server-sent deltas, then the Answer)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Answer, Turn
from assistant.api import answering
from assistant.api.limits import rate_limit
from assistant.api.routes_common import SSE_HEADERS, ServiceDep, StateDep, sse

router = APIRouter(tags=["chat"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={
        "examples": [{"question": "芯片这条链谁是链长？", "history": []}]})

    question: str = Field(description="the user's question")
    history: list[Turn] = Field(default_factory=list, description="earlier turns, oldest first")


@router.post("/api/chat", response_model=Answer, dependencies=[Depends(rate_limit)],
             responses={422: {"description": "invalid body, or text with a lone surrogate"}})
async def chat(body: ChatRequest, request: Request, state: StateDep, service: ServiceDep) -> Response:
    """Answer one question; the client sends the conversation so far as `history`."""
    answer = await answering.answer(state, service, body.question, body.history, request_id(request))
    # serialised once, by pydantic (`response_model` documents it; FastAPI would validate it again)
    return Response(answer.model_dump_json(), media_type="application/json")


@router.post("/api/chat/stream", response_class=StreamingResponse, dependencies=[Depends(rate_limit)],
             responses={200: {"content": {"text/event-stream": {}},
                              "description": 'events `data: {"delta": "..."}`, then one `data: {"answer": {...}}`'}})
async def chat_stream(body: ChatRequest, request: Request, state: StateDep, service: ServiceDep) -> StreamingResponse:
    """The same answer as `/api/chat`, streamed as server-sent events."""
    service.validate(body.question, body.history)  # bad input is a JSON 4xx, not a broken stream
    items = answering.events(state, service, body.question, body.history, request_id(request))
    return StreamingResponse(answering.framed(items, _event), media_type="text/event-stream", headers=SSE_HEADERS)


def request_id(request: Request) -> str:
    """The id the guard gave this request (assistant/api/guard.py), recorded with content-safety hits."""
    return str(getattr(request.state, "request_id", ""))


def _event(item: str | Answer) -> str:
    if isinstance(item, Answer):
        return sse({"answer": item.model_dump(mode="json")})
    return sse({"delta": item})
