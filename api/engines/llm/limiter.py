"""One limiter per process: requests in flight and tokens per minute.

A worker of a PostgreSQL deployment also installs :func:`share_in_flight` slots, so
requests in flight are bounded across all workers together (api/jobs/slots.py);
tokens per minute stay per process.

Every LLM request of every comparison running in this process takes a slot and its
tokens (prompt + max output) from the same :class:`Limiter`, so an HTTP service that
runs many comparisons at once stays within the provider's limits. asyncio primitives
belong to one event loop, so "per process" means one per running loop: a CLI run and
the HTTP service each have exactly one.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol


class SharedSlots(Protocol):
    """In-flight slots shared with other processes; ``slot()`` holds one."""

    def slot(self) -> AbstractAsyncContextManager[None]: ...


class Limiter:
    def __init__(self, max_in_flight: int, tokens_per_minute: int) -> None:
        self.slots = asyncio.Semaphore(max_in_flight)
        self.capacity = float(tokens_per_minute)
        self.rate = tokens_per_minute / 60.0  # tokens refilled per second
        self.available = self.capacity
        self.updated = time.monotonic()
        self.lock = asyncio.Lock()
        self.in_flight = 0
        self.max_seen = 0
        self.shared: SharedSlots | None = None

    def _refill(self) -> None:
        now = time.monotonic()
        self.available = min(self.capacity, self.available + (now - self.updated) * self.rate)
        self.updated = now

    async def _take_tokens(self, tokens: int) -> None:
        # A request larger than the whole budget waits for a full bucket, then goes.
        need = min(float(tokens), self.capacity)
        async with self.lock:  # first come, first served
            self._refill()
            while self.available < need:
                await asyncio.sleep((need - self.available) / self.rate)
                self._refill()
            self.available -= need

    @asynccontextmanager
    async def slot(self, tokens: int) -> AsyncIterator[None]:
        await self._take_tokens(tokens)
        async with self.slots, _shared(self.shared):
            self.in_flight += 1
            self.max_seen = max(self.max_seen, self.in_flight)
            try:
                yield
            finally:
                self.in_flight -= 1


def _shared(shared: SharedSlots | None) -> AbstractAsyncContextManager[None]:
    return shared.slot() if shared is not None else _no_slot()


@asynccontextmanager
async def _no_slot() -> AsyncIterator[None]:
    yield


_SHARED: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SharedSlots] = (
    weakref.WeakKeyDictionary()
)
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Limiter] = (
    weakref.WeakKeyDictionary()
)


def process_limiter(max_in_flight: int, tokens_per_minute: int) -> Limiter:
    """The running loop's limiter, created by its first caller's settings."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = Limiter(max_in_flight, tokens_per_minute)
        limiter.shared = _SHARED.get(loop)
    return limiter


def share_in_flight(slots: SharedSlots) -> None:
    """From now on, the running loop's limiter also holds one of ``slots`` per request."""
    loop = asyncio.get_running_loop()
    _SHARED[loop] = slots
    if (limiter := _LIMITERS.get(loop)) is not None:
        limiter.shared = slots
