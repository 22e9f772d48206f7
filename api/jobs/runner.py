"""Runs comparison jobs inside the server process, a few at a time (SQLite only).

Jobs wait in an in-memory queue; the database is the truth. On start the runner puts
every job that was queued or running back in the queue, so a job accepted before a
``kill -9`` runs to completion after the restart. It also purges finished jobs past
``PARALLAX_JOB_TTL_SECONDS``, once at start and then every hour. With PostgreSQL,
Procrastinate workers run the jobs instead (api/jobs/queued.py, api/jobs/worker.py).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from api.jobs.events import JobEvent, Watched
from api.jobs.execute import EngineFactory, OnFinish, has_finished, run_job
from api.jobs.models import JobStatus
from api.jobs.retention import purge, purge_forever
from api.jobs.store import JobStore
from api.settings import Settings

log = logging.getLogger("parallax.jobs")


class JobRunner(Watched):
    def __init__(
        self,
        store: JobStore,
        settings: Settings,
        engine_factory: EngineFactory,
        *,
        on_finish: OnFinish | None = None,
    ) -> None:
        super().__init__(partial(has_finished, store))
        self._store = store
        self._settings = settings
        self._engine_factory = engine_factory
        self._on_finish = on_finish
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._running: dict[str, asyncio.Task[None]] = {}

    async def start(self) -> None:
        for job_id in await self._store.requeue_unfinished():
            self._queue.put_nowait(job_id)
        self._workers = [
            asyncio.create_task(self._work(), name=f"parallax-job-worker-{n}")
            for n in range(self._settings.job_workers)
        ]
        ttl = self._settings.job_ttl_seconds
        await purge(self._store, ttl)
        chore = purge_forever(self._store, ttl)
        self._workers.append(asyncio.create_task(chore, name="parallax-job-retention"))

    async def stop(self) -> None:
        """Stop working; running jobs stay 'running' in the database and run again on
        the next start."""
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    def submit(self, job_id: str) -> None:
        self._queue.put_nowait(job_id)

    async def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; False if it had already finished."""
        if not await self._store.cancel(job_id):
            return False
        task = self._running.get(job_id)
        if task is not None:
            task.cancel()
        self.hub.tell(job_id, JobEvent(JobStatus.cancelled))
        return True

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            run = run_job(
                job_id,
                self._store,
                self._settings,
                self._engine_factory,
                tell=self.hub.tell,
                on_finish=self._on_finish,
            )
            task = asyncio.create_task(run, name=f"parallax-job-{job_id}")
            self._running[job_id] = task
            try:
                # asyncio.wait, not await: a job's own cancellation must not stop the worker.
                await asyncio.wait({task})
            except asyncio.CancelledError:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                raise
            finally:
                self._running.pop(job_id, None)
            if not task.cancelled() and (error := task.exception()) is not None:
                # Only the store can fail here; the job stays 'running' in the database
                # and runs again on the next start.
                log.error(
                    "job runner error", exc_info=error, extra={"job_id": job_id, "request_id": None}
                )
