"""Jobs in PostgreSQL, run by workers through the Procrastinate queue: two API
replicas and a worker on one real (throwaway) database. The replicas only accept,
enqueue and read; the worker runs the jobs; events reach a client on either replica.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import FakeEngine
from tests.http_support import GatedEngine, seed_body
from tests.pg_support import pg_settings, replicas, wait_until, worker

pytestmark = pytest.mark.anyio


async def test_a_job_posted_to_one_replica_runs_on_a_worker_and_reads_on_the_other(
    pg_url: str, tmp_path: Path
) -> None:
    settings = pg_settings(pg_url, tmp_path)
    async with replicas(settings) as (a, b):
        accepted = await a.post("/v1/comparisons", json=seed_body())
        assert accepted.status_code == 202
        job_id = accepted.json()["id"]
        # No worker yet: a replica runs nothing, so the job waits in the queue.
        await asyncio.sleep(0.3)
        assert (await b.get(f"/v1/comparisons/{job_id}")).json()["status"] == "queued"
        async with worker(settings, FakeEngine()):
            done = await wait_until(b, job_id, {"done", "partial", "failed"})
    assert done["status"] == "done" and done["attempts"] == 1
    assert len(done["result"]["articles"]) == 3
    assert not (tmp_path / "unused.db").exists()


async def test_wait_and_events_hear_a_worker_through_the_other_replica(
    pg_url: str, tmp_path: Path
) -> None:
    settings = pg_settings(pg_url, tmp_path)
    engine = GatedEngine()
    async with replicas(settings) as (a, b), worker(settings, engine):
        job_id = (await a.post("/v1/comparisons", json=seed_body())).json()["id"]
        await asyncio.wait_for(engine.started.wait(), 10)
        runner = b._transport.app.state.runner  # type: ignore[attr-defined]

        async def release_once_watched() -> None:
            while not runner.watchers(job_id):
                await asyncio.sleep(0.005)
            engine.gate.set()

        releaser = asyncio.create_task(release_once_watched())
        response = await b.get(f"/v1/comparisons/{job_id}/events")
        await releaser
        waited = await a.post("/v1/comparisons?wait=10", json=seed_body(2))
    names = [ln[7:] for ln in response.text.splitlines() if ln.startswith("event: ")]
    data = [json.loads(ln[6:]) for ln in response.text.splitlines() if ln.startswith("data: ")]
    assert names[0] == "status" and names[-1] == "end" and "progress" in names
    stages = {d["stage"] for n, d in zip(names, data, strict=True) if n == "progress"}
    assert {"analyze", "brief", "done"} <= stages
    assert data[-1]["status"] == "done"
    assert waited.status_code == 200 and waited.json()["status"] == "done"


async def test_one_idempotency_key_sent_to_two_replicas_at_once_makes_one_job(
    pg_url: str, tmp_path: Path
) -> None:
    settings = pg_settings(pg_url, tmp_path)
    async with replicas(settings) as (a, b):
        for n in range(5):  # several rounds: the race must never produce two jobs
            headers = {"Idempotency-Key": f"key-{n}"}
            body = seed_body()
            answers = await asyncio.gather(
                *(c.post("/v1/comparisons", json=body, headers=headers) for c in (a, b, a, b))
            )
            assert {r.status_code for r in answers} == {202}
            assert len({r.json()["id"] for r in answers}) == 1
        other = await b.post("/v1/comparisons", json=seed_body(2), headers=headers)
        assert other.status_code == 409
        metrics = (await a.get("/metrics")).text
    assert 'parallax_jobs{status="queued"} 5.0' in metrics


async def test_delete_on_a_replica_cancels_the_job_on_the_worker(
    pg_url: str, tmp_path: Path
) -> None:
    settings = pg_settings(pg_url, tmp_path)
    engine = GatedEngine()
    async with replicas(settings) as (a, b), worker(settings, engine, concurrency=1):
        job_id = (await a.post("/v1/comparisons", json=seed_body())).json()["id"]
        await asyncio.wait_for(engine.started.wait(), 10)
        engine.started.clear()
        cancelled = await b.delete(f"/v1/comparisons/{job_id}")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        # The worker's task is cancelled through the queue: with the gate still shut,
        # its only slot frees up and the next job starts.
        nxt = (await a.post("/v1/comparisons", json=seed_body(2))).json()
        await asyncio.wait_for(engine.started.wait(), 10)
        engine.gate.set()
        assert (await wait_until(a, nxt["id"], {"done"}))["status"] == "done"
        assert (await a.get(f"/v1/comparisons/{job_id}")).json()["status"] == "cancelled"
        assert (await a.delete(f"/v1/comparisons/{job_id}")).status_code == 409
