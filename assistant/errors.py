"""The exception tree. The class says who sees the error; the API layer (assistant/api/errors.py) alone
maps it to HTTP. Every error ChainQA raises on purpose is a ChainQAError."""

from __future__ import annotations

from retrieval.errors import (
    ChainQAError,
    ConfigurationError,
    IndexUnavailable,
    KnowledgeError,
    KnowledgeFileError,
    VectorStoreUnreachable,
)

__all__ = ["ChainQAError", "ConfigurationError", "Conflict", "EngineError", "IndexUnavailable", "InputTooLarge",
           "InvalidDocument", "InvalidOverlay", "InvalidText", "KnowledgeBroken", "KnowledgeError",
           "KnowledgeFileError", "NotFound", "NotReady", "RateLimited", "ReindexFailed", "Unauthorized", "UserInputError", "VectorStoreUnreachable"]


class UserInputError(ChainQAError):
    """The caller sent something we cannot accept (shown to the user, 4xx)."""

    code = "bad_request"
    public = True


class InputTooLarge(UserInputError):
    code = "too_large"


class InvalidText(UserInputError):
    """Text that cannot be stored or shown as UTF-8 (a lone surrogate, a control character)."""

    code = "invalid_text"


class NotFound(UserInputError):
    code = "not_found"


class UnknownProvince(UserInputError):
    """A province argument that the knowledge base does not configure."""

    code = "unknown_province"


class Unauthorized(UserInputError):
    code = "unauthorized"


class Conflict(UserInputError):
    """The request clashes with the current state (the id exists, a reindex is running, knowledge/ is broken)."""

    code = "conflict"


class KnowledgeBroken(Conflict):
    """knowledge/ cannot be indexed as it is (a broken manifest or table): a maintainer must fix it first."""

    code = "knowledge_error"


class InvalidDocument(UserInputError):
    """An uploaded document is well-formed but does not index."""

    code = "invalid_document"


class InvalidOverlay(UserInputError):
    """An operator's change (alias, example question, curated answer) does not fit the knowledge base;
    the message lists every reason."""

    code = "invalid_overlay"


class RateLimited(UserInputError):
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class EngineError(ChainQAError):
    """An answering engine failed (the service falls back to the offline engine)."""

    code = "engine_error"


class TemplateError(ChainQAError):
    """A prompt or answer template is missing or was rendered without one of its values (a bug)."""

    code = "template_error"


class NotReady(ChainQAError):
    """The index or a backing service is not available yet (503)."""

    code = "not_ready"
    public = True


class ReindexFailed(ChainQAError):
    """A reindex did not complete; the message says why and which index (if any) is still serving."""

    code = "reindex_failed"
    public = True


class InvalidLexicon(UserInputError):
    """An import or a change of the content-safety lexicon is malformed (an unknown action, a bad line);
    the message names every reason and nothing is stored."""

    code = "invalid_lexicon"
