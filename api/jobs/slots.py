"""Requests in flight to the LLM, bounded across every worker: PostgreSQL advisory
locks as a counting semaphore.

There are ``n`` slots, lock keys (SLOTS_KEY, 0..n-1). A request takes a free one
with ``pg_try_advisory_lock`` on a connection of its own, holds it for the call and
unlocks it after; a worker that dies loses its connections, and with them its slots,
so a crash never leaks one. When all are taken it tries again after a short, jittered
pause: the LLM call it waits for takes far longer. If the database cannot be reached,
the request goes ahead under the process's own limit (logged): a database restart
slows nothing down and stops no comparison.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from api.db import pg
from api.settings import Settings

log = logging.getLogger("parallax.llm")

SLOTS_KEY = 0x50524C4C  # 'PRLL', the first half of every slot's lock key
RETRY_SECONDS = 0.02

_TAKE = "SELECT s FROM generate_series(0, %s - 1) AS s WHERE pg_try_advisory_lock(%s, s) LIMIT 1"


class PgSlots:
    def __init__(self, settings: Settings, n: int) -> None:
        self.settings = settings
        self.n = n
        self._pool: pg.Pool | None = None

    def slot(self) -> AbstractAsyncContextManager[None]:
        return self._slot()

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        held = await self._take()
        try:
            yield
        finally:
            if held is not None and self._pool is not None:
                conn, slot = held
                try:
                    await conn.execute("SELECT pg_advisory_unlock(%s, %s)", (SLOTS_KEY, slot))
                except pg.UNAVAILABLE:
                    pass  # a lost connection has released its locks already
                finally:
                    await self._pool.putconn(conn)

    async def _take(self) -> tuple[pg.Connection, int] | None:
        """A connection holding a slot's lock, or None if the database is away. A
        waiter gives its connection back between tries, so a worker holds about as
        many connections as it holds slots."""
        while True:
            try:
                if self._pool is None:
                    self._pool = await pg.open_pool(self.settings, max_size=self.n)
                conn = await self._pool.getconn()
            except pg.UNAVAILABLE as exc:
                log.warning("llm slots: database unavailable (%s); per-process limit only", exc)
                return None
            try:
                row = await (await conn.execute(_TAKE, (self.n, SLOTS_KEY))).fetchone()
            except BaseException as exc:
                await self._pool.putconn(conn)
                if isinstance(exc, pg.UNAVAILABLE):
                    log.warning("llm slots: database unavailable (%s); process limit only", exc)
                    return None
                raise
            if row is not None:
                return conn, int(row["s"])
            await self._pool.putconn(conn)
            await asyncio.sleep(RETRY_SECONDS * (1 + random.random()))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
