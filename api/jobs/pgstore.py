"""Jobs in PostgreSQL, shared by every API replica and worker.

The same operations as the SQLite store (api/jobs/store.py), with three differences
that let many processes share one table:

- ``create`` inserts the job and puts it on the queue in one transaction (the
  ``enqueue`` callback defers it through Procrastinate on this connection), so a
  job is never accepted without being queued, and two replicas that receive the same
  ``Idempotency-Key`` at once create one job: the unique key makes the second insert
  a no-op, and it returns the first one's job.
- Every change a watcher cares about (progress, the end, a cancel) sends
  ``NOTIFY parallax_jobs`` in the same statement, so it is heard by whichever replica
  holds the event stream, and only once it is committed.
- ``start`` also takes a job that is ``running``: that is a job whose worker died
  and which the queue handed to another worker.

A database that cannot be reached raises ``DatabaseUnavailable`` (503).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, LiteralString

from api.db import pg
from api.db.migrate import apply_postgres
from api.db.schema import postgres_migrations
from api.errors import ConflictError
from api.jobs.models import Job, JobError, JobProgress, JobStatus
from api.jobs.rows import (
    COLUMNS,
    UNFINISHED,
    NewJob,
    StoredJob,
    conflict_message,
    job_from_row,
    now,
    status_counts,
    stored_from_row,
)
from api.models import Comparison, ProgressEvent, Stories
from api.settings import Settings

CHANNEL = "parallax_jobs"
Connection = pg.Connection
# (connection in the creating transaction, job id) -> the queue's job id
Enqueue = Callable[[Connection, str], Awaitable[int]]
# (connection, queue job id): ask the queue to stop that job wherever it runs
Abort = Callable[[Connection, int], Awaitable[None]]

# Selected from a "changed" CTE (the rows an UPDATE returned); the %s says whether
# the event carries the progress.
_NOTIFY: LiteralString = (
    "pg_notify('" + CHANNEL + "', json_build_object('id', id, 'status', status,"
    " 'progress', CASE WHEN %s THEN json_build_object('stage', stage, 'done', done,"
    " 'total', total, 'detail', detail) END)::text) AS sent"
)


class PgJobStore:
    def __init__(
        self, settings: Settings, *, enqueue: Enqueue | None = None, abort: Abort | None = None
    ) -> None:
        self.settings = settings
        self._enqueue = enqueue
        self._abort = abort
        self._pool: pg.Pool | None = None

    async def open(self) -> None:
        self._pool = await pg.open_pool(self.settings)
        async with self._connection() as conn:
            await apply_postgres(conn, postgres_migrations())

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Connection]:
        assert self._pool is not None, "open() the store first"
        with pg.translated():
            async with self._pool.connection() as conn:
                yield conn

    async def ping(self) -> None:
        async with self._connection() as conn:
            await conn.execute("SELECT 1 FROM parallax_jobs LIMIT 1")

    async def create(self, new: NewJob) -> tuple[Job, bool]:
        """Insert a queued job and enqueue it; with a known ``idempotency_key`` return
        that job instead (a ConflictError if its request differs)."""
        stamp = now()
        fields = (new.engine, new.request_json, new.request_hash, new.idempotency_key)
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "INSERT INTO parallax_jobs (id, status, engine, request, request_hash,"
                " idempotency_key, request_id, created_at, updated_at, kind, parent_id)"
                " VALUES (%s, 'queued', %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                f" ON CONFLICT (idempotency_key) DO NOTHING RETURNING {COLUMNS}",
                (uuid.uuid4().hex, *fields, new.request_id, stamp, stamp, new.kind, new.parent_id),
            )
            row = await cursor.fetchone()
            if row is None:  # the key is taken: that request's job
                cursor = await conn.execute(
                    f"SELECT {COLUMNS}, request_hash FROM parallax_jobs WHERE idempotency_key = %s",
                    (new.idempotency_key,),
                )
                row = await cursor.fetchone()
                assert row is not None
                if row["request_hash"] != new.request_hash:
                    raise ConflictError(conflict_message(row["id"]))
                return job_from_row(row), False
            if self._enqueue is not None:
                queue_id = await self._enqueue(conn, row["id"])
                await conn.execute(
                    "UPDATE parallax_jobs SET queue_job_id = %s WHERE id = %s",
                    (queue_id, row["id"]),
                )
            return job_from_row(row), True

    async def get(self, job_id: str) -> StoredJob | None:
        async with self._connection() as conn:
            cursor = await conn.execute(
                f"SELECT {COLUMNS}, request, request_id, result, kind FROM parallax_jobs"
                " WHERE id = %s",
                (job_id,),
            )
            row = await cursor.fetchone()
        return None if row is None else stored_from_row(row)

    async def start(self, job_id: str) -> bool:
        """Mark the job running (again, after a lost worker); False once it finished."""
        return await self._update(
            job_id, "status = 'running', attempts = attempts + 1", (), only=UNFINISHED
        )

    async def progress(self, job_id: str, event: ProgressEvent | JobProgress) -> bool:
        return await self._update(
            job_id,
            "stage = %s, done = %s, total = %s, detail = %s",
            (event.stage, event.done, event.total, event.detail),
            only=(JobStatus.running,),
            notify="progress",
        )

    async def finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: Comparison | Stories | None,
        error: JobError | None,
    ) -> bool:
        """Record the outcome of a running job; False if it was no longer running
        (cancelled, or already finished by another worker)."""
        result_json = None
        if result is not None:  # a large result takes a while: off the loop
            result_json = await asyncio.to_thread(result.model_dump_json)
        return await self._update(
            job_id,
            "status = %s, result = %s, error_code = %s, error_message = %s",
            (status.value, result_json, *((error.code, error.message) if error else (None, None))),
            only=(JobStatus.running,),
            notify="end",
        )

    async def cancel(self, job_id: str) -> bool:
        async with self._connection() as conn, conn.transaction():
            cursor = await conn.execute(
                "WITH changed AS (UPDATE parallax_jobs SET status = 'cancelled',"
                " error_code = 'cancelled', error_message = 'cancelled by a DELETE request',"
                " updated_at = %s WHERE id = %s AND status IN ('queued', 'running')"
                " RETURNING id, status, stage, done, total, detail, queue_job_id)"
                f" SELECT {_NOTIFY}, queue_job_id FROM changed",
                (now(), job_id, False),
            )
            row = await cursor.fetchone()
            if row is None:
                return False
            # A feed's stories go with it: nobody waits for their comparisons now.
            cursor = await conn.execute(
                "WITH changed AS (UPDATE parallax_jobs SET status = 'cancelled',"
                " error_code = 'cancelled', error_message = 'its feed was cancelled',"
                " updated_at = %s WHERE parent_id = %s AND status IN ('queued', 'running')"
                " RETURNING id, status, stage, done, total, detail, queue_job_id)"
                f" SELECT {_NOTIFY}, queue_job_id FROM changed",
                (now(), job_id, False),
            )
            rows = [row, *await cursor.fetchall()]
            if self._abort is not None:
                for r in rows:
                    if r["queue_job_id"] is not None:
                        await self._abort(conn, r["queue_job_id"])
            return True

    @property
    def queues(self) -> bool:
        """True when the jobs this store creates go on the queue."""
        return self._enqueue is not None

    def use_queue(self, enqueue: Enqueue) -> None:
        """Enqueue the jobs this store creates (a worker's store, for a feed's stories)."""
        self._enqueue = enqueue

    async def hold(self, job_id: str, pending_json: str) -> bool:
        """Keep a running feed's pending result (its stories, no comparison yet) in its
        row; it is shown only once the status says done or partial."""
        return await self._update(job_id, "result = %s", (pending_json,), only=(JobStatus.running,))

    async def children(self, parent_id: str) -> list[StoredJob]:
        """A feed's story jobs, oldest first."""
        async with self._connection() as conn:
            cursor = await conn.execute(
                f"SELECT {COLUMNS}, request, request_id, result, kind FROM parallax_jobs"
                " WHERE parent_id = %s ORDER BY created_at, id",
                (parent_id,),
            )
            rows = await cursor.fetchall()
        return [stored_from_row(row) for row in rows]

    async def unfinished_feeds(self) -> list[str]:
        """Running feeds that have stories and none of them still to run: the last
        story's worker died, or a story was cancelled on its own, before the feed's
        result was written (api.jobs.feeds.collect writes it)."""
        async with self._connection() as conn:
            cursor = await conn.execute(
                "SELECT f.id FROM parallax_jobs f WHERE f.kind = 'stories'"
                " AND f.status = 'running' AND f.result IS NOT NULL"
                " AND EXISTS (SELECT 1 FROM parallax_jobs k WHERE k.parent_id = f.id)"
                " AND NOT EXISTS (SELECT 1 FROM parallax_jobs k WHERE k.parent_id = f.id"
                " AND k.status IN ('queued', 'running')) ORDER BY f.created_at, f.id"
            )
            return [row["id"] for row in await cursor.fetchall()]

    async def purge(self, ttl_seconds: float) -> int:
        """Delete jobs that finished more than ``ttl_seconds`` ago; returns how many."""
        async with self._connection() as conn:
            cursor = await conn.execute(
                "DELETE FROM parallax_jobs WHERE status NOT IN ('queued', 'running')"
                " AND updated_at <= %s",
                (now() - timedelta(seconds=ttl_seconds),),
            )
            return cursor.rowcount

    async def counts(self) -> dict[JobStatus, int]:
        async with self._connection() as conn:
            cursor = await conn.execute(
                "SELECT status, count(*) AS n FROM parallax_jobs GROUP BY status"
            )
            return status_counts(await cursor.fetchall())

    async def _update(
        self,
        job_id: str,
        assignments: LiteralString,
        values: tuple[Any, ...],
        *,
        only: tuple[JobStatus, ...],
        notify: str | None = None,
    ) -> bool:
        """Change a job only while it is in one of the ``only`` states; True if it
        changed. With ``notify``, watchers hear of it in the same statement."""
        update: LiteralString = (
            f"UPDATE parallax_jobs SET {assignments}, updated_at = %s"
            " WHERE id = %s AND status = ANY(%s)"
        )
        params: tuple[Any, ...] = (*values, now(), job_id, [s.value for s in only])
        if notify is None:
            query: LiteralString = update
        else:
            query = f"WITH changed AS ({update} RETURNING *) SELECT {_NOTIFY} FROM changed"
            params = (*params, notify == "progress")
        async with self._connection() as conn:
            cursor = await conn.execute(query, params)
            return cursor.rowcount == 1


def parse_event(payload: str) -> tuple[str, JobStatus, dict[str, Any] | None]:
    """A NOTIFY payload: (job id, status, progress or None)."""
    data = json.loads(payload)
    return data["id"], JobStatus(data["status"]), data.get("progress")
