"""`POST /v1/chat/completions` and `GET /v1/models`: ChainQA as an OpenAI-compatible chat model.
The last user message is the question; the messages before it are the history."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Answer, Turn
from assistant.api import answering
from assistant.api.limits import rate_limit
from assistant.api.routes_chat import request_id
from assistant.api.routes_common import SSE_HEADERS, ServiceDep, StateDep, sse
from assistant.errors import UserInputError

router = APIRouter(tags=["openai"])
MODEL = "chainqa"


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class CompletionRequest(BaseModel):
    """The fields ChainQA reads; other OpenAI parameters (temperature, …) are accepted and ignored."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        {"model": MODEL, "messages": [{"role": "user", "content": "芯片这条链谁是链长？"}]}]})
    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[Turn]]:
    """The last user message and the user/assistant turns before it."""
    last = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last is None:
        raise UserInputError("messages must contain a user message")
    history = [Turn(role=m.role, content=m.text()) for m in messages[:last] if m.role in ("user", "assistant")]
    return messages[last].text(), history


def _envelope(kind: str, model: str, cid: str, created: int) -> dict[str, Any]:
    return {"id": cid, "object": kind, "created": created, "model": model}


def completion(answer: Answer, model: str) -> dict[str, Any]:
    body = _envelope("chat.completion", model, f"chatcmpl-{uuid.uuid4().hex}", int(time.time()))
    body["choices"] = [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                        "finish_reason": "stop", "logprobs": None}]
    body["usage"] = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    body["chainqa"] = answer.model_dump(mode="json")
    return body


@router.post("/v1/chat/completions", dependencies=[Depends(rate_limit)],
             responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}})
async def chat_completions(body: CompletionRequest, request: Request, state: StateDep, service: ServiceDep):
    """OpenAI Chat Completions; the full Answer (citations, refusal) rides along as `chainqa`."""
    question, history = split_messages(body.messages)
    rid = request_id(request)
    if not body.stream:
        return completion(await answering.answer(state, service, question, history, rid), body.model)
    service.validate(question, history)
    items = answering.events(state, service, question, history, rid)
    return StreamingResponse(_chunks(items, body.model), media_type="text/event-stream", headers=SSE_HEADERS)


async def _chunks(items: AsyncIterator[str | Answer], model: str) -> AsyncIterator[str]:
    head = _envelope("chat.completion.chunk", model, f"chatcmpl-{uuid.uuid4().hex}", int(time.time()))

    def chunk(item: str | Answer) -> str:
        delta, finish, extra = {"content": item}, None, {}
        if isinstance(item, Answer):
            delta, finish, extra = {}, "stop", {"chainqa": item.model_dump(mode="json")}
        return sse({**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra})

    yield sse({**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
    async for event in answering.framed(items, chunk):
        yield event
    yield "data: [DONE]\n\n"


@router.get("/v1/models")
def models() -> dict[str, Any]:
    return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "chainqa"}]}
