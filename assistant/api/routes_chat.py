"""`POST /api/chat` (one Answer) and `POST /api/chat/stream` (server-sent deltas, then the Answer)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Answer, Turn
from assistant.api.errors import error_body
from assistant.api.limits import rate_limit
from assistant.api.routes_common import SSE_HEADERS, get_service, sse
from assistant.errors import ChainQAError

log = logging.getLogger("chainqa.api")
router = APIRouter(tags=["chat"])


class ChatRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={
        "examples": [{"question": "湖北芯片这条链谁是链长？", "history": []}]})

    question: str = Field(description="the user's question")
    history: list[Turn] = Field(default_factory=list, description="earlier turns, oldest first")


@router.post("/api/chat", response_model=Answer, dependencies=[Depends(rate_limit)])
def chat(body: ChatRequest, service=Depends(get_service)) -> Answer:
    """Answer one question; the client sends the conversation so far as `history`."""
    return service.ask(body.question, body.history)


@router.post("/api/chat/stream", response_class=StreamingResponse, dependencies=[Depends(rate_limit)],
             responses={200: {"content": {"text/event-stream": {}},
                              "description": 'events `data: {"delta": "..."}`, then one `data: {"answer": {...}}`'}})
def chat_stream(body: ChatRequest, service=Depends(get_service)) -> StreamingResponse:
    """The same answer as `/api/chat`, streamed as server-sent events."""
    service.validate(body.question, body.history)  # bad input is a JSON 4xx, not a broken stream
    return StreamingResponse(answer_events(service, body.question, body.history),
                             media_type="text/event-stream", headers=SSE_HEADERS)


def answer_events(service, question: str, history: list[Turn]) -> Iterator[str]:
    try:
        for item in service.stream(question, history):
            if isinstance(item, Answer):
                yield sse({"answer": item.model_dump(mode="json")})
            elif item:
                yield sse({"delta": item})
    except ChainQAError as exc:
        yield sse(error_body(exc.code, str(exc)))
    except Exception as exc:  # the stream has started: report in-band, never a traceback
        log.error("stream failed: %s", type(exc).__name__, exc_info=exc)
        yield sse(error_body("internal_error", "the service could not finish this answer"))
