"""The FastAPI application: ``create_app(settings)`` wires routes, errors, middleware
and the job runner; ``parallax serve`` and the tests build it the same way.

With SQLite (the default) one process owns its database: the runner, the event
streams and the idempotency check assume a single server process per
``PARALLAX_DB_PATH``. With ``PARALLAX_DATABASE_URL`` (PostgreSQL) any number of
replicas share one database and ``parallax worker`` processes run the jobs
(api/jobs/backend.py chooses).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import engines
from api.http import problems
from api.http.deps import CheckedEngines
from api.http.metrics import Metrics
from api.http.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from api.http.problems import Problem
from api.http.routes import comparisons, events, health, stories, summaries
from api.jobs.backend import open_backend
from api.jobs.execute import EngineFactory
from api.settings import Settings, get_settings

DESCRIPTION = """\
Summaries and claim-level comparisons of news articles.

Comparisons run as durable jobs: `POST /v1/comparisons` answers 202 with the job,
`GET /v1/comparisons/{id}` returns it (with the `Comparison` once done) and
`/events` streams its progress. Every error is `application/problem+json` (RFC 9457).
When `PARALLAX_API_KEYS` is set, `/v1` needs `Authorization: Bearer <key>`.
"""


def create_app(
    settings: Settings | None = None, *, engine_factory: EngineFactory | None = None
) -> FastAPI:
    """Build the service. ``engine_factory`` (name, settings) -> Engine defaults to
    :func:`api.engines.get_engine`; tests pass a slow or failing one."""
    settings = settings or get_settings()
    factory = engine_factory or engines.get_engine
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The pipeline's CPU steps run in the loop's default executor. Python threads
        # share one GIL, so threads beyond the cores add no speed, only a longer wait
        # for the loop each time it needs the GIL: /healthz p99 under 200 comparisons
        # went from ~170 ms (6 threads) to ~70 ms (2) on a 2-core machine.
        cpu = ThreadPoolExecutor(settings.cpu_threads, thread_name_prefix="parallax-cpu")
        asyncio.get_running_loop().set_default_executor(cpu)
        await asyncio.to_thread(app.state.engine_check.warm, settings)
        try:
            async with open_backend(settings, factory, metrics.job_finished) as backend:
                app.state.store = backend.store
                app.state.runner = backend.runner
                # Everything alive now (modules, schemas) lives as long as the process:
                # keep it out of the collector's full passes, which otherwise stall the
                # loop for 100 ms and more once many results are in memory.
                gc.freeze()
                yield
        finally:
            cpu.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="Parallax",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "comparisons", "description": "Durable claim-level comparison jobs."},
            {"name": "summaries", "description": "Per-article summaries and claims."},
            {"name": "health", "description": "Liveness, readiness and metrics."},
        ],
    )
    app.state.settings = settings
    app.state.engine_factory = factory
    app.state.engine_check = CheckedEngines(factory)
    app.state.metrics = metrics
    problems.install(app)

    # Each router carries its own /v1 prefix and auth, so a route's path is its full
    # template (the metrics' route label) whatever FastAPI does with included routers.
    for router in (
        summaries.router,
        comparisons.router,
        events.router,
        stories.router,
        health.router,
    ):
        app.include_router(router)
    _register_problem_schema(app)

    # Added innermost first: the request context wraps everything, so even a 413 or a
    # CORS refusal carries a request id and is counted.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        by_path={"/v1/stories": settings.max_feed_body_bytes},  # a day's feed
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["Location", "X-Request-ID"],
        )
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    return app


def _register_problem_schema(app: FastAPI) -> None:
    """Put ``Problem`` in the OpenAPI components, where problem_responses() refer to it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
