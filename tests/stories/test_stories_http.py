"""``POST /v1/stories`` end to end: on SQLite in the service's process, and on
PostgreSQL where each story's comparison is a queue job on a worker."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.errors import EngineError
from api.models import Article, ArticleAnalysis
from tests.conftest import FakeEngine
from tests.http_support import GatedEngine, client_for
from tests.pg_support import pg_settings, replicas, worker
from tests.stories.support import GOLD, feed_rows, gold_stories

pytestmark = pytest.mark.anyio


class FailingStory(FakeEngine):
    """Offline answers, except for one article, whose analysis raises: its story's
    comparison then fails (too few articles left) or ends partial."""

    def __init__(self, text_prefix: str) -> None:
        super().__init__()
        self.prefix = text_prefix

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        if article.text.startswith(self.prefix):
            raise EngineError("the model refused", source=article.source)
        return await super().analyze(article, max_words)


async def _until_finished(client: httpx.AsyncClient, job_id: str) -> Any:
    async with asyncio.timeout(60):
        while True:
            job = (await client.get(f"/v1/stories/{job_id}")).json()
            if job["status"] not in ("queued", "running"):
                return job
            await asyncio.sleep(0.05)


def _check_result(result: dict[str, Any]) -> None:
    assert sorted(sorted(s["article_ids"]) for s in result["stories"]) == gold_stories(GOLD)
    assert [a["id"] for a in result["articles"]] == [f"a{i}" for i in range(1, 13)]
    assert set(result["timings_ms"]) >= {"group", "label"}


async def test_a_stories_job_on_sqlite(tmp_path: Path) -> None:
    async with client_for(tmp_path, FakeEngine()) as client:
        accepted = await client.post("/v1/stories", json={"articles": feed_rows()})
        assert accepted.status_code == 202
        job_id = accepted.json()["id"]
        assert accepted.headers["location"] == f"/v1/stories/{job_id}"
        job = await _until_finished(client, job_id)
        assert job["status"] == "done", job
        _check_result(job["result"])
        assert all(s["comparison"] is not None for s in job["result"]["stories"])
        events = await client.get(f"/v1/stories/{job_id}/events")
        names = [ln[7:] for ln in events.text.splitlines() if ln.startswith("event: ")]
        assert names[0] == "status" and names[-1] == "end"
        html = await client.get(f"/v1/stories/{job_id}/report?format=html")
        assert html.headers["content-type"].startswith("text/html")
        assert 'id="search"' in html.text
        md = await client.get(f"/v1/stories/{job_id}/report")
        assert md.text.startswith("# Parallax stories: 12 articles, 4 stories")
        # A stories job is not a comparison job, nor the other way round.
        assert (await client.get(f"/v1/comparisons/{job_id}")).status_code == 404
        waited = await client.post(
            "/v1/stories?wait=30", json={"articles": feed_rows()[:3], "compare": False}
        )
        assert waited.status_code == 200
        assert all(s["comparison"] is None for s in waited.json()["result"]["stories"])
        bad = await client.post("/v1/stories", json={"articles": []})
        assert bad.status_code == 422


async def test_a_failed_story_does_not_fail_the_feed_on_sqlite(tmp_path: Path) -> None:
    rows = feed_rows()
    engine = FailingStory(rows[0]["text"][:40])
    async with client_for(tmp_path, engine) as client:
        job_id = (await client.post("/v1/stories", json={"articles": rows})).json()["id"]
        job = await _until_finished(client, job_id)
    assert job["status"] == "partial"
    _check_result(job["result"])
    assert [e["article_id"] for e in _errors(job)] == ["a1"]
    story0 = [r["text"][:40] for r, g in zip(rows, GOLD, strict=True) if g == 0]
    async with client_for(tmp_path / "b", BrokenStory(story0)) as client:
        job_id = (await client.post("/v1/stories", json={"articles": rows})).json()["id"]
        job = await _until_finished(client, job_id)
    assert job["status"] == "partial"
    failed = [s for s in job["result"]["stories"] if s["comparison"] is None]
    assert len(failed) == 1 and sorted(failed[0]["article_ids"]) == gold_stories(GOLD)[0]
    assert [e["source"] for e in job["result"]["errors"]] == [f"story {failed[0]['id']}"]
    assert sum(s["comparison"] is not None for s in job["result"]["stories"]) == 3


def _errors(job: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(job["result"]["errors"])
    for story in job["result"]["stories"]:
        if story["comparison"] is not None:
            found += story["comparison"]["errors"]
    return found


class BrokenStory(FakeEngine):
    """Every analysis of one story's articles raises something unexpected: that
    story's comparison job fails outright."""

    def __init__(self, prefixes: list[str]) -> None:
        super().__init__()
        self.prefixes = prefixes

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        if any(article.text.startswith(p) for p in self.prefixes):
            raise RuntimeError("boom")
        return await super().analyze(article, max_words)


async def test_on_postgresql_each_story_is_a_queue_job_and_one_failure_is_contained(
    pg_url: str, tmp_path: Path
) -> None:
    rows = feed_rows()
    story0 = [r["text"][:40] for r, g in zip(rows, GOLD, strict=True) if g == 0]
    settings = pg_settings(pg_url, tmp_path)
    async with replicas(settings, 1) as (api,), worker(settings, BrokenStory(story0), 2):
        job_id = (await api.post("/v1/stories", json={"articles": rows})).json()["id"]
        job = await _until_finished(api, job_id)
        store = api._transport.app.state.store  # type: ignore[attr-defined]
        kids = await store.children(job_id)
    assert job["status"] == "partial", job
    _check_result(job["result"])
    assert len(kids) == 4 and {k.kind for k in kids} == {"story"}
    assert sorted(k.job.status.value for k in kids) == ["done", "done", "done", "failed"]
    failed = [s for s in job["result"]["stories"] if s["comparison"] is None]
    assert len(failed) == 1 and sorted(failed[0]["article_ids"]) == gold_stories(GOLD)[0]
    assert [e["source"] for e in job["result"]["errors"]] == [f"story {failed[0]['id']}"]
    assert job["progress"]["stage"] == "compare"
    assert job["progress"]["done"] == job["progress"]["total"] == 4


async def test_on_postgresql_cancelling_a_feed_cancels_its_stories(
    pg_url: str, tmp_path: Path
) -> None:
    settings = pg_settings(pg_url, tmp_path)
    engine = GatedEngine()
    async with replicas(settings, 1) as (api,), worker(settings, engine, concurrency=1):
        job_id = (await api.post("/v1/stories", json={"articles": feed_rows()})).json()["id"]
        await asyncio.wait_for(engine.started.wait(), 20)  # a story is running
        cancelled = await api.delete(f"/v1/stories/{job_id}")
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        store = api._transport.app.state.store  # type: ignore[attr-defined]
        kids = await store.children(job_id)
        engine.gate.set()  # too late: nothing of this feed may run to the end now
        await asyncio.sleep(0)
        after = await store.children(job_id)
    assert len(kids) == 4
    assert {k.job.status.value for k in kids} == {"cancelled"}
    assert {k.job.status.value for k in after} == {"cancelled"}
    assert {k.job.error.message for k in kids if k.job.error} == {"its feed was cancelled"}


async def test_on_postgresql_a_feed_left_without_its_result_is_finished_by_a_worker(
    pg_url: str, tmp_path: Path
) -> None:
    # The last story's worker died after its own row was finished but before the
    # feed's: every story has ended, the feed still says running. Any worker's chore
    # writes the result.
    settings = pg_settings(
        pg_url, tmp_path, worker_stalled_seconds=1.5, worker_heartbeat_seconds=0.5
    )
    async with replicas(settings, 1) as (api,):
        async with worker(settings, FakeEngine(), 2):
            job_id = (await api.post("/v1/stories", json={"articles": feed_rows()})).json()["id"]
            first = await _until_finished(api, job_id)
        assert first["status"] == "done"
        store = api._transport.app.state.store  # type: ignore[attr-defined]
        async with store._connection() as conn:
            await conn.execute(
                "UPDATE parallax_jobs SET status = 'running' WHERE id = %s", (job_id,)
            )
        assert await store.unfinished_feeds() == [job_id]
        async with worker(settings, FakeEngine(), 1):
            again = await _until_finished(api, job_id)
        assert await store.unfinished_feeds() == []
    assert again["status"] == "done"
    _check_result(again["result"])
    assert again["result"]["stories"] == first["result"]["stories"]


async def test_a_feed_has_caps_of_its_own(tmp_path: Path) -> None:
    # More articles than one comparison may hold are a normal feed; the feed's own
    # caps still refuse before anything is accepted.
    rows = feed_rows()
    caps = {"max_articles": 3, "max_feed_articles": len(rows), "max_feed_body_bytes": 100_000}
    async with client_for(tmp_path, **caps) as client:
        ok = await client.post("/v1/stories", json={"articles": rows, "compare": False})
        assert ok.status_code in (200, 202), ok.text
        over = await client.post("/v1/stories", json={"articles": rows + rows[:1]})
        assert over.status_code == 413
        assert over.json()["errors"][0]["field"] == "articles"
        assert "per feed" in over.json()["detail"]
        huge = await client.post("/v1/stories", json={"articles": [{"text": "x" * 100_001}]})
        assert huge.status_code == 413 and huge.json()["code"] == "body_too_large"
        one = await client.post("/v1/comparisons", json={"articles": rows[:4]})
        assert one.status_code == 413  # a comparison keeps its own cap
