"""The one module that imports ``openai``: build the client, send one chat request.

Everything the rest of Parallax needs from the SDK crosses this boundary as plain
data (:class:`ChatReply`) or as an :class:`~api.errors.LLMCallError` that says whether
the failure is worth retrying and how long the server asked us to wait. The SDK never
retries (``max_retries=0``): tenacity in :mod:`api.engines.llm.retry` owns every retry, so
attempts never multiply.

Importing ``openai`` costs most of a second, so nothing imports this module until a
request is actually sent: a comparison answered from the cache, ``--dry-run`` and the
offline engine never pay for it. The caller imports it (and builds the client) in a
worker thread, so the import never stalls the event loop.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

import httpx
import openai
from openai.types.chat import ChatCompletion

from api.errors import LLMCallError, LLMFormatRefused
from api.settings import Settings

# Servers that need no key (vLLM, Ollama, llama.cpp) still get one: the SDK insists.
DUMMY_KEY = "not-needed"
# 4xx statuses that are worth another try; every other 4xx is final.
_RETRYABLE_4XX = frozenset({408, 409, 429})
# What a server that does not speak a response_format answers: a validation error
# (400/422), or, from some (llama-cpp-python), a 500 whose body names the field.
_REFUSAL_4XX = frozenset({400, 422})


Client = openai.AsyncOpenAI


@dataclass(frozen=True, slots=True)
class ChatReply:
    content: str | None
    refusal: str | None
    finish_reason: str | None
    prompt_tokens: int
    completion_tokens: int


def make_client(settings: Settings) -> Client:
    return openai.AsyncOpenAI(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or DUMMY_KEY,
        max_retries=0,
        timeout=settings.llm_timeout_seconds,
    )


async def chat(client: Client, body: dict[str, Any], timeout: float) -> ChatReply:
    """Send one request; raise LLMCallError (classified) on any HTTP or transport failure."""
    try:
        # The SDK's own POST, not client.chat.completions: that attribute imports every
        # API resource module (~0.9 s on a busy 2-core machine) for the one we use.
        completion = await client.post(
            "/chat/completions", body=body, cast_to=ChatCompletion, options={"timeout": timeout}
        )
    except openai.APIStatusError as exc:
        raise _status_error(exc) from exc
    except openai.APITimeoutError as exc:
        raise LLMCallError("the request timed out", retryable=True) from exc
    except openai.APIConnectionError as exc:
        raise LLMCallError(f"connection failed: {exc}", retryable=True) from exc
    if not completion.choices:
        raise LLMCallError("the reply has no choices", retryable=True)
    choice = completion.choices[0]
    usage = completion.usage
    return ChatReply(
        content=choice.message.content,
        refusal=getattr(choice.message, "refusal", None),
        finish_reason=choice.finish_reason,
        prompt_tokens=usage.prompt_tokens if usage else 0,
        completion_tokens=usage.completion_tokens if usage else 0,
    )


def _status_error(exc: openai.APIStatusError) -> LLMCallError:
    status = exc.status_code
    headers = exc.response.headers
    code = getattr(exc, "code", None) or _body_code(exc.body)
    should_retry = headers.get("x-should-retry", "").lower()
    if code == "insufficient_quota" or should_retry == "false":
        retryable = False
    elif should_retry == "true":
        retryable = True
    else:
        retryable = status >= 500 or status in _RETRYABLE_4XX
    detail = f" ({code})" if code else ""
    message = f"HTTP {status}{detail}: {_short(exc.message)}"
    if status in _REFUSAL_4XX or (status >= 500 and "response_format" in _body_text(exc)):
        # Deterministic: the same request fails the same way, so it is never retried.
        return LLMFormatRefused(message, status=status)
    return LLMCallError(
        message,
        status=status,
        retryable=retryable,
        retry_after=retry_after_seconds(headers),
    )


def _body_text(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.text
    except httpx.ResponseNotRead:
        return f"{exc.message} {exc.body}"


def _body_code(body: object) -> str | None:
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("code"), str):
            return str(inner["code"])
    return None


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The wait the server asked for: ``retry-after-ms``, else ``Retry-After`` in
    seconds or as an HTTP date. None when absent or unreadable."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
