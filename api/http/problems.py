"""RFC 9457 problem details: every error a client sees, in one shape.

The core raises the api.errors tree; this module is where those become status codes.
Validation errors name each field (``articles[0].text``). Nothing here ever puts a
stack trace or an exception's repr in a response: unexpected errors are logged with
the request id and the client gets that id to quote.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.exceptions import HTTPException

from api.errors import (
    ConflictError,
    DatabaseUnavailable,
    EngineError,
    EngineUnavailable,
    InputError,
    InputTooLarge,
    NotFound,
    ParallaxError,
    UsageError,
)
from api.jobs.models import with_examples
from api.models import ITEM_TAGS, Model

MEDIA_TYPE = "application/problem+json"

# Most specific first: the first class an error is an instance of decides.
STATUS_BY_ERROR: tuple[tuple[type[ParallaxError], int], ...] = (
    (InputTooLarge, 413),
    (InputError, 422),
    (UsageError, 422),
    (NotFound, 404),
    (ConflictError, 409),
    (DatabaseUnavailable, 503),
    (EngineUnavailable, 503),
    (EngineError, 502),
)


class FieldError(Model):
    field: str = Field(description="Where: 'articles[0].text', 'wait', 'idempotency-key'.")
    message: str


class Problem(Model):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    model_config = with_examples(
        {
            "type": "urn:parallax:problem:validation_error",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "articles[0].text: Field required",
            "code": "validation_error",
            "request_id": "4f1c9b0e2a6d4c7e",
            "errors": [{"field": "articles[0].text", "message": "Field required"}],
        }
    )

    type: str = Field(description="URN naming the kind of problem: urn:parallax:problem:<code>.")
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable slug.")
    request_id: str | None = Field(None, description="Quote it when reporting a problem.")
    errors: list[FieldError] = Field(default_factory=list)


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    request_id: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=f"urn:parallax:problem:{code}",
        title=_title(status),
        status=status,
        detail=detail,
        code=code,
        request_id=request_id,
        errors=errors or [],
    )
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these statuses, all problem+json."""
    return {
        status: {"description": _title(status), "content": {MEDIA_TYPE: {"schema": _ref()}}}
        for status in statuses
    }


def _ref() -> dict[str, str]:
    return {"$ref": "#/components/schemas/Problem"}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def request_id_of(request: Request) -> str | None:
    value = request.scope.get("parallax.request_id")
    return value if isinstance(value, str) else None


def field_name(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """('body', 'articles', 0, 'text') -> 'articles[0].text'; ('query', 'wait') -> 'wait'."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    name = ""
    for part in parts:
        if part in ITEM_TAGS:  # the union branch an article item was validated as
            continue
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


async def _parallax_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ParallaxError)
    status = next((s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), 500)
    errors = [FieldError(field=exc.source, message=exc.message)] if exc.source else None
    detail = f"{exc.source}: {exc.message}" if exc.source else exc.message
    return problem_response(
        status, exc.code, detail, request_id=request_id_of(request), errors=errors
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=field_name(err.get("loc", ())), message=str(err.get("msg", "invalid")))
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors[:5]) or "invalid request"
    if len(errors) > 5:
        detail += f"; and {len(errors) - 5} more"
    return problem_response(
        422, "validation_error", detail, request_id=request_id_of(request), errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    try:
        code = HTTPStatus(exc.status_code).name.lower()
    except ValueError:
        code = "error"
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    return problem_response(
        exc.status_code,
        code,
        detail,
        request_id=request_id_of(request),
        headers=dict(exc.headers) if exc.headers else None,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ParallaxError, _parallax_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
