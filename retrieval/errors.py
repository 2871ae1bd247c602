"""The root of ChainQA's error tree and the errors of the retrieval layer. The root lives here, in the
lowest layer, because retrieval must not import the assistant package; `assistant.errors` re-exports it."""


class ChainQAError(Exception):
    """Base of every error ChainQA raises on purpose. `public`: the message may be shown to the caller
    (it names no server path and no internal detail); otherwise the API answers with a generic message."""

    code = "internal_error"
    public = False


class KnowledgeError(ChainQAError):
    """knowledge/ cannot be used (shown to maintainers; names the file, row and field)."""

    code = "knowledge_error"


class KnowledgeFileError(KnowledgeError):
    """A knowledge file is missing or malformed; the message names the file, row and field."""


class ConfigurationError(ChainQAError, ValueError):
    """A setting cannot be used as given (e.g. a malformed chroma_url)."""

    code = "configuration_error"


class IndexUnavailable(ChainQAError):
    """The index cannot serve: not loaded yet, a new build does not load, or its vector store is gone."""

    code = "not_ready"


class VectorStoreUnreachable(IndexUnavailable, ConnectionError):
    """The Chroma server does not answer."""


def first_error(exc) -> tuple[str, str]:
    """(where, message) of the first error of a pydantic ValidationError, for a KnowledgeFileError."""
    err = exc.errors()[0]
    return ".".join(str(p) for p in err["loc"]), err["msg"]
