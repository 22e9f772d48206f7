"""The queue: Procrastinate on the same PostgreSQL, with one task, ``parallax.compare``.

API replicas defer a job inside the transaction that creates its row (``enqueue``)
and abort it on DELETE (``abort``); workers run it (api/jobs/worker.py). Procrastinate
owns fetching (``SELECT ... FOR UPDATE SKIP LOCKED`` plus LISTEN/NOTIFY), worker
heartbeats, retries and aborts; Parallax owns the job row, which stays the truth a
client reads.

A run that fails because the database went away is retried by Procrastinate with
backoff: the row is still ``running``, so the next attempt takes it up. Everything
else a comparison can fail with is recorded on the row as ``failed`` and the queue
job itself succeeds.
"""

from __future__ import annotations

import asyncio
from typing import cast

import procrastinate
from procrastinate.psycopg_connector import PsycopgConnector

from api.db import pg
from api.errors import DatabaseUnavailable
from api.jobs.pgstore import Connection
from api.settings import Settings

TASK = "parallax.compare"
QUEUE = "comparisons"

# CancelledError: a worker that shuts down cancels its jobs after a grace period;
# they go back to the queue. (A job cancelled by DELETE is retried too, and its
# next run stops at once: its row says cancelled.)
# Procrastinate checks with isinstance, so a BaseException works; its type says Exception.
_CANCELLED = cast(type[Exception], asyncio.CancelledError)
RETRY = procrastinate.RetryStrategy(
    max_attempts=20,
    exponential_wait=2,  # 2, 4, 8, ... seconds: PostgreSQL restarting
    retry_exceptions={DatabaseUnavailable, _CANCELLED, *pg.UNAVAILABLE},
)


def make_app(settings: Settings, *, pool_size: int = 4) -> procrastinate.App:
    connector = PsycopgConnector(
        conninfo=pg.conninfo(settings),
        min_size=1,
        max_size=pool_size,
        kwargs=pg.connect_kwargs(settings),
        timeout=settings.db_timeout_seconds,
    )
    return procrastinate.App(connector=connector)


async def enqueue(app: procrastinate.App, conn: Connection, job_id: str) -> int:
    """Defer the job on ``conn``, inside the caller's transaction; its queue id."""
    deferrer = procrastinate.tasks.configure_task(
        name=TASK, job_manager=app.job_manager, queue=QUEUE, connection=conn
    )
    queue_id: int = await deferrer.defer_async(job_id=job_id)
    return queue_id


async def abort(app: procrastinate.App, conn: Connection, queue_id: int) -> None:
    """Ask whichever worker runs it to stop (it cancels the job's task), or drop it
    from the queue if no worker has taken it yet."""
    await app.job_manager.cancel_job_by_id_async(queue_id, abort=True, connection=conn)
