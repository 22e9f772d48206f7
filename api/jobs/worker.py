"""``parallax worker``: runs comparison jobs from the PostgreSQL queue, on any machine
that reaches the database.

A Procrastinate worker runs up to ``--concurrency`` jobs at once. Around it, this
process keeps two chores going:

- *stalled jobs*: a worker that dies (``kill -9``, a lost machine) stops sending
  heartbeats; every worker looks, every few seconds, for jobs held by workers silent
  for ``PARALLAX_WORKER_STALLED_SECONDS`` and hands them back to the queue, where
  another worker takes them (the row counts the attempt).
- *unfinished feeds*: a feed's result is written by its last story's worker; when
  that worker dies after the story's row is finished but before the feed's, or a
  story was cancelled on its own, the same look writes the feed's result
  (api.jobs.feeds.collect, which records only the first finish).
- *retention*: finished jobs past ``PARALLAX_JOB_TTL_SECONDS`` are deleted.

When PostgreSQL goes away the Procrastinate worker stops with an error; this loop
starts it again with backoff, so a database restart needs nobody's hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import procrastinate
from procrastinate.exceptions import ConnectorException

from api import engines
from api.db import pg
from api.engines.llm.limiter import share_in_flight
from api.errors import DatabaseUnavailable
from api.jobs import queue
from api.jobs.execute import EngineFactory, run_job
from api.jobs.feeds import collect
from api.jobs.pgstore import PgJobStore
from api.jobs.retention import purge, purge_forever
from api.jobs.slots import PgSlots
from api.settings import Settings

log = logging.getLogger("parallax.worker")

RESTART_MAX_SECONDS = 10.0
# What a lost database looks like from Procrastinate and from our store.
DOWN: tuple[type[Exception], ...] = (
    ConnectorException,
    DatabaseUnavailable,
    *pg.UNAVAILABLE,
    OSError,
)


def build_app(
    settings: Settings, store: PgJobStore, engine_factory: EngineFactory
) -> procrastinate.App:
    app = queue.make_app(settings)

    @app.task(name=queue.TASK, queue=queue.QUEUE, retry=queue.RETRY)
    async def compare(job_id: str) -> None:
        await run_job(job_id, store, settings, engine_factory)

    return app


async def run_worker(
    settings: Settings,
    *,
    concurrency: int | None = None,
    engine_factory: EngineFactory | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run until ``stop`` is set (or the task is cancelled)."""
    stop = stop or asyncio.Event()
    factory = engine_factory or engines.get_engine
    store = PgJobStore(settings)
    if not await _until_open(store, stop):
        return  # stopped before the database ever answered
    app = build_app(settings, store, factory)
    store.use_queue(partial(queue.enqueue, app))  # a feed's stories go on the queue
    slots = PgSlots(settings, settings.llm_max_in_flight)
    share_in_flight(slots)
    retention = _Retention(store, app)
    await purge(retention, settings.job_ttl_seconds)  # our rows; the queue's come hourly
    chores = [
        asyncio.create_task(purge_forever(retention, settings.job_ttl_seconds)),
        asyncio.create_task(_retry_stalled_forever(app, store, settings)),
    ]
    name = f"{socket.gethostname()}-{os.getpid()}"
    options: dict[str, Any] = {
        "concurrency": concurrency or settings.worker_concurrency,
        "name": name,
        "queues": [queue.QUEUE],
        "install_signal_handlers": False,
        "update_heartbeat_interval": settings.worker_heartbeat_seconds,
        "stalled_worker_timeout": settings.worker_stalled_seconds,
        "delete_jobs": "successful",
        "shutdown_graceful_timeout": 30,
    }
    delay = 0.5
    try:
        while not stop.is_set():
            try:
                async with app.open_async():
                    worker = asyncio.create_task(app.run_worker_async(**options))
                    await _first(worker, stop)
                    if stop.is_set():
                        return
                    delay = 0.5  # stopped by itself: a side task lost the database
            except DOWN as exc:
                log.warning("worker: database unavailable (%s); restarting", type(exc).__name__)
            await _sleep_unless(stop, delay)
            delay = min(delay * 2, RESTART_MAX_SECONDS)
    finally:
        for chore in chores:
            chore.cancel()
        await asyncio.gather(*chores, return_exceptions=True)
        await slots.close()
        await store.close()


async def _first(worker: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Wait for the worker to end, or for ``stop``; then stop it gracefully (running
    jobs get ``shutdown_graceful_timeout`` to finish, then go back to the queue)."""
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not worker.done():
            worker.cancel()  # Procrastinate turns this into a graceful stop
        with contextlib.suppress(asyncio.CancelledError):
            await worker  # re-raises what stopped it (a lost database: DOWN)


async def _until_open(store: PgJobStore, stop: asyncio.Event) -> bool:
    """Open the store (and migrate), retrying while the database is away; False if
    stopped first."""
    delay = 0.5
    while not stop.is_set():
        try:
            await store.open()
            return True
        except DOWN as exc:
            await store.close()
            log.warning("worker: cannot open the database (%s); retrying", type(exc).__name__)
        await _sleep_unless(stop, delay)
        delay = min(delay * 2, RESTART_MAX_SECONDS)
    return False


class _Retention:
    """Purges our finished jobs, and the queue's own record of finished queue jobs
    (succeeded ones are deleted at once; failed, cancelled, aborted ones stay until
    then, for whoever investigates)."""

    def __init__(self, store: PgJobStore, app: procrastinate.App) -> None:
        self.store = store
        self.app = app

    async def purge(self, ttl_seconds: float) -> int:
        purged = await self.store.purge(ttl_seconds)
        try:
            await self.app.job_manager.delete_old_jobs(
                nb_hours=max(1, int(ttl_seconds // 3600)),
                queue=queue.QUEUE,
                include_failed=True,
                include_cancelled=True,
                include_aborted=True,
            )
        except Exception as exc:  # the queue is not open yet, or reconnecting
            log.debug("worker: queue retention skipped (%s)", type(exc).__name__)
        return purged


async def _retry_stalled_forever(
    app: procrastinate.App, store: PgJobStore, settings: Settings
) -> None:
    interval = max(0.5, min(settings.worker_stalled_seconds / 3, 10.0))
    while True:
        await asyncio.sleep(interval)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                queue=queue.QUEUE, seconds_since_heartbeat=settings.worker_stalled_seconds
            )
            for job in stalled:
                log.warning("worker: job %s lost its worker; back to the queue", job.id)
                await app.job_manager.retry_job(job)
            await collect_unfinished_feeds(store)
        except Exception as exc:  # the app is closed while restarting, or the db is down
            log.debug("worker: stalled-job check skipped (%s)", type(exc).__name__)


async def collect_unfinished_feeds(store: PgJobStore) -> int:
    """Write the result of every feed whose stories all ended without it; how many."""
    feeds = await store.unfinished_feeds()
    for feed_id in feeds:
        log.warning("worker: feed %s had every story finished but no result", feed_id)
        await collect(store, feed_id)
    return len(feeds)


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_until_signalled(
    settings: Settings,
    *,
    concurrency: int | None = None,
    engine_factory: EngineFactory | None = None,
) -> None:
    """``parallax worker``: run until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # As in `serve` (api/http/app.py): the pipeline's CPU steps on PARALLAX_CPU_THREADS
    # threads; more than the cores only keep the loop (and its heartbeat) waiting.
    loop.set_default_executor(
        ThreadPoolExecutor(settings.cpu_threads, thread_name_prefix="parallax-cpu")
    )
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await run_worker(settings, concurrency=concurrency, engine_factory=engine_factory, stop=stop)
