"""Retention: finished jobs and their results are deleted ``PARALLAX_JOB_TTL_SECONDS``
after they finished, on either backend. Queued and running jobs are never touched."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

log = logging.getLogger("parallax.jobs")

MAX_INTERVAL_SECONDS = 3600.0


class PurgeStore(Protocol):
    async def purge(self, ttl_seconds: float) -> int: ...


async def purge(store: PurgeStore, ttl_seconds: float) -> None:
    """Purge once. A failed purge (the database is down) is logged and tried again
    next time; a maintenance chore never stops the process."""
    try:
        purged = await store.purge(ttl_seconds)
    except Exception as exc:
        log.warning("job retention: purge failed (%s)", type(exc).__name__)
    else:
        if purged:
            log.info("job retention: purged %d finished jobs", purged)


async def purge_forever(store: PurgeStore, ttl_seconds: float) -> None:
    """Purge every hour (or every TTL, if shorter), the first time after one wait:
    the process purges once as it starts."""
    interval = max(1.0, min(MAX_INTERVAL_SECONDS, float(ttl_seconds)))
    while True:
        await asyncio.sleep(interval)
        await purge(store, ttl_seconds)
