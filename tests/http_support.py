"""Helpers for the HTTP tests: an app on a temporary database, an ASGI client that
runs the app's lifespan (so the job runner is up), and engines a test can steer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from api.engines.base import Engine
from api.errors import EngineUnavailable
from api.http import create_app
from api.models import Article, ArticleAnalysis
from api.settings import Settings
from tests.conftest import SEEDS, FakeEngine

SEED_TEXTS = [Path(p).read_text(encoding="utf-8") for p in SEEDS[:3]]


def seed_body(n: int = 3, **options: Any) -> dict[str, Any]:
    articles = [{"text": SEED_TEXTS[i % 3], "outlet": f"outlet-{i}"} for i in range(n)]
    return {"articles": articles, **options}


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(db_path=tmp_path / "jobs.db", **overrides)


def engines_of(engine: Engine) -> Callable[[str, Settings], Engine]:
    """An engine factory that always answers with ``engine`` (llm: not available)."""

    def factory(name: str, settings: Settings) -> Engine:
        if name != "offline":
            raise EngineUnavailable(f"the {name} engine is not available in this test")
        return engine

    return factory


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan started, and a client that talks to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@asynccontextmanager
async def client_for(
    tmp_path: Path, fake: Engine | None = None, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    factory = engines_of(fake) if fake is not None else None
    app = create_app(make_settings(tmp_path, **overrides), engine_factory=factory)
    async with running(app) as client:
        yield client


class GatedEngine(FakeEngine):
    """Offline answers, but analysis waits until the test opens the gate, so a test
    can look at (or cancel) a job that is surely still running."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.started = asyncio.Event()

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        self.started.set()
        await self.gate.wait()
        return await super().analyze(article, max_words)


class BrokenEngine(FakeEngine):
    """Fails in an unexpected way (a bug, not an EngineError)."""

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        raise RuntimeError("secret internal detail")


def client_app(client: httpx.AsyncClient) -> FastAPI:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app = transport.app
    assert isinstance(app, FastAPI)
    return app


async def wait_for_status(
    client: httpx.AsyncClient, job_id: str, statuses: set[str], timeout: float = 10.0
) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            job: dict[str, Any] = (await client.get(f"/v1/comparisons/{job_id}")).json()
            if job["status"] in statuses:
                return job
            await asyncio.sleep(0.01)
