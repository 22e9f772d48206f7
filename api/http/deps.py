"""Dependencies that routes declare by type: ``settings: SettingsDep`` and so on.

Everything lives on ``app.state`` (built by :func:`api.http.app.create_app`), so a
test gets its own settings, database and engine by building its own app, or swaps one
with ``app.dependency_overrides``. They are ``async`` although they never wait:
FastAPI runs a plain ``def`` dependency in a worker thread, which costs more than the
lookup itself.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, cast

from fastapi import Depends, Request

from api.engines.base import Engine
from api.errors import EngineUnavailable
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


class CheckedEngines:
    """An engine factory for "can this engine run here?", which builds each engine
    once: an llm engine (its HTTP client, its cache) costs ~45 ms of the event loop
    to build, and ~2 s the first time (imports), too much for every POST. The jobs
    themselves still get a fresh engine each (its usage meter is the job's)."""

    def __init__(self, factory: EngineFactory) -> None:
        self._factory = factory
        self._built: dict[str, Engine] = {}

    def __call__(self, name: str, settings: Settings) -> Engine:
        engine = self._built.get(name)
        if engine is None:
            engine = self._built[name] = self._factory(name, settings)
        return engine

    def warm(self, settings: Settings) -> None:
        """Build the default engine now (at start-up, off the loop), so the first
        requests do not pay for its imports; one that cannot run is /readyz's to say."""
        with contextlib.suppress(EngineUnavailable):
            self(settings.engine, settings)


async def get_engine_check(request: Request) -> CheckedEngines:
    return cast(CheckedEngines, request.app.state.engine_check)


async def get_metrics(request: Request) -> Metrics:
    return cast(Metrics, request.app.state.metrics)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[AnyStore, Depends(get_store)]
RunnerDep = Annotated[AnyRunner, Depends(get_runner)]
EngineDep = Annotated[EngineFactory, Depends(get_engine_factory)]
EngineCheckDep = Annotated[CheckedEngines, Depends(get_engine_check)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
