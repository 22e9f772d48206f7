"""Story feeds as jobs (``POST /v1/stories``), on either backend.

- SQLite (one process): the feed job groups its articles and compares each story in
  this process, one after another (api/stories/feed.py's :func:`run_feed`).
- PostgreSQL: the feed job groups, keeps the pending result (every comparison null)
  in its row, and creates one ``story`` job per story of two or more articles, each
  enqueued for any worker. It then ends its own run without waiting (a worker slot is
  never held by a feed waiting on its stories, so no number of feeds can starve the
  workers). Each story job, when it finishes, done or failed, calls :func:`collect`,
  which counts the feed's finished stories (its progress) and, once all are in,
  writes the feed's result: a failed story is an error entry and ``comparison:
  null``, and the feed still finishes (partial). Two last stories finishing at once
  may both assemble; only the first finish is recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from api.compare import pipeline
from api.engines.base import Engine
from api.ingest.inputs import resolve_inputs
from api.jobs.models import JobProgress, JobStatus, StoriesRequest, StoryRequest
from api.jobs.pgstore import PgJobStore
from api.jobs.rows import NewJob, StoredJob
from api.models import Article, Comparison, ErrorEntry, Stories
from api.settings import Settings
from api.stories.feed import assemble, completed, members_of, plan, run_feed

log = logging.getLogger("parallax.jobs")

EngineFactory = Callable[[str, Settings], Engine]
Write = Callable[[JobProgress], Awaitable[None]]


async def run_feed_job(
    job_id: str,
    stored: StoredJob,
    store: object,
    settings: Settings,
    engine_factory: EngineFactory,
    engine: Engine,
    write: Write,
) -> Stories | None:
    """The feed's result, or None when its stories went to the queue (PostgreSQL:
    the last of them to finish records the result)."""
    request = StoriesRequest.model_validate_json(stored.request_json)
    articles, errors = await resolve_inputs(request.articles, settings)
    max_words = request.max_words or settings.max_words
    summary_words = request.summary_max_words or settings.summary_max_words
    await write(JobProgress(stage="group", done=0, total=len(articles)))
    if isinstance(store, PgJobStore) and store.queues and request.compare:
        return await _fan_out(
            job_id, stored, store, articles, errors, engine, max_words, summary_words
        )

    async def compare_story(members: Sequence[Article]) -> Comparison:
        return await pipeline.compare(
            members,
            engine_factory(stored.job.engine, settings),  # its own usage
            max_words=max_words,
            summary_max_words=summary_words,
        )

    writes: list[asyncio.Future[None]] = []

    def progress(done: int, total: int, detail: str) -> None:
        event = JobProgress(stage="compare", done=done, total=total, detail=detail)
        writes.append(asyncio.ensure_future(write(event)))

    try:
        return await run_feed(
            articles,
            compare_story if request.compare else None,
            errors=errors,
            engine=engine.info if request.compare else None,
            progress=progress,
        )
    finally:
        await asyncio.gather(*writes, return_exceptions=True)


async def _fan_out(
    job_id: str,
    stored: StoredJob,
    store: PgJobStore,
    articles: list[Article],
    errors: list[ErrorEntry],
    engine: Engine,
    max_words: int,
    summary_words: int,
) -> Stories | None:
    planned = await asyncio.to_thread(plan, articles)
    todo = planned.to_compare
    pending = await asyncio.to_thread(
        assemble, articles, planned, comparisons={}, errors=errors, engine=engine.info
    )
    if not todo:
        return pending
    await store.hold(job_id, pending.model_dump_json())
    if not await store.children(job_id):  # a feed run again after its worker died: once
        for story in todo:
            request_json = StoryRequest(
                feed_job_id=job_id,
                story_id=story.id,
                articles=members_of(articles, story),
                max_words=max_words,
                summary_max_words=summary_words,
            ).model_dump_json()
            await store.create(
                NewJob(
                    engine=stored.job.engine,
                    request_json=request_json,
                    request_hash=hashlib.sha256(request_json.encode()).hexdigest(),
                    idempotency_key=None,
                    request_id=stored.request_id,
                    kind="story",
                    parent_id=job_id,
                )
            )
    await collect(store, job_id)  # in case every story finished already
    return None


async def run_story_job(stored: StoredJob, engine: Engine) -> Comparison:
    request = StoryRequest.model_validate_json(stored.request_json)
    return await pipeline.compare(
        request.articles,
        engine,
        max_words=request.max_words,
        summary_max_words=request.summary_max_words,
    )


def feed_of(stored: StoredJob) -> str | None:
    """A story job's feed job id."""
    if stored.kind != "story":
        return None
    return StoryRequest.model_validate_json(stored.request_json).feed_job_id


async def collect(store: object, feed_job_id: str) -> None:
    """After one of a feed's stories finished: the feed's progress, and its result
    once every story is in."""
    if not isinstance(store, PgJobStore):
        return
    feed = await store.get(feed_job_id)
    if feed is None or feed.job.status != JobStatus.running or feed.result_json is None:
        return  # cancelled, or already collected
    pending = Stories.model_validate_json(feed.result_json)
    expected = sum(len(s.article_ids) >= 2 for s in pending.stories)
    kids = await store.children(feed_job_id)
    finished = [k for k in kids if k.job.status.finished]
    last = StoryRequest.model_validate_json(finished[-1].request_json) if finished else None
    await store.progress(
        feed_job_id,
        JobProgress(
            stage="compare",
            done=len(finished),
            total=expected,
            detail=last.story_id if last else "",
        ),
    )
    if len(finished) < expected:
        return
    comparisons: dict[str, Comparison] = {}
    failures: list[ErrorEntry] = []
    for kid in kids:
        story_id = StoryRequest.model_validate_json(kid.request_json).story_id
        if kid.job.status in (JobStatus.done, JobStatus.partial) and kid.result_json:
            comparisons[story_id] = Comparison.model_validate_json(kid.result_json)
        else:
            code = kid.job.error.code if kid.job.error else kid.job.status.value
            message = kid.job.error.message if kid.job.error else f"comparison {kid.job.status}"
            failures.append(ErrorEntry(source=f"story {story_id}", code=code, message=message))
    result = await asyncio.to_thread(completed, pending, comparisons, failures)
    status = JobStatus.partial if result.partial else JobStatus.done
    if await store.finish(feed_job_id, status, result=result, error=None):
        log.info(
            "feed finished: %s", status.value, extra={"job_id": feed_job_id, "request_id": None}
        )
