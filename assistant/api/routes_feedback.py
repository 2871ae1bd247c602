"""`POST /api/feedback`: 👍/👎 on an answer, with an optional comment."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.api.limits import rate_limit
from assistant.api.routes_common import get_store

router = APIRouter(tags=["feedback"])


class FeedbackIn(BaseModel):
    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(min_length=1, max_length=20000)
    rating: Literal[1, -1] = Field(description="1 = 👍, -1 = 👎")
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackStored(BaseModel):
    status: Literal["stored"] = "stored"
    id: int


@router.post("/api/feedback", status_code=201, response_model=FeedbackStored,
             dependencies=[Depends(rate_limit)])
async def feedback(body: FeedbackIn, store=Depends(get_store)) -> FeedbackStored:
    row = await run_in_threadpool(store.add_feedback, body.question, body.answer, body.rating, body.comment)
    return FeedbackStored(id=row)
