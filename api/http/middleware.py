"""Pure ASGI middleware: the request id, access log and metrics; the body-size cap.

Pure ASGI rather than Starlette's BaseHTTPMiddleware so that streamed responses (the
event stream) pass through untouched and context variables reach the handlers.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.metrics import Metrics
from api.http.problems import problem_response
from api.logs import request_context

log = logging.getLogger("parallax.http")

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is kept only if it is short and plain, so it cannot forge log lines.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestContextMiddleware:
    """Gives every request an id (the client's X-Request-ID, or a new one), returns it,
    logs one line per request, counts it, and turns an unexpected error into a 500
    problem that names the id (the traceback goes to the log only)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope["parallax.request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            # The contextvar carries the id into every record logged below this call.
            with request_context(request_id):
                await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error in %s %s",
                scope["method"],
                scope["path"],
                extra={"request_id": request_id},
            )
            if response_started:
                raise
            response = problem_response(
                500,
                "internal_error",
                "internal error; quote the request id when reporting it",
                request_id=request_id,
            )
            await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = _route_template(scope)
            self.metrics.request(scope["method"], route, status, seconds)
            log.info(
                "%s %s -> %d in %.1f ms",
                scope["method"],
                route,
                status,
                seconds * 1000,
                extra={"request_id": request_id, "status": status, "route": route},
            )


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _CLIENT_REQUEST_ID.fullmatch(candidate):
                return candidate
    return uuid.uuid4().hex


def _route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodySizeLimitMiddleware:
    """413 for a body over ``max_bytes`` (or the cap ``by_path`` gives its path),
    without reading it into memory: a declared Content-Length over the cap is refused
    before any byte is read; otherwise bytes are counted as they arrive and reading
    stops at the first chunk past the cap."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, by_path: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.by_path = dict(by_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.by_path.get(scope.get("path", ""), self.max_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            response = problem_response(
                413,
                "body_too_large",
                f"the request body is {declared} bytes; the limit is {limit}",
                request_id=scope.get("parallax.request_id"),
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # An HTTPException passes through FastAPI's body reading unchanged
                    # and becomes a 413 problem in the exception handlers.
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counting_receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
