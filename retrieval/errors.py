"""Errors of the retrieval layer (which must not import the assistant package)."""


class KnowledgeFileError(Exception):
    """A knowledge file is missing or malformed; the message names the file, row and field."""
