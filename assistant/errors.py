"""The exception tree. The class says who sees the error; the API layer maps it to HTTP."""

from __future__ import annotations


class ChainQAError(Exception):
    """Base of every error ChainQA raises on purpose."""

    code = "internal_error"


class UserInputError(ChainQAError):
    """The caller sent something we cannot accept (shown to the user, 4xx)."""

    code = "bad_request"


class InputTooLarge(UserInputError):
    code = "too_large"


class NotFound(UserInputError):
    code = "not_found"


class Unauthorized(UserInputError):
    code = "unauthorized"


class RateLimited(UserInputError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class KnowledgeError(ChainQAError):
    """A knowledge file is malformed (shown to maintainers; names the file, row and field)."""

    code = "knowledge_error"


class EngineError(ChainQAError):
    """An answering engine failed (the service falls back to the offline engine)."""

    code = "engine_error"


class TemplateError(ChainQAError):
    """A prompt or answer template is missing or was rendered without one of its values (a bug)."""

    code = "template_error"


class NotReady(ChainQAError):
    """The index or a backing service is not available yet (503)."""

    code = "not_ready"
