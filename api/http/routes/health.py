"""Liveness, readiness and metrics: unauthenticated, cheap, and never blocked by jobs."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.http.deps import EngineCheckDep, MetricsDep, SettingsDep, StoreDep
from api.http.metrics import CONTENT_TYPE
from api.http.problems import problem_response, problem_responses, request_id_of
from api.models import Model

log = logging.getLogger("parallax.http")

router = APIRouter(tags=["health"])


class Health(Model):
    status: Literal["ok"] = "ok"


class Readiness(Model):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"
    engine: str


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    summary="Readiness: the database answers and the default engine is configured",
    response_model=Readiness,
    responses=problem_responses(503),
)
async def readyz(
    request: Request, settings: SettingsDep, store: StoreDep, engines: EngineCheckDep
) -> Readiness | JSONResponse:
    try:
        await store.ping()
    except Exception as exc:  # any database failure means "not ready", not a crash
        log.warning("readiness: database check failed: %s", type(exc).__name__)
        return problem_response(
            503,
            "database_unavailable",
            f"the job database cannot be used ({type(exc).__name__})",
            request_id=request_id_of(request),
        )
    engines(settings.engine, settings)  # raises EngineUnavailable (503) when not configured
    return Readiness(engine=settings.engine)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}}},
)
async def metrics(metrics: MetricsDep, store: StoreDep) -> Response:
    body = metrics.render(await store.counts())
    return Response(body, media_type=CONTENT_TYPE)
