"""The Answer object of the contract, shared by both engines, the API and the eval."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Citation(BaseModel):
    doc_id: str
    doc_title: str
    section: str = ""
    quote: str
    start: int | None = None  # character offsets into the document text, for highlighting
    end: int | None = None


class Turn(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str


class Ask(BaseModel):
    """One ask of a message, answered or declined on its own (CONTRACT.md)."""

    text: str
    refused: bool = False
    refusal_reason: str | None = None


class Answer(BaseModel):
    answer: str
    refused: bool = False
    refusal_reason: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    tools_used: list[str] = Field(default_factory=list)
    engine: str = "offline"
    suggestions: list[str] = Field(default_factory=list)
    latency_ms: float = 0.0
    asks: list[Ask] = Field(default_factory=list)
    generated: bool = True  # machine-generated text: the UI and the widget label it visibly


def own_words(text: str) -> str:
    """An answer's text without its quoted evidence (Markdown blockquote lines): what it says itself."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))
