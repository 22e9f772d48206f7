"""Which job backend a server process uses, chosen by the settings.

- No ``PARALLAX_DATABASE_URL``: SQLite (``PARALLAX_DB_PATH``) and the in-process
  runner, exactly as a single ``parallax serve`` has always worked.
- ``PARALLAX_DATABASE_URL=postgresql://...``: the PostgreSQL store, which enqueues
  each job through Procrastinate as it creates it, and a runner that only listens for
  events; ``parallax worker`` processes run the jobs.

Routes see the same two objects either way: a store (create, get, counts, ...) and a
runner (submit, cancel, watch, wait).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

from api.jobs import queue
from api.jobs.execute import EngineFactory, OnFinish
from api.jobs.pgstore import PgJobStore
from api.jobs.queued import QueueRunner
from api.jobs.runner import JobRunner
from api.jobs.store import JobStore
from api.settings import Settings


@dataclass(frozen=True, slots=True)
class Backend:
    store: JobStore | PgJobStore
    runner: JobRunner | QueueRunner


@asynccontextmanager
async def open_backend(
    settings: Settings, engine_factory: EngineFactory, on_finish: OnFinish
) -> AsyncIterator[Backend]:
    if settings.database_url is None:
        store = JobStore(settings.db_path)
        await store.open()
        runner = JobRunner(store, settings, engine_factory, on_finish=on_finish)
        try:
            await runner.start()
            yield Backend(store, runner)
        finally:
            await runner.stop()
            await store.close()
        return
    app = queue.make_app(settings)
    pg_store = PgJobStore(
        settings, enqueue=partial(queue.enqueue, app), abort=partial(queue.abort, app)
    )
    try:
        await pg_store.open()
        listener = QueueRunner(pg_store, settings)
        await listener.start()
        try:
            yield Backend(pg_store, listener)
        finally:
            await listener.stop()
    finally:
        await pg_store.close()
