"""Retries of one LLM call, owned by tenacity.

Retried: errors that :mod:`api.engines.llm.client` marks retryable (429, 5xx, 408/409,
timeouts, lost connections, ``x-should-retry: true``). Never retried: other 4xx
(400, 401, 403, 404), ``insufficient_quota``, ``x-should-retry: false``. The wait is
exponential with jitter, or what the server asked for (``retry-after-ms`` /
``Retry-After``), capped either way; the attempts stop at the budget or when the next
wait would pass the overall deadline.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from api.errors import LLMCallError, LLMDeadline

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_wait_seconds: float


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, LLMCallError) and exc.retryable


class Deadline:
    """A point in monotonic time that every call of one engine run must finish by."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    deadline: Deadline,
    on_retry: Callable[[], None],
) -> T:
    """Run ``call`` under ``policy``. Raises the last error with ``attempts`` set."""
    backoff = wait_exponential_jitter(
        multiplier=policy.base_seconds, max=policy.max_wait_seconds, jitter=policy.base_seconds
    )

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.retry_after if isinstance(exc, LLMCallError) else None
        seconds = backoff(state) if asked is None else asked
        return min(seconds, policy.max_wait_seconds)

    def stop(state: RetryCallState) -> bool:
        if stop_after_attempt(policy.max_attempts)(state):
            return True
        return deadline.remaining() <= wait(state)

    def before_sleep(_: RetryCallState) -> None:
        on_retry()

    retrying = AsyncRetrying(
        stop=stop,
        wait=wait,
        retry=retry_if_exception(_retryable),
        before_sleep=before_sleep,
        reraise=True,
    )
    attempt_no = 0
    try:
        async for attempt in retrying:
            with attempt:
                attempt_no = attempt.retry_state.attempt_number
                if deadline.remaining() <= 0:
                    raise LLMDeadline("the overall deadline passed", attempts=attempt_no)
                return await call()
    except LLMCallError as exc:
        exc.attempts = attempt_no
        if exc.retryable:
            exc.message = f"{exc.message} (gave up after {attempt_no} attempts)"
        raise
    raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover
