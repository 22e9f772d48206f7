"""A job row as both stores read it: the columns, the API view, and the raw JSON.

SQLite rows and PostgreSQL dict rows are read by column name alike, so one mapping
serves both; PostgreSQL's timestamps are printed the way SQLite stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from api.jobs.models import Job, JobError, JobProgress, JobStatus

COLUMNS = (
    "id, status, engine, stage, done, total, detail, attempts, error_code, error_message,"
    " created_at, updated_at"
)
# States a job's worker may still change; finished and cancelled jobs stay as they are.
UNFINISHED = (JobStatus.queued, JobStatus.running)


@dataclass(frozen=True, slots=True)
class StoredJob:
    """A job row: the API view, plus the request and the raw result JSON."""

    job: Job
    request_json: str
    request_id: str | None
    result_json: str | None
    kind: str = "comparison"  # or "stories" (a feed), "story" (one of its comparisons)


@dataclass(frozen=True, slots=True)
class NewJob:
    """What ``POST /v1/comparisons`` asks a store to create."""

    engine: str
    request_json: str  # the ComparisonRequest, engine resolved
    request_hash: str  # sha256 of request_json: the same key with another body is a 409
    idempotency_key: str | None
    request_id: str | None  # X-Request-ID of the POST, for tracing
    kind: str = "comparison"  # "stories": a feed (StoriesRequest); "story": one of its stories
    parent_id: str | None = None  # a "story" job's feed job (PostgreSQL)


def status_counts(rows: Any) -> dict[JobStatus, int]:
    """Rows of (status, n) -> a count for every status, zeros included."""
    found = {row["status"]: row["n"] for row in rows}
    return {status: found.get(status.value, 0) for status in JobStatus}


def now() -> datetime:
    return datetime.now(UTC)


def timestamp(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds")
    return str(value)


def job_from_row(row: Any) -> Job:  # a sqlite3.Row or a psycopg dict row
    error = None
    if row["error_code"] is not None:
        error = JobError(code=row["error_code"], message=row["error_message"] or "")
    return Job(
        id=row["id"],
        status=JobStatus(row["status"]),
        progress=JobProgress(
            stage=row["stage"], done=row["done"], total=row["total"], detail=row["detail"]
        ),
        engine=row["engine"],
        created_at=timestamp(row["created_at"]),
        updated_at=timestamp(row["updated_at"]),
        attempts=row["attempts"],
        error=error,
    )


def stored_from_row(row: Any) -> StoredJob:
    return StoredJob(
        job_from_row(row), row["request"], row["request_id"], row["result"], row["kind"]
    )


def conflict_message(job_id: str) -> str:
    return (
        f"this Idempotency-Key was already used with a different request (job {job_id}); "
        "use a new key for a new request"
    )
