"""`POST /api/feedback`: 👍/👎 on an answer, with an optional comment."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import AfterValidator, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant.api.limits import rate_limit
from assistant.api.routes_common import StoreDep

router = APIRouter(tags=["feedback"])


def _storable(value: str | None) -> str | None:
    if value is not None and any(unicodedata.category(ch) == "Cs" for ch in value):
        raise ValueError("must be valid Unicode text (no lone surrogates)")
    return value


Text = AfterValidator(_storable)


class FeedbackIn(BaseModel):
    question: Annotated[str, Field(min_length=1, max_length=4000), Text]
    answer: Annotated[str, Field(min_length=1, max_length=20000), Text]
    rating: Literal[1, -1] = Field(description="1 = 👍, -1 = 👎")
    comment: Annotated[str | None, Field(default=None, max_length=2000), Text] = None


class FeedbackStored(BaseModel):
    status: Literal["stored"] = "stored"
    id: int


@router.post("/api/feedback", status_code=201, response_model=FeedbackStored,
             dependencies=[Depends(rate_limit)])
async def feedback(body: FeedbackIn, store: StoreDep) -> FeedbackStored:
    row = await run_in_threadpool(store.add_feedback, body.question, body.answer, body.rating, body.comment)
    return FeedbackStored(id=row)
