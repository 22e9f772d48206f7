"""Parallax's error tree, in one place.

    ParallaxError                 base; ``code`` is a stable machine-readable slug
    ├── InputError                the user's input is unusable (CLI exit 2, HTTP 4xx)
    │   ├── EmptyInput            nothing but whitespace after normalization
    │   ├── BinaryInput           NUL bytes or mostly control characters
    │   ├── EncodingInputError    not valid UTF-8
    │   ├── InputTooLarge         over the configured byte cap
    │   ├── FormatInputError      a .json/.html file that does not parse as one
    │   └── FetchError            a URL could not be fetched: network, HTTP status, content
    │       │                     type, too many redirects, timeout (``source`` is the URL)
    │       └── BlockedURL        refused by the fetch policy (api/ingest/netguard.py) before any
    │                             connection: scheme, credentials, or a non-public address
    ├── UsageError                options that make no sense (fewer than 2 articles, ...)
    ├── NotFound                  no such job (HTTP 404)
    ├── ConflictError             clashes with a job's state: an Idempotency-Key reused
    │                             with another body, the report of an unfinished job (409)
    ├── DatabaseUnavailable       the job database cannot be reached right now (HTTP 503);
    │                             the caller may retry, the workers wait and recover
    └── EngineError               an engine failed (CLI exit 1, HTTP 502)
        ├── EngineUnavailable     the engine cannot run here (not configured, not built)
        └── LLMError              an LLM call failed; carries its evidence (below)
            ├── LLMCallError      HTTP/transport failure: not retryable, or out of attempts
            │   └── LLMFormatRefused  the server refused the response_format (400/422, or a
            │                     500 naming it): never retried, the next mode is tried
            ├── LLMOutputError    the reply did not validate, even after one re-ask
            ├── LLMTruncated      finish_reason == "length": max output tokens too small
            ├── LLMRefused        the model refused to answer
            ├── LLMTooLarge       a request would not fit the context window; never sent
            ├── LLMNoClaims       no claim of an article survived grounding (``dropped``)
            └── LLMDeadline       the overall deadline passed before the call could finish

Every LLMError keeps ``attempts``, the ``last_completion`` (raw reply text, if any)
and the token ``usage`` spent on that call, so one log line is enough to diagnose it.

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


class FetchError(InputError):
    code = "fetch_failed"


class BlockedURL(FetchError):
    code = "blocked_url"


class UsageError(ParallaxError):
    code = "usage_error"


class NotFound(ParallaxError):
    code = "not_found"


class ConflictError(ParallaxError):
    code = "conflict"


class DatabaseUnavailable(ParallaxError):
    code = "database_unavailable"


class EngineError(ParallaxError):
    code = "engine_error"


class EngineUnavailable(EngineError):
    code = "engine_unavailable"


class LLMError(EngineError):
    code = "llm_error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        attempts: int = 1,
        last_completion: str | None = None,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
    ) -> None:
        self.attempts = attempts
        self.last_completion = last_completion
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        super().__init__(message, source=source)


class LLMCallError(LLMError):
    """``status`` is the HTTP status (None for a timeout or a lost connection);
    ``retryable`` and ``retry_after`` (seconds) steer the retry loop."""

    code = "llm_call_failed"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
        source: str | None = None,
        attempts: int = 1,
    ) -> None:
        self.status = status
        self.retryable = retryable
        self.retry_after = retry_after
        super().__init__(message, source=source, attempts=attempts)


class LLMFormatRefused(LLMCallError):
    """A deterministic refusal of the structured-output mode: asking again the same way
    cannot help, asking in a weaker mode can (api/engines/llm/structured.py)."""

    code = "llm_format_refused"


class LLMOutputError(LLMError):
    code = "llm_invalid_output"


class LLMTruncated(LLMError):
    code = "llm_truncated"


class LLMRefused(LLMError):
    code = "llm_refused"


class LLMTooLarge(LLMError):
    code = "llm_request_too_large"


class LLMDeadline(LLMError):
    code = "llm_deadline"


class LLMNoClaims(LLMError):
    """An article the model answered for, but whose every claim quoted text the
    article does not contain (or that had none): failed, never shown as empty."""

    code = "llm_no_claims"

    def __init__(self, message: str, *, dropped: int, source: str | None = None) -> None:
        self.dropped = dropped
        super().__init__(message, source=source)
