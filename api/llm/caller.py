"""One structured LLM call, end to end: build the request, check that it fits the
context window, answer from the cache, else take a limiter slot and send it under the
retry policy, then validate the reply (re-asking once with the validation error) and
cache it.

Failures become :class:`~api.errors.LLMError` subclasses that carry the attempts,
the last raw reply and the tokens spent on that call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.errors import LLMCallError, LLMError, LLMOutputError, LLMRefused, LLMTooLarge, LLMTruncated
from api.llm import client as llm_client
from api.llm.cache import ReplyStore, cache_key
from api.llm.limiter import process_limiter
from api.llm.prompts import PromptFile
from api.llm.retry import Deadline, RetryPolicy, with_retries
from api.llm.usage import Meter
from api.settings import Settings
from api.tokens import count_tokens

R = TypeVar("R", bound=BaseModel)

# Chat formatting costs a few tokens per message on top of the contents.
_PER_MESSAGE = 4
_PER_REQUEST = 3


@dataclass(frozen=True, slots=True)
class Request:
    """A request ready to send, and its counted prompt tokens."""

    prompt: PromptFile
    body: dict[str, Any]
    tokens: int


def count_request(body: dict[str, Any]) -> int:
    """Prompt tokens of a request body as cl100k counts them, the schema included
    (servers count a response_format schema as prompt)."""
    total = _PER_REQUEST
    for message in body["messages"]:
        total += _PER_MESSAGE + count_tokens(message["content"])
    fmt = body.get("response_format", {})
    if fmt.get("type") == "json_schema":
        total += count_tokens(json.dumps(fmt["json_schema"]["schema"]))
    return total


class Caller:
    def __init__(self, settings: Settings, meter: Meter, cache: ReplyStore | None) -> None:
        if settings.llm_model is None:
            raise ValueError("settings.llm_model is required")
        self.settings = settings
        self.model: str = settings.llm_model
        self.meter = meter
        self.cache = cache
        self.client = llm_client.make_client(settings)
        self.policy = RetryPolicy(
            settings.llm_max_attempts,
            settings.llm_retry_base_seconds,
            settings.llm_retry_max_seconds,
        )
        self.deadline: Deadline | None = None

    # -----------------------------------------------------------------------------
    # Building

    def build(self, prompt: PromptFile, reply: type[BaseModel], **values: str) -> Request:
        system, user = prompt.render(**values)
        schema = llm_client.strict_schema(reply)
        if self.settings.llm_structured_output == "json_schema":
            fmt: dict[str, Any] = {
                "type": "json_schema",
                "json_schema": {
                    "name": f"parallax_{prompt.name}",
                    "strict": True,
                    "schema": schema,
                },
            }
        else:  # the server cannot enforce a schema: describe it in the instructions
            system += "\n\nReply with only a JSON object matching this JSON schema:\n"
            system += json.dumps(schema, separators=(",", ":"))
            fmt = {"type": "json_object"}
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "max_tokens": self.settings.llm_max_output_tokens,
            "temperature": 0,
            "response_format": fmt,
        }
        return Request(prompt, body, count_request(body))

    def fits(self, tokens: int) -> bool:
        return tokens + self.settings.llm_max_output_tokens <= self.settings.llm_context_window

    # -----------------------------------------------------------------------------
    # Calling

    async def call(
        self, request: Request, reply: type[R], context: dict[str, Any] | None = None
    ) -> R:
        """The validated reply to ``request``."""
        key = cache_key(self.model, request.prompt.tag, request.body)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    parsed = reply.model_validate_json(hit[0], context=context)
                except ValidationError:
                    pass  # a reply from an older schema: ask again
                else:
                    self.meter.totals.cached_calls += 1
                    return parsed
        spent = [0, 0]
        first = await self._send(request.body, request.tokens, spent)
        try:
            parsed = reply.model_validate_json(first, context=context)
            content = first
        except ValidationError as exc:
            # Re-ask once, with the reply and what was wrong with it.
            body = dict(request.body)
            body["messages"] = [
                *request.body["messages"],
                {"role": "assistant", "content": first},
                {"role": "user", "content": _reask_text(exc)},
            ]
            content = await self._send(body, count_request(body), spent)
            try:
                parsed = reply.model_validate_json(content, context=context)
            except ValidationError as again:
                raise LLMOutputError(
                    f"{request.prompt.tag}: invalid reply after a re-ask: {_errors(again)}",
                    attempts=2,
                    last_completion=content,
                    prompt_tokens=spent[0],
                    completion_tokens=spent[1],
                ) from again
        if self.cache is not None:
            self.cache.put(
                key,
                model=self.model,
                prompt=request.prompt.tag,
                content=content,
                usage=(spent[0], spent[1]),
            )
        return parsed

    async def _send(self, body: dict[str, Any], tokens: int, spent: list[int]) -> str:
        if not self.fits(tokens):
            raise LLMTooLarge(
                f"{tokens} prompt tokens + {self.settings.llm_max_output_tokens} output tokens "
                f"exceed the {self.settings.llm_context_window}-token context window"
            )
        if self.deadline is None:
            self.deadline = Deadline(self.settings.llm_deadline_seconds)
        deadline = self.deadline
        limiter = process_limiter(
            self.settings.llm_max_in_flight, self.settings.llm_tokens_per_minute
        )
        cost = tokens + self.settings.llm_max_output_tokens

        async def attempt() -> llm_client.ChatReply:
            async with limiter.slot(cost):
                timeout = max(min(self.settings.llm_timeout_seconds, deadline.remaining()), 0.001)
                return await llm_client.chat(self.client, body, timeout)

        def on_retry() -> None:
            self.meter.totals.retries += 1

        try:
            answer = await with_retries(attempt, self.policy, deadline, on_retry)
        except LLMCallError:
            raise
        except LLMError as exc:
            exc.prompt_tokens, exc.completion_tokens = spent
            raise
        prompt_tokens = answer.prompt_tokens or tokens
        self.meter.call(prompt_tokens, answer.completion_tokens)
        spent[0] += prompt_tokens
        spent[1] += answer.completion_tokens
        evidence: dict[str, Any] = {
            "last_completion": answer.content,
            "prompt_tokens": spent[0],
            "completion_tokens": spent[1],
        }
        if answer.refusal:
            raise LLMRefused(f"the model refused: {answer.refusal}", **evidence)
        if answer.finish_reason == "length":
            raise LLMTruncated(
                f"the reply was cut off at {self.settings.llm_max_output_tokens} tokens "
                "(raise PARALLAX_LLM_MAX_OUTPUT_TOKENS)",
                **evidence,
            )
        if answer.finish_reason == "content_filter":
            raise LLMRefused("the reply was withheld by the content filter", **evidence)
        return answer.content or ""


def _errors(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in exc.errors()[:8]
    )


def _reask_text(exc: ValidationError) -> str:
    return (
        "Your reply was not valid: "
        + _errors(exc)
        + ". Reply again with only the corrected JSON object."
    )
