"""``/v1/comparisons``: create a durable job, read it, cancel it, render its report.

The job is in the database before the 202 goes out, so an accepted comparison
survives a crash. Results are stored as JSON and spliced into the response as they
are, rather than parsed and re-serialized on the event loop.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from api.errors import ConflictError, NotFound
from api.http.auth import require_api_key
from api.http.deps import (
    AnyRunner,
    AnyStore,
    CheckedEngines,
    EngineCheckDep,
    RunnerDep,
    SettingsDep,
    StoreDep,
)
from api.http.limits import check_articles, chosen_engine
from api.http.problems import problem_responses, request_id_of
from api.jobs.models import ComparisonRequest, Job, JobStatus, StoriesRequest
from api.jobs.rows import NewJob, StoredJob
from api.models import Comparison
from api.reports.html import render_comparison_html
from api.reports.markdown import render_comparison_md
from api.settings import Settings

router = APIRouter(prefix="/v1", tags=["comparisons"], dependencies=[Depends(require_api_key)])

MAX_WAIT_SECONDS = 120.0
JOB_HEADERS = {"Location": {"description": "URL of the job.", "schema": {"type": "string"}}}
REPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report.",
        "content": {
            "text/markdown": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    },
    **problem_responses(401, 404, 409, 422),
}
WaitParam = Annotated[
    float | None,
    Query(ge=0, le=MAX_WAIT_SECONDS, description="Seconds to wait for the result."),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Makes a retried POST return the job the first one created.",
    ),
]


@router.post(
    "/comparisons",
    status_code=202,
    summary="Start a comparison job",
    description="Creates a durable job and returns it (202, `Location` names it). With "
    "`?wait=S` the call waits up to S seconds and returns 200 with the result if the "
    "job finished in time. A retried POST with the same `Idempotency-Key` returns the "
    "same job; the same key with a different body is a 409.",
    response_model=Job,
    responses={
        200: {
            "model": Job,
            "description": "The job finished within `wait`, or earlier.",
            "headers": JOB_HEADERS,
        },
        202: {"model": Job, "description": "Accepted: queued or running.", "headers": JOB_HEADERS},
        **problem_responses(400, 401, 409, 413, 422, 503),
    },
)
async def create_comparison(
    body: ComparisonRequest,
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
        "comparison",
        "/v1/comparisons",
        request=request,
        settings=settings,
        store=store,
        runner=runner,
        engines=engines,
        wait=wait,
        idempotency_key=idempotency_key,
    )


@router.get(
    "/comparisons/{job_id}",
    summary="Read a job; its result once done",
    response_model=Job,
    responses=problem_responses(401, 404, 422),
)
async def get_comparison(job_id: str, store: StoreDep) -> Response:
    return _job_response(await _stored(store, job_id), 200)


@router.delete(
    "/comparisons/{job_id}",
    summary="Cancel a queued or running job",
    response_model=Job,
    responses=problem_responses(401, 404, 409, 422),
)
async def cancel_comparison(job_id: str, store: StoreDep, runner: RunnerDep) -> Response:
    stored = await _stored(store, job_id)
    if not await runner.cancel(job_id):
        stored = await _stored(store, job_id)
        raise ConflictError(f"job {job_id} has already finished ({stored.job.status.value})")
    return _job_response(await _stored(store, job_id), 200)


@router.get(
    "/comparisons/{job_id}/report",
    summary="The comparison's report, in Markdown or HTML",
    response_class=Response,
    responses=REPORT_RESPONSES,
)
async def get_report(
    job_id: str,
    store: StoreDep,
    format: Annotated[Literal["md", "html"], Query(description="md or html.")] = "md",
) -> Response:
    result = Comparison.model_validate_json(await result_json(store, job_id, "comparison"))
    if format == "html":
        return Response(render_comparison_html(result), media_type="text/html")
    return Response(render_comparison_md(result), media_type="text/markdown")


async def accept(
    body: ComparisonRequest | StoriesRequest,
    kind: str,
    path: str,
    *,
    request: Request,
    settings: Settings,
    store: AnyStore,
    runner: AnyRunner,
    engines: CheckedEngines,
    wait: float | None,
    idempotency_key: str | None,
) -> Response:
    """Store a new job of ``kind`` (or find the one an idempotent retry created), start
    it, and answer with it: 200 once finished within ``wait``, else 202."""
    engine_name, _ = chosen_engine(body.engine, settings, engines)
    await check_articles(body.articles, settings, feed=kind == "stories")
    request_json = body.model_copy(update={"engine": engine_name}).model_dump_json()
    # A comparison's hash is its request alone, as it always was; other kinds are
    # prefixed, so the same articles posted as a feed are another request.
    hashed = request_json if kind == "comparison" else f"{kind}\n{request_json}"
    job, created = await store.create(
        NewJob(
            engine=engine_name,
            request_json=request_json,
            request_hash=hashlib.sha256(hashed.encode()).hexdigest(),
            idempotency_key=idempotency_key,
            request_id=request_id_of(request),
            kind=kind,
        )
    )
    if created:
        runner.submit(job.id)
    if wait:
        await runner.wait(job.id, wait)
    stored = await _stored(store, job.id, kind)
    status = 200 if stored.job.status.finished else 202
    return _job_response(stored, status, headers={"Location": f"{path}/{job.id}"})


async def result_json(store: AnyStore, job_id: str, kind: str) -> str:
    """A finished job's result, for its report; 409 while it has none."""
    stored = await _stored(store, job_id, kind)
    if stored.result_json is None or not stored.job.status.finished:
        raise ConflictError(
            f"job {job_id} has no result ({stored.job.status.value}); a report needs a "
            "job that is done or partial"
        )
    return stored.result_json


async def _stored(store: AnyStore, job_id: str, kind: str = "comparison") -> StoredJob:
    stored = await store.get(job_id)
    if stored is None or stored.kind != kind:
        noun = "stories" if kind == "stories" else "comparison"
        raise NotFound(f"no {noun} job {job_id!r}", source="job_id")
    return stored


def _job_response(
    stored: StoredJob, status: int, headers: dict[str, str] | None = None
) -> Response:
    body = stored.job.model_dump_json(exclude={"result"})
    if stored.result_json is not None and stored.job.status in (JobStatus.done, JobStatus.partial):
        body = body[:-1] + ',"result":' + stored.result_json + "}"
    return Response(body, status_code=status, media_type="application/json", headers=headers)
