"""PostgreSQL connections: one pool per process, failures turned into a 503.

The pool checks a connection before lending it, so after PostgreSQL restarts the
dead connections are dropped and new ones made, with no restart of ours. Waiting for
a connection is capped (``PARALLAX_DB_TIMEOUT_SECONDS``): while the database is down
a request gets ``DatabaseUnavailable`` (503 problem+json) instead of hanging.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import psycopg
import psycopg_pool
from psycopg.rows import DictRow, dict_row

from api.errors import DatabaseUnavailable
from api.settings import Settings

Connection = psycopg.AsyncConnection[DictRow]
Pool = psycopg_pool.AsyncConnectionPool[Connection]

# What "the database is not there" looks like: a refused or lost connection, an
# administrator shutdown, or no connection free in time.
UNAVAILABLE: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
    psycopg_pool.PoolClosed,
)


def conninfo(settings: Settings) -> str:
    if settings.database_url is None:
        raise ValueError("PARALLAX_DATABASE_URL is not set")
    return settings.database_url.get_secret_value()


def connect_kwargs(settings: Settings) -> dict[str, Any]:
    # Timestamps come back in UTC, so they print like SQLite's ISO strings.
    timeout = max(1, int(settings.db_timeout_seconds))
    return {"connect_timeout": timeout, "options": "-c timezone=UTC"}


async def open_pool(settings: Settings, *, max_size: int | None = None) -> Pool:
    pool: Pool = psycopg_pool.AsyncConnectionPool(
        conninfo(settings),
        min_size=1,
        max_size=max_size or settings.db_pool_size,
        kwargs={**connect_kwargs(settings), "autocommit": True, "row_factory": dict_row},
        connection_class=psycopg.AsyncConnection[DictRow],
        check=psycopg_pool.AsyncConnectionPool.check_connection,
        timeout=settings.db_timeout_seconds,
        open=False,
        name="parallax",
    )
    await pool.open(wait=False)
    return pool


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Raise DatabaseUnavailable for a database that is down; other errors pass."""
    try:
        yield
    except UNAVAILABLE as exc:
        raise DatabaseUnavailable(
            f"the job database is unavailable ({type(exc).__name__}); retry shortly"
        ) from exc
