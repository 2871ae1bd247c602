"""One error shape for every failure: `{"error": {"code", "message"}}`, never a traceback or a path."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import (
    ChainQAError,
    Conflict,
    EngineError,
    IndexUnavailable,
    InputTooLarge,
    InvalidDocument,
    InvalidLexicon,
    InvalidOverlay,
    InvalidText,
    KnowledgeError,
    NotFound,
    NotReady,
    RateLimited,
    ReindexFailed,
    Unauthorized,
    UnknownProvince,
    UserInputError,
)

log = logging.getLogger("chainqa.api")

# most specific first: the first class an exception is an instance of decides the status
_STATUS: tuple[tuple[type[ChainQAError], int], ...] = (
    (InputTooLarge, 413),
    (InvalidText, 422),
    (UnknownProvince, 422),
    (InvalidDocument, 422),
    (InvalidOverlay, 422),
    (InvalidLexicon, 422),
    (NotFound, 404),
    (Unauthorized, 401),
    (Conflict, 409),
    (RateLimited, 429),
    (UserInputError, 400),
    (NotReady, 503),
    (IndexUnavailable, 503),
    (ReindexFailed, 500),
    (EngineError, 502),
    (KnowledgeError, 500),
)
_HTTP_CODES = MappingProxyType({
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 408: "request_timeout", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited", 431: "headers_too_large",
    500: "internal_error", 502: "bad_gateway", 503: "not_ready"})


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def status_of(exc: ChainQAError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 500)


def describe_validation(errors: Sequence[Mapping[str, Any]]) -> str:
    """A short human message from pydantic's errors, naming the field; the input itself is not echoed."""
    parts = []
    for err in errors[:3]:
        if err.get("type") == "json_invalid":
            reason = (err.get("ctx") or {}).get("error", "cannot parse")
            parts.append(f"malformed JSON body ({reason})")
            continue
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "body"
        parts.append(f"{field}: {err.get('msg', 'invalid value')}")
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    return "; ".join(parts) + more if parts else "invalid request"


def code_for(status: int) -> str:
    return _HTTP_CODES.get(status, "http_error")


def chainqa_error_response(exc: ChainQAError) -> JSONResponse:
    status = status_of(exc)
    if not exc.public:
        log.error("internal failure: %s: %s", type(exc).__name__, exc)
        return error_response(status, exc.code, "the service could not answer this request")
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after_s)))}
    return error_response(status, exc.code, str(exc) or exc.code, headers)


async def _on_chainqa(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChainQAError)
    return chainqa_error_response(exc)


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "invalid_request", describe_validation(list(exc.errors())))


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = code_for(exc.status_code)
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 400 and "parsing the body" in message:
        message = "the request body could not be parsed as JSON"
    return error_response(exc.status_code, code, message, getattr(exc, "headers", None))


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected %s while serving a request", type(exc).__name__, exc_info=exc)
    return error_response(500, "internal_error", "the service could not answer this request")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ChainQAError, _on_chainqa)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


def scrub(text: str, settings) -> str:
    """A reason fit for a response: the server's knowledge/ and data/ paths replaced by their names."""
    for path, name in ((settings.knowledge_dir, "knowledge"), (settings.data_dir, "data")):
        text = text.replace(str(path), name)
    return text
