"""Dependencies that routes declare by type: ``settings: SettingsDep`` and so on.

Everything lives on ``app.state`` (built by :func:`api.http.app.create_app`), so a
test gets its own settings, database and engine by building its own app, or swaps one
with ``app.dependency_overrides``. They are ``async`` although they never wait:
FastAPI runs a plain ``def`` dependency in a worker thread, which costs more than the
lookup itself.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from api.http.metrics import Metrics
from api.jobs.execute import EngineFactory
from api.jobs.pgstore import PgJobStore
from api.jobs.queued import QueueRunner
from api.jobs.runner import JobRunner
from api.jobs.store import JobStore
from api.settings import Settings


async def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


# The store and runner of either backend (api/jobs/backend.py); both pairs offer the
# same methods to the routes.
AnyStore = JobStore | PgJobStore
AnyRunner = JobRunner | QueueRunner


async def get_store(request: Request) -> AnyStore:
    return cast(AnyStore, request.app.state.store)


async def get_runner(request: Request) -> AnyRunner:
    return cast(AnyRunner, request.app.state.runner)


async def get_engine_factory(request: Request) -> EngineFactory:
    """The engine chooser: ``engines(name, settings)`` builds the named engine."""
    return cast(EngineFactory, request.app.state.engine_factory)


async def get_metrics(request: Request) -> Metrics:
    return cast(Metrics, request.app.state.metrics)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[AnyStore, Depends(get_store)]
RunnerDep = Annotated[AnyRunner, Depends(get_runner)]
EngineDep = Annotated[EngineFactory, Depends(get_engine_factory)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
