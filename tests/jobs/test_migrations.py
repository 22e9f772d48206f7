"""Versioned migrations: each step runs once, in order, on SQLite and PostgreSQL; a
file made before migrations existed is adopted as it is; replicas starting together
migrate once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import psycopg
import pytest

from api.db.migrate import Migration, apply_postgres, apply_sqlite
from api.db.schema import SQLITE_JOBS, postgres_migrations
from api.jobs.store import JobStore

pytestmark = pytest.mark.anyio


def test_sqlite_steps_run_once_in_order(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "jobs.db", isolation_level=None)
    assert apply_sqlite(db, SQLITE_JOBS) == [1, 2, 3]
    assert apply_sqlite(db, SQLITE_JOBS) == []
    assert db.execute("PRAGMA user_version").fetchone() == (3,)
    extra = (*SQLITE_JOBS, Migration(4, "more", "CREATE TABLE more (x INTEGER)"))
    assert apply_sqlite(db, extra) == [4]


def test_a_failing_sqlite_step_leaves_the_file_at_the_last_whole_step(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "jobs.db", isolation_level=None)
    broken = (*SQLITE_JOBS, Migration(4, "broken", "CREATE TABLE t (x); SELECT nonsense()"))
    with pytest.raises(sqlite3.OperationalError):
        apply_sqlite(db, broken)
    assert db.execute("PRAGMA user_version").fetchone() == (3,)
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchone() is None


def test_steps_must_be_numbered_from_one(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "jobs.db", isolation_level=None)
    with pytest.raises(ValueError, match="numbered"):
        apply_sqlite(db, (Migration(2, "x", "SELECT 1"),))


async def test_a_database_from_before_migrations_is_adopted_with_its_jobs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "jobs.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(SQLITE_JOBS[0].sql)  # what CREATE TABLE IF NOT EXISTS used to leave
    old.execute(
        "INSERT INTO jobs (id, status, engine, request, request_hash, created_at, updated_at)"
        " VALUES ('old', 'done', 'offline', '{}', 'h', '2026-01-01', '2026-01-01')"
    )
    old.close()
    store = JobStore(path)
    await store.open()
    try:
        stored = await store.get("old")
        assert stored is not None and stored.job.status == "done"
    finally:
        await store.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone() == (3,)
    indexes = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
    assert "jobs_by_update" in indexes


async def test_postgres_replicas_starting_together_migrate_once(pg_url: str) -> None:
    steps = postgres_migrations()
    conns = [await psycopg.AsyncConnection.connect(pg_url, autocommit=True) for _ in range(3)]
    try:
        applied = await asyncio.gather(*(apply_postgres(c, steps) for c in conns))
        assert sorted(applied) == [[], [], [1, 2, 3, 4, 5]]
        assert await apply_postgres(conns[0], steps) == []
        cursor = await conns[0].execute("SELECT version, name FROM parallax_migrations")
        rows = sorted(await cursor.fetchall())
    finally:
        for conn in conns:
            await conn.close()
    assert [v for v, _ in rows] == [1, 2, 3, 4, 5]
    assert rows[0][1].startswith("procrastinate")
