"""One run of one job, wherever it runs: the in-process runner (SQLite) or a
Procrastinate worker (PostgreSQL).

Progress and the outcome go to the store (which, on PostgreSQL, NOTIFYs every
replica), and only then to ``tell`` (the in-process watchers). A job that was
started ``MAX_ATTEMPTS`` times without finishing (its process died each time) is
failed rather than run again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from api.compare import pipeline
from api.engines.base import Engine
from api.errors import ParallaxError
from api.ingest.inputs import resolve_inputs
from api.jobs import feeds
from api.jobs.events import JobEvent
from api.jobs.models import ComparisonRequest, JobError, JobProgress, JobStatus
from api.jobs.rows import StoredJob
from api.models import Comparison, ProgressEvent, Stories, Usage
from api.settings import Settings

log = logging.getLogger("parallax.jobs")

MAX_ATTEMPTS = 3

EngineFactory = Callable[[str, Settings], Engine]
# Told of every finished job: its status and what its engine spent (for metrics).
OnFinish = Callable[[JobStatus, Usage | None], None]
Tell = Callable[[str, JobEvent], None]


class RunStore(Protocol):
    """What a run needs of a store (both stores have it)."""

    async def start(self, job_id: str) -> bool: ...
    async def get(self, job_id: str) -> StoredJob | None: ...
    async def progress(self, job_id: str, event: ProgressEvent | JobProgress) -> bool: ...
    async def finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: Comparison | Stories | None,
        error: JobError | None,
    ) -> bool: ...


async def run_job(
    job_id: str,
    store: RunStore,
    settings: Settings,
    engine_factory: EngineFactory,
    *,
    tell: Tell | None = None,
    on_finish: OnFinish | None = None,
) -> None:
    """Run the job to its end (or until cancelled: CancelledError propagates)."""
    if not await store.start(job_id):
        return  # cancelled while queued, or already finished
    stored = await store.get(job_id)
    if stored is None:
        return
    extra = {"job_id": job_id, "request_id": stored.request_id}

    async def finish(
        status: JobStatus,
        result: Comparison | Stories | None,
        error: JobError | None,
        engine: Engine | None = None,
    ) -> None:
        if await store.finish(job_id, status, result=result, error=error):
            if tell is not None:
                tell(job_id, JobEvent(status))
            if on_finish is not None:
                usage = result.usage if result is not None else engine.usage if engine else None
                on_finish(status, usage)
        if (feed := feeds.feed_of(stored)) is not None:
            await feeds.collect(store, feed)  # one of a feed's stories: the feed's turn

    if stored.job.attempts > MAX_ATTEMPTS:
        log.error("giving up on a job after %d attempts", MAX_ATTEMPTS, extra=extra)
        message = f"gave up after {MAX_ATTEMPTS} attempts: its process stopped during each"
        await finish(JobStatus.failed, None, JobError(code="gave_up", message=message))
        return
    log.info("job started (attempt %d)", stored.job.attempts, extra=extra)
    engine: Engine | None = None
    result: Comparison | Stories | None
    try:
        engine = engine_factory(stored.job.engine, settings)
        if stored.kind == "stories":
            result = await feeds.run_feed_job(
                job_id,
                stored,
                store,
                settings,
                engine_factory,
                engine,
                _writer(job_id, store, tell),
            )
        elif stored.kind == "story":
            result = await feeds.run_story_job(stored, engine)
        else:
            request = ComparisonRequest.model_validate_json(stored.request_json)
            result = await _compare(job_id, request, engine, store, settings, tell)
    except asyncio.CancelledError:
        log.info("job cancelled", extra=extra)
        raise
    except ParallaxError as exc:
        log.warning("job failed: %s", exc.code, extra=extra)
        await finish(JobStatus.failed, None, JobError(code=exc.code, message=exc.message))
        return
    except Exception:
        log.exception("job failed with an internal error", extra=extra)
        error = JobError(code="internal_error", message="internal error; see the server log")
        await finish(JobStatus.failed, None, error, engine)
        return
    if result is None:  # a feed whose stories went to the queue: they finish it
        log.info("job handed its stories to the queue", extra=extra)
        return
    status = JobStatus.partial if result.partial else JobStatus.done
    log.info("job finished: %s", status.value, extra=extra)
    await finish(status, result, None, engine)


def _writer(
    job_id: str, store: RunStore, tell: Tell | None
) -> Callable[[JobProgress], Awaitable[None]]:
    """Progress writes in order: stored first, then told."""
    in_order = asyncio.Lock()

    async def write(event: JobProgress) -> None:
        async with in_order:
            await store.progress(job_id, event)
            if tell is not None:
                tell(job_id, JobEvent(JobStatus.running, event))

    return write


async def _compare(
    job_id: str,
    request: ComparisonRequest,
    engine: Engine,
    store: RunStore,
    settings: Settings,
    tell: Tell | None,
) -> Comparison:
    # URLs are fetched here, when the job runs (and again if it is resumed); a URL
    # that fails is listed under the result's errors and the job ends partial.
    articles, errors = await resolve_inputs(request.articles, settings)
    writes: list[asyncio.Future[None]] = []
    in_order = asyncio.Lock()  # FIFO: a pool of connections must not reorder the writes

    async def write(event: ProgressEvent) -> None:
        # Stored first, then told: a watcher that reads the job after an event finds
        # at least that progress.
        async with in_order:
            await store.progress(job_id, event)
            if tell is not None:
                tell(job_id, JobEvent(JobStatus.running, JobProgress(**event.model_dump())))

    def progress(event: ProgressEvent) -> None:
        # Called on the loop, by the pipeline, which must not wait for the database.
        writes.append(asyncio.ensure_future(write(event)))

    try:
        return await pipeline.compare(
            articles,
            engine,
            max_words=request.max_words or settings.max_words,
            summary_max_words=request.summary_max_words or settings.summary_max_words,
            errors=errors,
            progress=progress,
        )
    finally:
        await asyncio.gather(*writes, return_exceptions=True)


async def has_finished(store: RunStore, job_id: str) -> bool:
    stored = await store.get(job_id)
    return stored is None or stored.job.status.finished
