"""Logging: one JSON object per line (or readable text), a request id, secrets masked.

Every record that reaches the handler :func:`configure_logging` installs is first
rewritten by :class:`RedactSecrets` (message, string extras and traceback), so a key
never reaches a log line whichever library logged it. The request id comes from the
record's ``extra={"request_id": ...}`` or else from :data:`request_id`, a contextvar
that :func:`request_context` sets for one CLI run or HTTP request (asyncio tasks
inherit it).

Policy: no article text (nor titles, quotes, claims) at INFO or above. Log ids, sizes,
counts and timings; content belongs at DEBUG at most.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

__all__ = [
    "JsonFormatter",
    "RedactSecrets",
    "configure_logging",
    "redact",
    "request_context",
    "request_id",
]

MASK = "***"
request_id: ContextVar[str | None] = ContextVar("parallax_request_id", default=None)

_SECRET_NAME = (
    r"(?:[a-z0-9]+[_-])*(?:api[_-]?key|apikey|key|access[_-]?token|refresh[_-]?token|token"
    r"|secret|client[_-]?secret|password|passwd|pwd)"
)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer x / {'authorization': 'Basic x'} / X-Api-Key: x; the value
    # runs to the end of the header (or of the quoted string).
    (
        re.compile(
            r"(?i)\b((?:proxy-)?authorization|x-api-key|api-key|cookie|set-cookie)"
            r"""(["']?\s*[:=]\s*["']?)[^"'\r\n]+"""
        ),
        rf"\1\2{MASK}",
    ),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), f"Bearer {MASK}"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{6,}"), f"sk-{MASK}"),
    # api_key=..., "token": "...", PARALLAX_LLM_API_KEY=... (query strings, JSON, env).
    (
        re.compile(rf"""(?i)\b({_SECRET_NAME})(["']?\s*[:=]\s*["']?)[^\s&"',;}}]+"""),
        rf"\1\2{MASK}",
    ),
    # https://user:password@host
    (re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@"), rf"\1{MASK}@"),
]
# PARALLAX_LLM_API_KEY and friends, and OPENAI_API_KEY (the llm engine's fallback).
_SECRET_ENV = re.compile(r"(?i)^(PARALLAX_\w*(KEY|TOKEN|SECRET|PASSWORD)\w*|OPENAI_API_KEY)$")
# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}
_HANDLER_MARK = "_parallax_handler"


def redact(text: str) -> str:
    """``text`` with every secret we recognise replaced by ``***``."""
    for value in _secret_env_values():
        text = text.replace(value, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _secret_env_values() -> list[str]:
    # Read on each call: cheap, and a key set after start-up is still masked.
    values = (v for k, v in os.environ.items() if _SECRET_ENV.match(k))
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


class RedactSecrets(logging.Filter):
    """Masks secrets in the message, string extras and traceback; adds ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in _extras(record).items():
            if isinstance(value, str):
                setattr(record, key, redact(value))
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", ...extras, "exc"?}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update(_extras(record))
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        return f"{line} {extras}" if extras else line


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        return None


def configure_logging(
    level: str | int = "WARNING",
    fmt: Literal["json", "text"] = "json",
    *,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every log record (root logger) at ``level`` and up to ``stream`` (default:
    standard error), redacted, as JSON lines or text. Calling it again replaces the
    handler it installed before, so it is safe to call once per command."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    )
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(JsonFormatter() if fmt == "json" else _TextFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler


@contextmanager
def request_context(rid: str | None = None) -> Iterator[str]:
    """Set the request id (a new random one by default) for the block."""
    token = request_id.set(rid or uuid.uuid4().hex[:16])
    try:
        yield request_id.get() or ""
    finally:
        request_id.reset(token)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
