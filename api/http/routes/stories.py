"""``/v1/stories``: a feed grouped into stories, each compared, as a durable job.

The same job API as ``/v1/comparisons`` (202 and ``Location``, ``Idempotency-Key``,
``?wait=``, status and result, server-sent events, the report, DELETE), over a
``StoriesRequest``. On SQLite the service runs the feed's comparisons itself, one
after another; on PostgreSQL each story's comparison is a queue job of its own, on
any worker (api/jobs/feeds.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from api.errors import ConflictError
from api.http.auth import require_api_key
from api.http.deps import EngineCheckDep, RunnerDep, SettingsDep, StoreDep
from api.http.problems import problem_responses
from api.http.routes.comparisons import (
    JOB_HEADERS,
    REPORT_RESPONSES,
    IdempotencyKey,
    WaitParam,
    _job_response,
    _stored,
    accept,
    result_json,
)
from api.http.routes.events import EXAMPLE, job_events
from api.jobs.models import StoriesJob, StoriesRequest
from api.models import Stories
from api.reports.feed_html import render_stories_html
from api.reports.feed_markdown import render_stories_md

router = APIRouter(prefix="/v1", tags=["stories"], dependencies=[Depends(require_api_key)])
KIND = "stories"


@router.post(
    "/stories",
    status_code=202,
    summary="Start a stories job: group a feed, compare each story",
    description="Groups the articles that report the same event into stories (a story "
    "of one article stays one), then compares each story of two or more articles "
    "unless `compare` is false. The result is a `Stories` object: `stories[]` (largest "
    "first; each with `id`, `label`, `article_ids`, `outlets` and `comparison`, the "
    "object `POST /v1/comparisons` returns, or null), `articles`, `usage`, "
    "`timings_ms`, `errors`. A story whose comparison fails is an entry in `errors` "
    "with `comparison: null`; the job still finishes, partial. Otherwise as "
    "`POST /v1/comparisons`: 202 and `Location`, `?wait=S`, `Idempotency-Key`.",
    response_model=StoriesJob,
    responses={
        200: {
            "model": StoriesJob,
            "description": "The job finished within `wait`, or earlier.",
            "headers": JOB_HEADERS,
        },
        202: {
            "model": StoriesJob,
            "description": "Accepted: queued or running.",
            "headers": JOB_HEADERS,
        },
        **problem_responses(400, 401, 409, 413, 422, 503),
    },
)
async def create_stories(
    body: StoriesRequest,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    runner: RunnerDep,
    engines: EngineCheckDep,
    wait: WaitParam = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    return await accept(
        body,
        KIND,
        "/v1/stories",
        request=request,
        settings=settings,
        store=store,
        runner=runner,
        engines=engines,
        wait=wait,
        idempotency_key=idempotency_key,
    )


@router.get(
    "/stories/{job_id}",
    summary="Read a stories job; its result once done",
    response_model=StoriesJob,
    responses=problem_responses(401, 404, 422),
)
async def get_stories(job_id: str, store: StoreDep) -> Response:
    return _job_response(await _stored(store, job_id, KIND), 200)


@router.delete(
    "/stories/{job_id}",
    summary="Cancel a queued or running stories job",
    response_model=StoriesJob,
    responses=problem_responses(401, 404, 409, 422),
)
async def cancel_stories(job_id: str, store: StoreDep, runner: RunnerDep) -> Response:
    await _stored(store, job_id, KIND)
    if not await runner.cancel(job_id):
        stored = await _stored(store, job_id, KIND)
        raise ConflictError(f"job {job_id} has already finished ({stored.job.status.value})")
    return _job_response(await _stored(store, job_id, KIND), 200)


@router.get(
    "/stories/{job_id}/events",
    summary="Stream a stories job's progress (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Events `status`, `progress` (stage `group`, then `compare` "
            "with done of total stories), then `end`.",
            "content": {"text/event-stream": {"schema": {"type": "string"}, "example": EXAMPLE}},
        },
        **problem_responses(401, 404, 422),
    },
)
async def stories_events(job_id: str, store: StoreDep, runner: RunnerDep) -> StreamingResponse:
    return await job_events(job_id, store, runner, KIND)


@router.get(
    "/stories/{job_id}/report",
    summary="The feed's report, in Markdown or HTML",
    description="The stories, largest first, each collapsed, with its outlets, its "
    "brief and its comparison (embedded in the HTML); the HTML has a search box over "
    "the labels.",
    response_class=Response,
    responses=REPORT_RESPONSES,
)
async def get_stories_report(
    job_id: str,
    store: StoreDep,
    format: Annotated[Literal["md", "html"], Query(description="md or html.")] = "md",
) -> Response:
    result = Stories.model_validate_json(await result_json(store, job_id, KIND))
    if format == "html":
        return Response(render_stories_html(result), media_type="text/html")
    return Response(render_stories_md(result), media_type="text/markdown")
