"""Jobs in SQLite: every accepted comparison is a row before the client hears 202.

One connection, used by one dedicated thread, so that the event loop never waits on
the disk and writes happen in the order they were asked for. WAL mode lets readers
go on while a result is written; ``synchronous=NORMAL`` keeps every committed row
through a killed process (the WAL is in the OS's cache), which is the crash this
store is built for.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from api.db.migrate import apply_sqlite
from api.db.schema import SQLITE_JOBS
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

T = TypeVar("T")

SQLITE_PURGE = "DELETE FROM jobs WHERE status NOT IN ('queued', 'running') AND updated_at <= ?"


def _now() -> str:
    return now().isoformat(timespec="milliseconds")


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parallax-db")
        self._db: sqlite3.Connection | None = None

    async def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(self._connection()))

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None)  # autocommit; BEGIN by hand
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=5000")
            apply_sqlite(db, SQLITE_JOBS)
            self._db = db
        return self._db

    async def open(self) -> None:
        await self._call(lambda db: None)

    async def close(self) -> None:
        def close(_: sqlite3.Connection) -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        await self._call(close)
        self._executor.shutdown(wait=True)

    async def ping(self) -> None:
        await self._call(lambda db: db.execute("SELECT count(*) FROM jobs").fetchone())

    async def create(self, new: NewJob) -> tuple[Job, bool]:
        """Insert a queued job; with a known ``idempotency_key`` return that job instead.

        Returns (job, created). A known key with a different request is a ConflictError.
        """

        def create(db: sqlite3.Connection) -> tuple[Job, bool]:
            if new.idempotency_key is not None:
                row = db.execute(
                    f"SELECT {COLUMNS}, request_hash FROM jobs WHERE idempotency_key = ?",
                    (new.idempotency_key,),
                ).fetchone()
                if row is not None:
                    if row["request_hash"] != new.request_hash:
                        raise ConflictError(conflict_message(row["id"]))
                    return job_from_row(row), False
            stamp = _now()
            job_id = uuid.uuid4().hex
            db.execute(
                "INSERT INTO jobs (id, status, engine, request, request_hash, idempotency_key,"
                " request_id, created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    JobStatus.queued.value,
                    new.engine,
                    new.request_json,
                    new.request_hash,
                    new.idempotency_key,
                    new.request_id,
                    stamp,
                    stamp,
                    new.kind,
                ),
            )
            return job_from_row(_select(db, job_id)), True

        return await self._call(create)

    async def get(self, job_id: str) -> StoredJob | None:
        def get(db: sqlite3.Connection) -> StoredJob | None:
            row = db.execute(
                f"SELECT {COLUMNS}, request, request_id, result, kind FROM jobs WHERE id = ?",
                (job_id,),
            ).fetchone()
            return None if row is None else stored_from_row(row)

        return await self._call(get)

    async def start(self, job_id: str) -> bool:
        """Mark a queued job running; False if it is no longer queued (cancelled)."""
        return await self._update(
            job_id,
            "status = 'running', attempts = attempts + 1",
            (),
            only=(JobStatus.queued,),
        )

    async def progress(self, job_id: str, event: ProgressEvent | JobProgress) -> bool:
        return await self._update(
            job_id,
            "stage = ?, done = ?, total = ?, detail = ?",
            (event.stage, event.done, event.total, event.detail),
            only=(JobStatus.running,),
        )

    async def finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: Comparison | Stories | None,
        error: JobError | None,
    ) -> bool:
        """Record the outcome of a running job (the result is serialized off the loop)."""

        def finish(db: sqlite3.Connection) -> bool:
            result_json = result.model_dump_json() if result is not None else None
            return _update(
                db,
                job_id,
                "status = ?, result = ?, error_code = ?, error_message = ?",
                (
                    status.value,
                    result_json,
                    error.code if error else None,
                    error.message if error else None,
                ),
                only=(JobStatus.running,),
            )

        return await self._call(finish)

    async def cancel(self, job_id: str) -> bool:
        return await self._update(
            job_id,
            "status = 'cancelled', error_code = 'cancelled', error_message = ?",
            ("cancelled by a DELETE request",),
            only=UNFINISHED,
        )

    async def purge(self, ttl_seconds: float) -> int:
        """Delete jobs that finished more than ``ttl_seconds`` ago; returns how many."""
        cutoff = (now() - timedelta(seconds=ttl_seconds)).isoformat(timespec="milliseconds")
        return await self._call(lambda db: db.execute(SQLITE_PURGE, (cutoff,)).rowcount)

    async def requeue_unfinished(self) -> list[str]:
        """After a restart: jobs that were running go back to the queue; returns every
        queued job id, oldest first."""

        def requeue(db: sqlite3.Connection) -> list[str]:
            db.execute(
                "UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'running'",
                (_now(),),
            )
            rows = db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at, rowid"
            ).fetchall()
            return [row["id"] for row in rows]

        return await self._call(requeue)

    async def counts(self) -> dict[JobStatus, int]:
        def counts(db: sqlite3.Connection) -> dict[JobStatus, int]:
            return status_counts(
                db.execute("SELECT status, count(*) AS n FROM jobs GROUP BY status")
            )

        return await self._call(counts)

    async def _update(
        self,
        job_id: str,
        assignments: str,
        values: tuple[object, ...],
        *,
        only: tuple[JobStatus, ...],
    ) -> bool:
        return await self._call(lambda db: _update(db, job_id, assignments, values, only=only))


def _update(
    db: sqlite3.Connection,
    job_id: str,
    assignments: str,
    values: tuple[object, ...],
    *,
    only: tuple[JobStatus, ...],
) -> bool:
    """Change a job only while it is in one of the ``only`` states (so that a cancelled
    job stays cancelled whatever its worker does next); True if it changed."""
    marks = ", ".join("?" for _ in only)
    cursor = db.execute(
        f"UPDATE jobs SET {assignments}, updated_at = ? WHERE id = ? AND status IN ({marks})",
        (*values, _now(), job_id, *(s.value for s in only)),
    )
    return cursor.rowcount == 1


def _select(db: sqlite3.Connection, job_id: str) -> sqlite3.Row:
    row: sqlite3.Row = db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return row
