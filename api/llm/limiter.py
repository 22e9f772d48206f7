"""One limiter per process: requests in flight and tokens per minute.

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
from contextlib import asynccontextmanager


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
        async with self.slots:
            self.in_flight += 1
            self.max_seen = max(self.max_seen, self.in_flight)
            try:
                yield
            finally:
                self.in_flight -= 1


_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Limiter] = (
    weakref.WeakKeyDictionary()
)


def process_limiter(max_in_flight: int, tokens_per_minute: int) -> Limiter:
    """The running loop's limiter, created by its first caller's settings."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = Limiter(max_in_flight, tokens_per_minute)
    return limiter
