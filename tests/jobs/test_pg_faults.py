"""Faults of a PostgreSQL deployment, with real processes: a worker killed with
``kill -9`` mid-job, PostgreSQL stopped and started during a run, and an API replica
killed right after accepting jobs. Nothing accepted is lost, nothing runs to two
results, and nobody sees a stack trace."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.http_support import seed_body
from tests.pg_support import (
    pg_env,
    pg_settings,
    replicas,
    serve_process,
    wait_until,
    worker_process,
)
from tests.serverproc import free_port

pytestmark = pytest.mark.anyio


def rows(url: str, query: bytes) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


async def running_brief(client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    async with asyncio.timeout(20):
        while True:
            job: dict[str, Any] = (await client.get(f"/v1/comparisons/{job_id}")).json()
            if job["status"] == "running" and job["progress"]["stage"] == "brief":
                return job
            await asyncio.sleep(0.02)


async def test_a_worker_killed_mid_job_is_replaced_and_the_job_finishes_once(
    pg_url: str, tmp_path: Path
) -> None:
    env = pg_env(pg_url)
    async with replicas(pg_settings(pg_url, tmp_path), 1) as (api,):
        with worker_process(env, delay=30) as doomed:
            job_id = (await api.post("/v1/comparisons", json=seed_body())).json()["id"]
            assert (await running_brief(api, job_id))["attempts"] == 1
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(10)
        with worker_process(env):
            done = await wait_until(api, job_id, {"done", "partial", "failed"})
    assert done["status"] == "done" and done["attempts"] == 2
    assert len(done["result"]["articles"]) == 3
    assert rows(pg_url, b"SELECT count(*) FROM parallax_jobs") == [(1,)]
    # The queue ran it twice (the first run lost with its worker), and holds no
    # other copy of it.
    queue = rows(pg_url, b"SELECT status::text, attempts FROM procrastinate_jobs")
    assert queue in ([], [("succeeded", 1)])


async def test_postgres_restarted_mid_run_gives_503_then_everything_recovers(
    pg_cluster: Any, pg_url: str, tmp_path: Path
) -> None:
    settings = pg_settings(pg_url, tmp_path, db_timeout_seconds=0.5)
    async with replicas(settings, 1) as (api,):
        with worker_process(pg_env(pg_url), delay=0.5):
            job_id = (await api.post("/v1/comparisons", json=seed_body())).json()["id"]
            await running_brief(api, job_id)
            pg_cluster.stop("fast")
            try:
                down = await api.get(f"/v1/comparisons/{job_id}")
                posted = await api.post("/v1/comparisons", json=seed_body())
                ready = await api.get("/readyz")
                alive = await api.get("/healthz")
                # Down for longer than the brief takes: the worker's write of the
                # result fails, so the job must be run again, not just finished.
                await asyncio.sleep(1.5)
            finally:
                pg_cluster.start()
            for answer in (down, posted, ready):
                assert answer.status_code == 503
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.json()["code"] == "database_unavailable"
                assert "Traceback" not in answer.text
            assert alive.status_code == 200
            # Nobody restarts anything: the replica's pool, its event listener and the
            # worker reconnect, and the interrupted job runs again to its end.
            done = await wait_until(api, job_id, {"done", "failed"})
            assert done["status"] == "done" and done["attempts"] >= 2
            after = await api.post("/v1/comparisons?wait=20", json=seed_body(2))
            assert after.status_code == 200 and after.json()["status"] == "done"


async def test_an_api_replica_killed_after_accepting_loses_no_job(
    pg_url: str, tmp_path: Path
) -> None:
    env = pg_env(pg_url)
    port = free_port()
    accepted = []
    with serve_process(env, port) as doomed:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for n in range(5):
                response = await client.post("/v1/comparisons", json=seed_body(2 + n % 2))
                assert response.status_code == 202
                accepted.append(response.json()["id"])
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
    async with replicas(pg_settings(pg_url, tmp_path), 1) as (other,):
        with worker_process(env):
            for job_id in accepted:
                assert (await wait_until(other, job_id, {"done", "failed"}))["status"] == "done"
