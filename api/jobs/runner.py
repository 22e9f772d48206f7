"""Runs comparison jobs inside the server process, a few at a time.

Jobs wait in an in-memory queue; the database is the truth. On start the runner puts
every job that was queued or running back in the queue, so a job accepted before a
``kill -9`` runs to completion after the restart. Progress goes to the database and
to whoever watches the job (the event stream); the outcome goes to the database
before anyone is told. A job that keeps killing its server is given up after
``MAX_ATTEMPTS`` starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from api import pipeline
from api.engines.base import Engine
from api.errors import ParallaxError
from api.ingest import resolve_inputs
from api.jobs.models import ComparisonRequest, JobError, JobProgress, JobStatus
from api.jobs.store import JobStore
from api.models import Comparison, ProgressEvent, Usage
from api.settings import Settings

log = logging.getLogger("parallax.jobs")

MAX_ATTEMPTS = 3

EngineFactory = Callable[[str, Settings], Engine]
# Told of every finished job: its status and what its engine spent (for metrics).
OnFinish = Callable[[JobStatus, Usage | None], None]


@dataclass(frozen=True, slots=True)
class JobEvent:
    """What a watcher hears: progress, or the end (status finished)."""

    status: JobStatus
    progress: JobProgress | None = None


class JobRunner:
    def __init__(
        self,
        store: JobStore,
        settings: Settings,
        engine_factory: EngineFactory,
        *,
        on_finish: OnFinish | None = None,
    ) -> None:
        self._store = store
        self._settings = settings
        self._engine_factory = engine_factory
        self._on_finish = on_finish
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._running: dict[str, asyncio.Task[None]] = {}
        self._watchers: dict[str, set[asyncio.Queue[JobEvent]]] = {}

    async def start(self) -> None:
        for job_id in await self._store.requeue_unfinished():
            self._queue.put_nowait(job_id)
        self._workers = [
            asyncio.create_task(self._work(), name=f"parallax-job-worker-{n}")
            for n in range(self._settings.job_workers)
        ]

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
        self._tell(job_id, JobEvent(JobStatus.cancelled))
        return True

    @contextlib.asynccontextmanager
    async def watch(self, job_id: str) -> AsyncIterator[asyncio.Queue[JobEvent]]:
        """Hear this job's events from now on (subscribe before reading its state, so
        nothing falls between the two)."""
        events: asyncio.Queue[JobEvent] = asyncio.Queue()
        self._watchers.setdefault(job_id, set()).add(events)
        try:
            yield events
        finally:
            watchers = self._watchers.get(job_id, set())
            watchers.discard(events)
            if not watchers:
                self._watchers.pop(job_id, None)

    def watchers(self, job_id: str) -> int:
        """How many are listening to this job's events right now."""
        return len(self._watchers.get(job_id, ()))

    async def wait(self, job_id: str, timeout: float) -> None:
        """Return when the job has finished, or after ``timeout`` seconds."""
        async with self.watch(job_id) as events:
            stored = await self._store.get(job_id)
            if stored is None or stored.job.status.finished:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    while not (await events.get()).status.finished:
                        pass

    def _tell(self, job_id: str, event: JobEvent) -> None:
        for events in self._watchers.get(job_id, ()):
            events.put_nowait(event)

    async def _work(self) -> None:
        while True:
            job_id = await self._queue.get()
            task = asyncio.create_task(self._run(job_id), name=f"parallax-job-{job_id}")
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

    async def _run(self, job_id: str) -> None:
        if not await self._store.start(job_id):
            return  # cancelled while queued
        stored = await self._store.get(job_id)
        if stored is None:
            return
        extra = {"job_id": job_id, "request_id": stored.request_id}
        if stored.job.attempts > MAX_ATTEMPTS:
            log.error("giving up on a job after %d attempts", MAX_ATTEMPTS, extra=extra)
            message = f"gave up after {MAX_ATTEMPTS} attempts: the server stopped during each"
            error = JobError(code="gave_up", message=message)
            await self._finish(job_id, JobStatus.failed, None, error)
            return
        log.info("job started (attempt %d)", stored.job.attempts, extra=extra)
        request = ComparisonRequest.model_validate_json(stored.request_json)
        engine: Engine | None = None
        try:
            engine = self._engine_factory(stored.job.engine, self._settings)
            result = await self._compare(job_id, request, engine)
        except asyncio.CancelledError:
            log.info("job cancelled", extra=extra)
            raise
        except ParallaxError as exc:
            log.warning("job failed: %s", exc.code, extra=extra)
            await self._finish(
                job_id, JobStatus.failed, None, JobError(code=exc.code, message=exc.message)
            )
            return
        except Exception:
            log.exception("job failed with an internal error", extra=extra)
            error = JobError(code="internal_error", message="internal error; see the server log")
            await self._finish(job_id, JobStatus.failed, None, error, engine)
            return
        status = JobStatus.partial if result.partial else JobStatus.done
        log.info("job finished: %s", status.value, extra=extra)
        await self._finish(job_id, status, result, None, engine)

    async def _compare(self, job_id: str, request: ComparisonRequest, engine: Engine) -> Comparison:
        # URLs are fetched here, when the job runs (and again if it is resumed); a URL
        # that fails is listed under the result's errors and the job ends partial.
        articles, errors = await resolve_inputs(request.articles, self._settings)
        writes: list[asyncio.Future[bool]] = []

        def progress(event: ProgressEvent) -> None:
            # Called on the loop: queue the write (the store keeps the order) and tell
            # the watchers at once.
            writes.append(asyncio.ensure_future(self._store.progress(job_id, event)))
            self._tell(job_id, JobEvent(JobStatus.running, JobProgress(**event.model_dump())))

        try:
            return await pipeline.compare(
                articles,
                engine,
                max_words=request.max_words or self._settings.max_words,
                summary_max_words=request.summary_max_words or self._settings.summary_max_words,
                errors=errors,
                progress=progress,
            )
        finally:
            await asyncio.gather(*writes, return_exceptions=True)

    async def _finish(
        self,
        job_id: str,
        status: JobStatus,
        result: Comparison | None,
        error: JobError | None,
        engine: Engine | None = None,
    ) -> None:
        if await self._store.finish(job_id, status, result=result, error=error):
            self._tell(job_id, JobEvent(status))
            if self._on_finish is not None:
                usage = result.usage if result is not None else engine.usage if engine else None
                self._on_finish(status, usage)
