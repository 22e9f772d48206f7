"""The schema, as numbered migrations (api/db/migrate.py applies them).

Add a table or an index by appending a step to each list that needs it; never edit
a step that has shipped. SQLite keeps the jobs in ``PARALLAX_DB_PATH`` (the LLM
reply cache has its own file, ``api/engines/llm/cache.py``); PostgreSQL holds the queue
(Procrastinate's tables), the jobs and the reply cache in one database.
"""

from __future__ import annotations

from api.db.migrate import Migration

# Step 1 is the table the service created before migrations existed; "IF NOT EXISTS"
# lets an old file (user_version 0) adopt it as its step 1 unchanged.
SQLITE_JOBS = (
    Migration(
        1,
        "jobs",
        """
CREATE TABLE IF NOT EXISTS jobs (
    id              TEXT PRIMARY KEY,
    status          TEXT NOT NULL,
    engine          TEXT NOT NULL,
    request         TEXT NOT NULL,   -- ComparisonRequest JSON, engine resolved
    request_hash    TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_id      TEXT,            -- X-Request-ID of the POST, for tracing
    stage           TEXT NOT NULL DEFAULT 'queued',
    done            INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    detail          TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    error_code      TEXT,
    error_message   TEXT,
    result          TEXT,            -- Comparison JSON
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at)
""",
    ),
    # Retention deletes finished jobs by the time they finished (their last update).
    Migration(2, "jobs_by_update", "CREATE INDEX jobs_by_update ON jobs (updated_at)"),
    # Story feeds (POST /v1/stories) are jobs too: what a row holds.
    Migration(
        3, "jobs_kind", "ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'comparison'"
    ),
)

_PG_JOBS = """
CREATE TABLE parallax_jobs (
    id              text PRIMARY KEY,
    status          text NOT NULL,
    engine          text NOT NULL,
    request         text NOT NULL,
    request_hash    text NOT NULL,
    idempotency_key text UNIQUE,
    request_id      text,
    stage           text NOT NULL DEFAULT 'queued',
    done            integer NOT NULL DEFAULT 0,
    total           integer NOT NULL DEFAULT 0,
    detail          text NOT NULL DEFAULT '',
    attempts        integer NOT NULL DEFAULT 0,
    error_code      text,
    error_message   text,
    result          text,            -- Comparison JSON, spliced into responses as is
    queue_job_id    bigint,          -- procrastinate_jobs.id, to abort it on DELETE
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX parallax_jobs_by_status ON parallax_jobs (status, created_at);
CREATE INDEX parallax_jobs_by_update ON parallax_jobs (updated_at)
"""

_PG_REPLY_CACHE = """
CREATE TABLE parallax_llm_replies (
    key               text PRIMARY KEY,
    model             text NOT NULL,
    prompt            text NOT NULL,
    content           text NOT NULL,
    prompt_tokens     integer NOT NULL,
    completion_tokens integer NOT NULL,
    created           double precision NOT NULL
)
"""


_PG_STRUCTURED_MODES = """
CREATE TABLE parallax_structured_modes (
    endpoint text NOT NULL,
    model    text NOT NULL,
    mode     text NOT NULL,
    updated  double precision NOT NULL,
    PRIMARY KEY (endpoint, model)
)
"""


# A story feed is a job of kind 'stories'; on PostgreSQL each of its comparisons is a
# job of kind 'story' whose parent_id is the feed's job, run by any worker.
_PG_JOB_KINDS = """
ALTER TABLE parallax_jobs ADD COLUMN kind text NOT NULL DEFAULT 'comparison';
ALTER TABLE parallax_jobs ADD COLUMN parent_id text;
CREATE INDEX parallax_jobs_by_parent ON parallax_jobs (parent_id) WHERE parent_id IS NOT NULL
"""


def postgres_migrations() -> tuple[Migration, ...]:
    # Procrastinate's own schema is our step 1, taken from the pinned version's
    # package; a later Procrastinate with schema changes gets its migration files
    # added here as new steps.
    from procrastinate.schema import SchemaManager

    return (
        Migration(1, "procrastinate 3.10 queue schema", SchemaManager.get_schema()),
        Migration(2, "parallax_jobs", _PG_JOBS),
        Migration(3, "parallax_llm_replies", _PG_REPLY_CACHE),
        Migration(4, "parallax_structured_modes", _PG_STRUCTURED_MODES),
        Migration(5, "parallax_jobs kind and parent", _PG_JOB_KINDS),
    )
