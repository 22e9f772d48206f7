"""Helpers for the PostgreSQL tests: settings on a test database, API replicas in
process (each its own app, as separate ``parallax serve`` processes would be), and a
worker in process with an engine the test steers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from api.engines.base import Engine
from api.http import create_app
from api.jobs.worker import run_worker
from api.settings import Settings
from tests.http_support import engines_of, running


def pg_settings(url: str, tmp_path: Path, **overrides: Any) -> Settings:
    # db_path points at a file that must never appear: with a URL, SQLite is unused.
    return Settings(database_url=url, db_path=tmp_path / "unused.db", **overrides)


@asynccontextmanager
async def replicas(settings: Settings, n: int = 2) -> AsyncIterator[list[httpx.AsyncClient]]:
    """``n`` API replicas on one database; they run no jobs."""
    async with AsyncExitStack() as stack:
        clients = []
        for _ in range(n):
            app = create_app(settings)
            clients.append(await stack.enter_async_context(running(app)))
            await asyncio.wait_for(app.state.runner.listening.wait(), 10)
        yield clients


@asynccontextmanager
async def worker(
    settings: Settings, engine: Engine | None = None, concurrency: int = 2
) -> AsyncIterator[asyncio.Task[None]]:
    """A worker in this process (its Procrastinate loop, chores and all)."""
    stop = asyncio.Event()
    factory = engines_of(engine) if engine is not None else None
    task = asyncio.create_task(
        run_worker(settings, concurrency=concurrency, engine_factory=factory, stop=stop)
    )
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def wait_until(client: httpx.AsyncClient, job_id: str, statuses: set[str]) -> Any:
    async with asyncio.timeout(30):
        while True:
            job = (await client.get(f"/v1/comparisons/{job_id}")).json()
            if job["status"] in statuses:
                return job
            await asyncio.sleep(0.02)
