"""Helpers for the PostgreSQL tests: settings on a test database, API replicas in
process (each its own app, as separate ``parallax serve`` processes would be), and a
worker in process with an engine the test steers."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from api.engines.base import Engine
from api.http import create_app
from api.jobs.worker import run_worker
from api.settings import Settings
from tests import serverproc
from tests.conftest import ROOT
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


def pg_env(url: str, **settings: str) -> dict[str, str]:
    """Environment of a worker or server subprocess on this database: the caller's
    PARALLAX_* variables dropped, quick heartbeats so a dead worker is noticed soon."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(
        PYTHONPATH=str(ROOT),
        PARALLAX_DATABASE_URL=url,
        PARALLAX_WORKER_HEARTBEAT_SECONDS="0.5",
        PARALLAX_WORKER_STALLED_SECONDS="2",
        PARALLAX_DB_TIMEOUT_SECONDS="1",
        **settings,
    )
    return env


def worker_process(
    env: dict[str, str], delay: float = 0.0
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """A real worker process (tests/slow_worker.py): brief takes ``delay`` seconds."""
    return serverproc.running(["-m", "tests.slow_worker", "--delay", str(delay)], None, env=env)


def serve_process(
    env: dict[str, str], port: int
) -> AbstractContextManager[subprocess.Popen[bytes]]:
    """A real ``parallax serve`` replica on loopback."""
    args = ["-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return serverproc.running(args, f"http://127.0.0.1:{port}/healthz", env=env)
