"""Retention, on both backends: finished jobs and their results are purged once they
are older than the TTL (by the service with SQLite, by the workers with PostgreSQL);
queued and running jobs never are."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from api.jobs.models import JobError, JobStatus
from api.jobs.pgstore import PgJobStore
from api.jobs.rows import NewJob
from api.jobs.store import JobStore
from tests.http_support import client_for, seed_body
from tests.pg_support import pg_settings, replicas, worker

pytestmark = pytest.mark.anyio

AnyStore = JobStore | PgJobStore


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AnyStore]:
    opened: AnyStore
    if request.param == "sqlite":
        opened = JobStore(tmp_path / "jobs.db")
    else:
        opened = PgJobStore(pg_settings(request.getfixturevalue("pg_url"), tmp_path))
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


async def new_job(store: AnyStore, n: int) -> str:
    job, _ = await store.create(NewJob("offline", f'{{"n": {n}}}', str(n), None, None))
    return job.id


async def test_purge_drops_finished_jobs_past_the_ttl_only(store: AnyStore) -> None:
    queued, running, failed, cancelled = [await new_job(store, n) for n in range(4)]
    for job_id in (running, failed):
        assert await store.start(job_id)
    error = JobError(code="engine_error", message="no")
    assert await store.finish(failed, JobStatus.failed, result=None, error=error)
    assert await store.cancel(cancelled)

    assert await store.purge(3600) == 0  # finished a moment ago: kept for an hour
    assert await store.purge(0) == 2
    assert await store.get(failed) is None and await store.get(cancelled) is None
    kept = [await store.get(job_id) for job_id in (queued, running)]
    assert [s.job.status for s in kept if s is not None] == [JobStatus.queued, JobStatus.running]


async def test_the_service_purges_expired_jobs_when_it_starts(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        job = (await client.post("/v1/comparisons?wait=30", json=seed_body(2))).json()
        assert job["status"] == "done"
    async with client_for(tmp_path, job_ttl_seconds=0) as client:
        assert (await client.get(f"/v1/comparisons/{job['id']}")).status_code == 404


async def test_a_worker_purges_expired_jobs_when_it_starts(pg_url: str, tmp_path: Path) -> None:
    settings = pg_settings(pg_url, tmp_path)
    async with replicas(settings, 1) as (api,):
        async with worker(settings):
            job = (await api.post("/v1/comparisons?wait=30", json=seed_body(2))).json()
            assert job["status"] == "done"
        expired = settings.model_copy(update={"job_ttl_seconds": 0})
        async with worker(expired):
            async with asyncio.timeout(10):
                while (await api.get(f"/v1/comparisons/{job['id']}")).status_code != 404:
                    await asyncio.sleep(0.02)
