"""The offline answerers called the way the engine calls them (assistant/offline/engine.py): the ask read and
resolved against the dialogue into candidate frames, and a Context over the real service's tools, templates
and search."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from assistant.answer import Answer, Turn
from assistant.offline.reply import Context
from assistant.understanding.dialogue import Dialogue, Frame

History = Sequence[tuple[str, str]]  # (role, text) turns, oldest first


@pytest.fixture(scope="session")
def context(service) -> Callable[..., Context]:
    """A Context in a language, over an empty dialogue."""
    def make(lang: str = "zh-Hans", dialogue: Dialogue | None = None) -> Context:
        return Context(service.deps, service.prompts, service.index.search, lang, dialogue or Dialogue())
    return make


@pytest.fixture(scope="session")
def asked(understanding, context) -> Callable[..., tuple[Context, Frame]]:
    """The Context and the frame an answerer gets for a question: the candidate frame whose intent names
    `answerer` (the first candidate when None), after `history`."""
    def ask(question: str, answerer: str | None = None, history: History = (),
            lang: str = "zh-Hans") -> tuple[Context, Frame]:
        dialogue = understanding.resolver.history(list(history))
        frames = understanding.resolver.candidates(understanding.reader.read(question), dialogue)
        ctx = context(lang, dialogue)
        if answerer is None:
            return ctx, frames[0]
        found = [f for f in frames if f.intent is not None and f.intent.answerer == answerer]
        assert found, (question, [f.intent.name if f.intent else None for f in frames])
        return ctx, found[0]
    return ask


@pytest.fixture(scope="session")
def answer(service) -> Callable[..., Answer]:
    """The service's whole answer to a question after `history`."""
    def ask(question: str, history: History = ()) -> Answer:
        return service.ask(question, [Turn(role=r, content=c) for r, c in history])
    return ask


@pytest.fixture(scope="session")
def after(answer) -> Callable[[str], list[tuple[str, str]]]:
    """A history of one turn: the question and the service's own answer to it."""
    def turn(question: str) -> list[tuple[str, str]]:
        return [("user", question), ("assistant", answer(question).answer)]
    return turn
