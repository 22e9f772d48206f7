"""The LLM reply cache in PostgreSQL (``PARALLAX_DATABASE_URL``), shared by every
worker: a reply validated on one machine is a cache hit on all of them.

Same contract as the SQLite cache (api/engines/llm/cache.py): ``get`` and ``put`` are small
single statements, called on the event loop, over one connection per process (a
lock keeps threads from interleaving on it). Its table is a numbered migration in
api/db/schema.py; another small table goes there the same way. A cache is never a
reason for a comparison to fail: while the database is away, ``get`` misses and
``put`` forgets, and the connection is tried again a few seconds later.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg

from api.db import pg
from api.settings import Settings

log = logging.getLogger("parallax.llm")

RETRY_SECONDS = 5.0


class PgReplyCache:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._lock = threading.Lock()
        self._down_until = 0.0

    def _run(self, query: bytes, params: tuple[object, ...]) -> tuple[object, ...] | None:
        with self._lock:
            if time.monotonic() < self._down_until:
                return None
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = psycopg.connect(
                        pg.conninfo(self.settings),
                        autocommit=True,
                        **pg.connect_kwargs(self.settings),
                    )
                return self._conn.execute(query, params).fetchone()
            except pg.UNAVAILABLE as exc:
                log.warning("llm cache: database unavailable (%s); not cached", exc)
                self._down_until = time.monotonic() + RETRY_SECONDS
                self.close()
                return None

    def get(self, key: str) -> tuple[str, int, int] | None:
        row = self._run(
            b"SELECT content, prompt_tokens, completion_tokens FROM parallax_llm_replies"
            b" WHERE key = %s",
            (key,),
        )
        return None if row is None else (str(row[0]), int(str(row[1])), int(str(row[2])))

    def put(
        self, key: str, *, model: str, prompt: str, content: str, usage: tuple[int, int]
    ) -> None:
        self._run(
            b"INSERT INTO parallax_llm_replies VALUES (%s, %s, %s, %s, %s, %s, %s)"
            b" ON CONFLICT (key) DO UPDATE SET content = EXCLUDED.content,"
            b" prompt_tokens = EXCLUDED.prompt_tokens,"
            b" completion_tokens = EXCLUDED.completion_tokens, created = EXCLUDED.created"
            b" RETURNING key",
            (key, model, prompt, content, usage[0], usage[1], time.time()),
        )

    def get_mode(self, endpoint: str, model: str) -> str | None:
        row = self._run(
            b"SELECT mode FROM parallax_structured_modes WHERE endpoint = %s AND model = %s",
            (endpoint, model),
        )
        return None if row is None else str(row[0])

    def put_mode(self, endpoint: str, model: str, mode: str) -> None:
        self._run(
            b"INSERT INTO parallax_structured_modes VALUES (%s, %s, %s, %s)"
            b" ON CONFLICT (endpoint, model) DO UPDATE SET mode = EXCLUDED.mode,"
            b" updated = EXCLUDED.updated RETURNING mode",
            (endpoint, model, mode, time.time()),
        )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


_SHARED: dict[str, PgReplyCache] = {}
_SHARED_LOCK = threading.Lock()


def shared_cache(settings: Settings) -> PgReplyCache:
    """The process's cache for this database: one connection, not one per job."""
    url = pg.conninfo(settings)
    with _SHARED_LOCK:
        cache = _SHARED.get(url)
        if cache is None:
            cache = _SHARED[url] = PgReplyCache(settings)
        return cache
