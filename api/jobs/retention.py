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


async def purge_forever(store: PurgeStore, ttl_seconds: float) -> None:
    """Purge now, then every hour (or every TTL, if shorter). A failed purge (the
    database is down) is logged and tried again next time."""
    interval = max(1.0, min(MAX_INTERVAL_SECONDS, float(ttl_seconds)))
    while True:
        try:
            purged = await store.purge(ttl_seconds)
        except Exception as exc:  # a maintenance chore never stops the process
            log.warning("job retention: purge failed (%s)", type(exc).__name__)
        else:
            if purged:
                log.info("job retention: purged %d finished jobs", purged)
        await asyncio.sleep(interval)
