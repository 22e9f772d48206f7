"""POST/GET/DELETE /v1/comparisons, the report and the event stream, in-process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import FakeEngine
from tests.http_support import GatedEngine, client_app, client_for, seed_body, wait_for_status

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_post_returns_202_with_location_then_the_result(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        response = await client.post("/v1/comparisons", json=seed_body())
        assert response.status_code == 202
        job = response.json()
        assert job["status"] in ("queued", "running")
        assert response.headers["location"] == f"/v1/comparisons/{job['id']}"
        done = await wait_for_status(client, job["id"], {"done"})
        assert [a["id"] for a in done["result"]["articles"]] == ["a1", "a2", "a3"]
        assert done["progress"]["stage"] == "done"
        assert done["attempts"] == 1


async def test_wait_returns_200_with_the_result(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        response = await client.post("/v1/comparisons", params={"wait": 30}, json=seed_body())
        assert response.status_code == 200
        assert response.json()["status"] == "done"
        clusters = response.json()["result"]["clusters"]
        assert clusters
        ids = {cl["id"] for cl in clusters}
        for cl in clusters:  # the contract: each row names its label claim, maybe a parent
            assert cl["label_claim"] in cl["claims"]
            assert cl["detail_of"] is None or cl["detail_of"] in ids - {cl["id"]}


async def test_wait_that_runs_out_returns_202_without_result(tmp_path: Path) -> None:
    engine = GatedEngine()
    async with client_for(tmp_path, engine) as client:
        response = await client.post("/v1/comparisons", params={"wait": 0.05}, json=seed_body())
        assert response.status_code == 202
        assert "result" not in response.json()
        engine.gate.set()


async def test_idempotency_key_returns_the_same_job(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        headers = {"Idempotency-Key": "retry-42"}
        first = await client.post("/v1/comparisons", json=seed_body(), headers=headers)
        again = await client.post("/v1/comparisons", json=seed_body(), headers=headers)
        assert first.json()["id"] == again.json()["id"]
        other = await client.post("/v1/comparisons", json=seed_body(2), headers=headers)
        assert other.status_code == 409
        assert other.headers["content-type"] == "application/problem+json"
        assert "Idempotency-Key" in other.json()["detail"]


async def test_report_in_markdown_and_html(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        job = (await client.post("/v1/comparisons?wait=30", json=seed_body())).json()
        md = await client.get(f"/v1/comparisons/{job['id']}/report")
        assert md.status_code == 200
        assert md.headers["content-type"].startswith("text/markdown")
        assert md.text.startswith("# Parallax comparison: 3 articles")
        html = await client.get(f"/v1/comparisons/{job['id']}/report", params={"format": "html"})
        assert html.headers["content-type"].startswith("text/html")
        assert "<html" in html.text


async def test_report_of_unfinished_job_is_409(tmp_path: Path) -> None:
    engine = GatedEngine()
    async with client_for(tmp_path, engine) as client:
        job = (await client.post("/v1/comparisons", json=seed_body())).json()
        response = await client.get(f"/v1/comparisons/{job['id']}/report")
        assert response.status_code == 409
        engine.gate.set()


async def test_unknown_job_is_a_404_problem(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        for path in ("", "/report", "/events"):
            response = await client.get(f"/v1/comparisons/nope{path}")
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found"
        assert (await client.delete("/v1/comparisons/nope")).status_code == 404


async def test_delete_cancels_a_running_job(tmp_path: Path) -> None:
    engine = GatedEngine()
    async with client_for(tmp_path, engine) as client:
        job = (await client.post("/v1/comparisons", json=seed_body())).json()
        await asyncio.wait_for(engine.started.wait(), 10)
        response = await client.delete(f"/v1/comparisons/{job['id']}")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        engine.gate.set()
        await asyncio.sleep(0.05)
        assert (await client.get(f"/v1/comparisons/{job['id']}")).json()["status"] == "cancelled"
        again = await client.delete(f"/v1/comparisons/{job['id']}")
        assert again.status_code == 409


async def test_one_failed_article_makes_a_partial_job(tmp_path: Path) -> None:
    async with client_for(tmp_path, FakeEngine(fail_on=["a2"])) as client:
        job = (await client.post("/v1/comparisons?wait=30", json=seed_body())).json()
        assert job["status"] == "partial"
        assert [e["article_id"] for e in job["result"]["errors"]] == ["a2"]


async def test_engine_failure_fails_the_job_with_its_code(tmp_path: Path) -> None:
    async with client_for(tmp_path, FakeEngine(fail_on=["a1", "a2", "a3"])) as client:
        job = (await client.post("/v1/comparisons?wait=30", json=seed_body())).json()
        assert job["status"] == "failed"
        assert job["error"]["code"] == "engine_error"
        assert "result" not in job


async def test_events_stream_progress_then_end(tmp_path: Path) -> None:
    engine = GatedEngine()

    async with client_for(tmp_path, engine) as client:
        job = (await client.post("/v1/comparisons", json=seed_body())).json()
        runner = client_app(client).state.runner

        async def release_once_watched() -> None:
            while not runner.watchers(job["id"]):
                await asyncio.sleep(0.005)
            engine.gate.set()

        # httpx's ASGI transport hands over a streamed body only once it is complete,
        # so the gate opens from a task, once the stream is listening.
        releaser = asyncio.create_task(release_once_watched())
        response = await client.get(f"/v1/comparisons/{job['id']}/events")
        await releaser
    assert response.headers["content-type"].startswith("text/event-stream")
    lines = response.text.splitlines()
    names = [ln.removeprefix("event: ") for ln in lines if ln.startswith("event: ")]
    data = [json.loads(ln.removeprefix("data: ")) for ln in lines if ln.startswith("data: ")]
    assert names[0] == "status" and names[-1] == "end"
    progress = [d for n, d in zip(names, data, strict=True) if n == "progress"]
    assert {"analyze", "align", "brief", "done"} <= {p["stage"] for p in progress}
    assert {"stage": "analyze", "done": 3, "total": 3} in [
        {k: p[k] for k in ("stage", "done", "total")} for p in progress
    ]
    assert data[-1]["status"] == "done"


async def test_events_of_a_finished_job_end_at_once(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        job = (await client.post("/v1/comparisons?wait=30", json=seed_body())).json()
        response = await client.get(f"/v1/comparisons/{job['id']}/events")
        assert [ln for ln in response.text.splitlines() if ln.startswith("event:")] == [
            "event: status",
            "event: end",
        ]


async def test_unfinished_jobs_run_again_after_a_restart(tmp_path: Path) -> None:
    engine = GatedEngine()
    async with client_for(tmp_path, engine) as client:
        job = (await client.post("/v1/comparisons", json=seed_body())).json()
        await asyncio.wait_for(engine.started.wait(), 10)
    # The app stopped mid-job (its lifespan ended); a new one on the same database
    # picks the job up and finishes it.
    async with client_for(tmp_path) as client:
        done = await wait_for_status(client, job["id"], {"done"})
        assert done["attempts"] == 2
