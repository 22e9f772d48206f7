"""Parallax's error tree, in one place.

    ParallaxError                 base; ``code`` is a stable machine-readable slug
    ├── InputError                the user's input is unusable (CLI exit 2, HTTP 4xx)
    │   ├── EmptyInput            nothing but whitespace after normalization
    │   ├── BinaryInput           NUL bytes or mostly control characters
    │   ├── EncodingInputError    not valid UTF-8
    │   ├── InputTooLarge         over the configured byte cap
    │   └── FormatInputError      a .json/.html file that does not parse as one
    ├── UsageError                options that make no sense (fewer than 2 articles, ...)
    ├── NotFound                  no such job (HTTP 404)
    ├── ConflictError             clashes with a job's state: an Idempotency-Key reused
    │                             with another body, the report of an unfinished job (409)
    └── EngineError               an engine failed (CLI exit 1, HTTP 502)
        └── EngineUnavailable     the engine cannot run here (not configured, not built)

The core raises these and never formats them for a user; the CLI and HTTP layers map
them to exit codes and status codes at the edge.
"""

from __future__ import annotations


class ParallaxError(Exception):
    code = "parallax_error"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class InputError(ParallaxError):
    code = "invalid_input"


class EmptyInput(InputError):
    code = "empty_input"


class BinaryInput(InputError):
    code = "binary_input"


class EncodingInputError(InputError):
    code = "not_utf8"


class InputTooLarge(InputError):
    code = "input_too_large"


class FormatInputError(InputError):
    code = "bad_format"


class UsageError(ParallaxError):
    code = "usage_error"


class NotFound(ParallaxError):
    code = "not_found"


class ConflictError(ParallaxError):
    code = "conflict"


class EngineError(ParallaxError):
    code = "engine_error"


class EngineUnavailable(EngineError):
    code = "engine_unavailable"
