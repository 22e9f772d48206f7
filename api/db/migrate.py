"""Versioned migrations: each schema change is a numbered step applied once, in order.

A database records the steps it has had (SQLite: ``PRAGMA user_version``; PostgreSQL:
the ``parallax_migrations`` table), so a start applies only the new ones, and an
upgraded column or index is a new step rather than a ``CREATE ... IF NOT EXISTS``
that silently leaves an old database behind. On PostgreSQL every process (replicas,
workers) migrates on start; a transaction-scoped advisory lock lets one of them do it
while the others wait and then find nothing left to do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psycopg.rows import tuple_row

if TYPE_CHECKING:
    from psycopg import AsyncConnection

# pg_advisory_xact_lock key for "migrating": 'PRLX' as a 32-bit number.
MIGRATION_LOCK = 0x50524C58


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def _check(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3, ... in order: {versions}")


def apply_sqlite(db: sqlite3.Connection, migrations: Sequence[Migration]) -> list[int]:
    """Apply the steps newer than the file's ``user_version``; returns those applied.

    ``db`` is in autocommit mode (isolation_level=None); each step and its version
    number commit together, so a crash leaves the file at a whole step."""
    _check(migrations)
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    applied = []
    for step in migrations[current:]:
        try:
            db.executescript(
                f"BEGIN IMMEDIATE;\n{step.sql};\nPRAGMA user_version = {step.version};\nCOMMIT;"
            )
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        applied.append(step.version)
    return applied


async def apply_postgres(conn: AsyncConnection[Any], migrations: Sequence[Migration]) -> list[int]:
    """Apply the steps this database has not had, in one transaction; returns them."""
    _check(migrations)
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS parallax_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor = conn.cursor(row_factory=tuple_row)  # whatever rows the caller's use
        await cursor.execute("SELECT version FROM parallax_migrations")
        done = {row[0] for row in await cursor.fetchall()}
        applied = []
        for step in migrations:
            if step.version in done:
                continue
            await conn.execute(step.sql.encode())  # bytes: run as written, no % placeholders
            await conn.execute(
                "INSERT INTO parallax_migrations (version, name) VALUES (%s, %s)",
                (step.version, step.name),
            )
            applied.append(step.version)
    return applied
