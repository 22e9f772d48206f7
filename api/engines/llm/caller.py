"""One structured LLM call, end to end: build the request, check that it fits the
context window, answer from the cache, else take a limiter slot and send it under the
retry policy, then validate the reply (re-asking once with the validation error) and
cache it.

How the schema travels (``response_format``) is negotiated per endpoint and model
(:mod:`api.engines.llm.structured`): a request refused in one mode is sent again in the next,
without spending the retry budget. Failures become :class:`~api.errors.LLMError`
subclasses that carry the attempts, the last raw reply and the tokens spent on that
call.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.engines.llm import sdk, structured
from api.engines.llm.cache import ReplyStore, cache_key
from api.engines.llm.limiter import process_limiter
from api.engines.llm.prompts import PromptFile
from api.engines.llm.retry import Deadline, RetryPolicy, with_retries
from api.engines.llm.structured import Mode, Negotiator
from api.engines.llm.usage import Meter
from api.errors import (
    LLMCallError,
    LLMError,
    LLMFormatRefused,
    LLMOutputError,
    LLMRefused,
    LLMTooLarge,
    LLMTruncated,
)
from api.settings import Settings
from api.text.tokens import count_tokens

if TYPE_CHECKING:  # the SDK is imported when the first request is sent, not before
    from api.engines.llm.client import ChatReply, Client

R = TypeVar("R", bound=BaseModel)
log = logging.getLogger(__name__)

# Chat formatting costs a few tokens per message on top of the contents.
_PER_MESSAGE = 4
_PER_REQUEST = 3


@dataclass(frozen=True, slots=True)
class Request:
    """A request ready to send in any structured-output mode, and its counted prompt
    tokens (the same in every mode: see :func:`api.engines.llm.structured.schema_overhead`).
    ``choices`` are the values some string properties may take where the server
    enforces them without prompt tokens (:func:`api.engines.llm.structured.response_format`)."""

    prompt: PromptFile
    system: str
    user: str
    schema: dict[str, Any]
    tokens: int
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


def count_request(body: dict[str, Any]) -> int:
    """Prompt tokens of a request body as cl100k counts them, a json_schema included
    (a hosted server may count it as prompt). The schema of json_object_schema is not:
    that server makes a grammar of it, and its quote choices are as long as the text."""
    total = _PER_REQUEST
    for message in body["messages"]:
        total += _PER_MESSAGE + count_tokens(message["content"])
    schema = body.get("response_format", {}).get("json_schema", {}).get("schema")
    if schema is not None:
        total += count_tokens(structured.schema_overhead(schema))
    return total


class Caller:
    # How long after the first requests go out the work that fills their wait starts
    # (see while_waiting): time for the loop to write them.
    settle_seconds = 0.01

    def __init__(self, settings: Settings, meter: Meter, cache: ReplyStore | None) -> None:
        if settings.llm_model is None:
            raise ValueError("settings.llm_model is required")
        self.settings = settings
        self.model: str = settings.llm_model
        self.meter = meter
        self.cache = cache
        forced = settings.llm_structured_output
        self.negotiator = Negotiator(
            settings.llm_base_url, self.model, None if forced == "auto" else forced, cache
        )
        self._client: Future[Client] | None = None
        self.policy = RetryPolicy(
            settings.llm_max_attempts,
            settings.llm_retry_base_seconds,
            settings.llm_retry_max_seconds,
        )
        self.deadline: Deadline | None = None
        self._waiting: list[Callable[[], object]] = []
        self._loading = 0  # calls waiting for the SDK's client

    # -----------------------------------------------------------------------------
    # Building

    def build(
        self,
        prompt: PromptFile,
        schema: dict[str, Any],
        *,
        choices: Mapping[str, Sequence[str]] | None = None,
        **values: str,
    ) -> Request:
        system, user = prompt.render(**values)
        fixed = _PER_REQUEST + 2 * _PER_MESSAGE + count_tokens(user)
        described = count_tokens(structured.instructions("json_object", system, schema))
        attached = count_tokens(system) + count_tokens(structured.schema_overhead(schema))
        tokens = fixed + max(described, attached)
        return Request(prompt, system, user, schema, tokens, choices or {})

    def body(self, request: Request, mode: Mode) -> dict[str, Any]:
        """The request body in ``mode``."""
        return {
            "model": self.model,
            "messages": [
                {
                    "role": "system",
                    "content": structured.instructions(mode, request.system, request.schema),
                },
                {"role": "user", "content": request.user},
            ],
            "max_tokens": self.settings.llm_max_output_tokens,
            "temperature": 0,
            "response_format": structured.response_format(
                mode, f"parallax_{request.prompt.name}", request.schema, request.choices
            ),
        }

    def key(self, request: Request, mode: Mode | None = None) -> str:
        body = self.body(request, mode or self.negotiator.mode)
        return cache_key(self.model, request.prompt.tag, body)

    def fits(self, tokens: int) -> bool:
        return tokens + self.settings.llm_max_output_tokens <= self.settings.llm_context_window

    # -----------------------------------------------------------------------------
    # Calling

    async def call(
        self, request: Request, reply: type[R], context: dict[str, Any] | None = None
    ) -> R:
        """The validated reply to ``request``, in the strongest mode the server takes."""
        mode = self.negotiator.mode
        while True:
            try:
                return await self._ask(request, mode, reply, context)
            except LLMFormatRefused as exc:
                following = self.negotiator.refused(mode)
                if following is None:
                    raise
                log.info(
                    "the server refused response_format %s (HTTP %s); trying %s",
                    mode,
                    exc.status,
                    following,
                )
                mode = following

    async def _ask(
        self, request: Request, mode: Mode, reply: type[R], context: dict[str, Any] | None
    ) -> R:
        body = self.body(request, mode)
        key = cache_key(self.model, request.prompt.tag, body)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    parsed = validate(reply, hit[0], context)
                except ValidationError:
                    pass  # a reply from an older schema: ask again
                else:
                    self.meter.totals.cached_calls += 1
                    return parsed
        spent = [0, 0]
        first = await self._send(body, request.tokens, spent, mode)
        try:
            parsed = validate(reply, first, context)
            content = first
        except ValidationError as exc:
            # Re-ask once, with the reply and what was wrong with it.
            again = dict(body)
            again["messages"] = [
                *body["messages"],
                {"role": "assistant", "content": first},
                {"role": "user", "content": _reask_text(exc)},
            ]
            content = await self._send(again, count_request(again), spent, mode)
            try:
                parsed = validate(reply, content, context)
            except ValidationError as invalid:
                raise LLMOutputError(
                    f"{request.prompt.tag}: invalid reply after a re-ask: {_errors(invalid)}",
                    attempts=2,
                    last_completion=content,
                    prompt_tokens=spent[0],
                    completion_tokens=spent[1],
                ) from invalid
        if self.cache is not None:
            self.cache.put(
                key,
                model=self.model,
                prompt=request.prompt.tag,
                content=content,
                usage=(spent[0], spent[1]),
            )
        return parsed

    def start_client(self) -> None:
        """Start importing the SDK and building its client in a worker thread, once
        (:mod:`api.engines.llm.sdk`): on the event loop the import would stall the process."""
        if self._client is None:
            self._client = sdk.load_client(self.settings)

    def while_waiting(self, work: Callable[[], object]) -> None:
        """Run ``work`` in a worker thread once the first requests are in flight: CPU
        work that then fills the wait for their replies instead of following it, and
        does not hold up the requests (under the GIL, work started with them would).
        Never, if everything is answered from the cache; dropped if the event loop
        ends first (the work must be an optimisation, done again where it is needed)."""
        self._waiting.append(work)

    async def _sdk(self) -> Client:
        """The SDK's client, imported and built on first use, off the event loop."""
        self.start_client()
        assert self._client is not None
        return await asyncio.wrap_future(self._client)

    async def _send(self, body: dict[str, Any], tokens: int, spent: list[int], mode: Mode) -> str:
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
        self._loading += 1
        try:
            client = await self._sdk()
        finally:
            self._loading -= 1

        from api.engines.llm.client import chat  # loaded by _sdk's thread: a dictionary lookup

        async def attempt() -> ChatReply:
            async with limiter.slot(cost):
                if self._waiting and not self._loading:
                    # Every call that waited for the SDK is on its way: the work starts
                    # once they had a moment to write their requests (on the loop, not
                    # fighting it for the GIL), and fills the wait for the replies.
                    work, self._waiting = self._waiting, []
                    asyncio.get_running_loop().call_later(self.settle_seconds, _start, work)
                timeout = max(min(self.settings.llm_timeout_seconds, deadline.remaining()), 0.001)
                return await chat(client, body, timeout)

        def on_retry() -> None:
            self.meter.totals.retries += 1

        try:
            answer = await with_retries(attempt, self.policy, deadline, on_retry)
        except LLMCallError:
            raise
        except LLMError as exc:
            exc.prompt_tokens, exc.completion_tokens = spent
            raise
        self.negotiator.worked(mode)  # the server took the format, whatever the reply says
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


def _start(work: list[Callable[[], object]]) -> None:
    for one in work:
        sdk.in_thread(one, "parallax-while-waiting")


def validate(reply: type[R], content: str, context: dict[str, Any] | None) -> R:
    """``content`` as a ``reply``. JSON that is invalid only for a raw control character
    inside a string (a newline: llama.cpp's JSON grammar lets the model write one) is
    read leniently rather than asked again."""
    try:
        return reply.model_validate_json(content, context=context)
    except ValidationError as exc:
        if not any(e["type"] == "json_invalid" for e in exc.errors()):
            raise
        try:
            data = json.loads(content, strict=False)
        except ValueError:
            raise exc from None
        return reply.model_validate(data, context=context)


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
