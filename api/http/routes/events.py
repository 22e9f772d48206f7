"""``GET /v1/comparisons/{id}/events``: a job's progress as Server-Sent Events.

The stream opens with ``status`` (the job as stored), then one ``progress`` event per
pipeline step (stage, done, total), and closes with ``end`` (the final job, without
its result). A comment line every few seconds keeps proxies from closing it. With
PostgreSQL the events come from whichever worker runs the job, through the
replica's LISTEN connection (api/jobs/queued.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from api.errors import DatabaseUnavailable, NotFound
from api.http.auth import require_api_key
from api.http.deps import AnyRunner, AnyStore, RunnerDep, StoreDep
from api.http.problems import problem_responses
from api.jobs.events import JobEvent
from api.jobs.models import Job
from api.jobs.rows import StoredJob
from api.models import Model

router = APIRouter(prefix="/v1", tags=["comparisons"], dependencies=[Depends(require_api_key)])

KEEPALIVE_SECONDS = 10.0
EXAMPLE = (
    'event: status\ndata: {"id": "…", "status": "running", ...}\n\n'
    'event: progress\ndata: {"stage": "analyze", "done": 1, "total": 3, "detail": "a1"}\n\n'
    'event: end\ndata: {"id": "…", "status": "done", ...}\n\n'
)


@router.get(
    "/comparisons/{job_id}/events",
    summary="Stream a job's progress (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Events `status`, `progress` (stage, done, total), then `end`.",
            "content": {"text/event-stream": {"schema": {"type": "string"}, "example": EXAMPLE}},
        },
        **problem_responses(401, 404, 422),
    },
)
async def comparison_events(job_id: str, store: StoreDep, runner: RunnerDep) -> StreamingResponse:
    return await job_events(job_id, store, runner, "comparison")


async def job_events(
    job_id: str, store: AnyStore, runner: AnyRunner, kind: str
) -> StreamingResponse:
    """The event stream of a job of this kind (comparison or stories)."""
    stack = contextlib.AsyncExitStack()
    # Watch first, then read: an event between the two is heard, not lost.
    events = await stack.enter_async_context(runner.watch(job_id))
    try:
        stored = await store.get(job_id)
        if stored is None or stored.kind != kind:
            raise NotFound(f"no {kind} job {job_id!r}", source="job_id")
    except BaseException:  # NotFound, or the database is away (503): stop watching
        await stack.aclose()
        raise
    return StreamingResponse(
        _stream(stored.job, events, stack, store),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _stream(
    job: Job, events: asyncio.Queue[JobEvent], stack: contextlib.AsyncExitStack, store: AnyStore
) -> AsyncIterator[str]:
    async with stack:
        yield _event("status", job)
        while not job.status.finished:
            try:
                event = await asyncio.wait_for(events.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                # Quiet for a while: also look at the store, in case the end was
                # missed (with PostgreSQL, while the replica's LISTEN reconnected).
                stored = await _reread(store, job.id)
                if stored is not None and stored.job.status.finished:
                    job = stored.job
                    break
                yield ": keepalive\n\n"
                continue
            if event.progress is not None:
                yield _event("progress", event.progress)
            if event.status.finished:
                stored = await _reread(store, job.id)
                job = (
                    stored.job
                    if stored is not None
                    else job.model_copy(update={"status": event.status})
                )
        yield _event("end", job)


async def _reread(store: AnyStore, job_id: str) -> StoredJob | None:
    """The job as stored, or None while the database is away: the stream goes on
    with what it heard rather than break in the middle."""
    try:
        return await store.get(job_id)
    except DatabaseUnavailable:
        return None


def _event(name: str, data: Model) -> str:
    return f"event: {name}\ndata: {data.model_dump_json(exclude={'result'})}\n\n"
