"""What workers share through PostgreSQL for the llm engine: the reply cache (a reply
validated by one worker is a hit for all) and the limit on requests in flight (held
across workers together, by advisory locks)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from api.db.migrate import apply_postgres
from api.db.schema import postgres_migrations
from api.engines.llm.cache import open_cache
from api.engines.llm.pgcache import PgReplyCache
from api.jobs.slots import PgSlots
from tests.pg_support import pg_settings

pytestmark = pytest.mark.anyio


@pytest.fixture
async def migrated(pg_url: str) -> str:
    import psycopg

    async with await psycopg.AsyncConnection.connect(pg_url, autocommit=True) as conn:
        await apply_postgres(conn, postgres_migrations())
    return pg_url


async def test_a_reply_cached_by_one_worker_is_a_hit_for_another(
    migrated: str, tmp_path: Path
) -> None:
    settings = pg_settings(migrated, tmp_path, cache_path=tmp_path / "never.sqlite3")
    first, second = PgReplyCache(settings), PgReplyCache(settings)
    assert first.get("k") is None
    first.put("k", model="m", prompt="extract@1", content='{"a": 1}', usage=(10, 2))
    first.put("k", model="m", prompt="extract@1", content='{"a": 2}', usage=(11, 3))
    assert second.get("k") == ('{"a": 2}', 11, 3)
    assert isinstance(open_cache(settings), PgReplyCache)
    assert open_cache(settings.model_copy(update={"cache": False})) is None
    assert not (tmp_path / "never.sqlite3").exists()
    first.close()
    second.close()


async def test_the_structured_output_mode_one_worker_found_is_known_to_the_others(
    migrated: str, tmp_path: Path
) -> None:
    settings = pg_settings(migrated, tmp_path)
    first, second = PgReplyCache(settings), PgReplyCache(settings)
    assert first.get_mode("http://x/v1", "m") is None
    first.put_mode("http://x/v1", "m", "json_object_schema")
    first.put_mode("http://x/v1", "m", "json_object")
    assert second.get_mode("http://x/v1", "m") == "json_object"
    assert second.get_mode("http://x/v1", "other-model") is None
    first.close()
    second.close()


async def test_the_cache_misses_rather_than_fails_when_the_database_is_away(
    tmp_path: Path,
) -> None:
    from tests.serverproc import free_port

    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}/none"
    cache = PgReplyCache(pg_settings(nowhere, tmp_path))
    assert cache.get("k") is None
    cache.put("k", model="m", prompt="p", content="{}", usage=(1, 1))  # forgotten, no error
    assert cache.get_mode("http://x/v1", "m") is None
    cache.put_mode("http://x/v1", "m", "json_object")  # forgotten too


async def test_requests_in_flight_are_bounded_across_workers(pg_url: str, tmp_path: Path) -> None:
    settings = pg_settings(pg_url, tmp_path)
    workers = [PgSlots(settings, 3), PgSlots(settings, 3)]  # two processes' worth
    in_flight, most = 0, 0
    release = asyncio.Event()
    entered = asyncio.Condition()

    async def call(slots: PgSlots) -> None:
        nonlocal in_flight, most
        async with slots.slot():
            in_flight += 1
            most = max(most, in_flight)
            async with entered:
                entered.notify_all()
            await release.wait()
            in_flight -= 1

    calls = [asyncio.create_task(call(workers[n % 2])) for n in range(8)]
    async with entered:
        await asyncio.wait_for(entered.wait_for(lambda: in_flight == 3), 10)
    await asyncio.sleep(0.2)  # the other five keep asking; none may get in
    assert in_flight == 3
    release.set()
    await asyncio.wait_for(asyncio.gather(*calls), 10)
    assert most == 3
    for slots in workers:
        await slots.close()
