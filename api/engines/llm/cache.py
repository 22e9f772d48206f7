"""LLM replies cached on disk in SQLite, keyed by model, prompt version and request.

Only replies that validated are stored, so a bad answer is never replayed. The key
hashes the exact request body (messages, schema, max tokens, model) together with
the prompt's name and version: editing a prompt without bumping its version still
misses, because the messages differ. Reads and writes are single small statements
on a local file, cheap enough to run on the event loop. With
``PARALLAX_DATABASE_URL`` the same contract is kept in PostgreSQL instead
(api/engines/llm/pgcache.py), shared by every worker; :func:`open_cache` picks.

The same database remembers, per endpoint and model, which structured-output mode
the server accepted (:mod:`api.engines.llm.structured`), so a later run does not ask again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Protocol

from api.errors import EngineUnavailable
from api.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    content TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created REAL NOT NULL
)
"""
_MODES = """
CREATE TABLE IF NOT EXISTS structured_modes (
    endpoint TEXT NOT NULL,
    model TEXT NOT NULL,
    mode TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (endpoint, model)
)
"""


def cache_key(model: str, prompt: str, body: dict[str, Any]) -> str:
    blob = json.dumps(
        {"model": model, "prompt": prompt, "body": body}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ReplyStore(Protocol):
    """What the caller needs of a cache (SQLite here, PostgreSQL in pgcache.py)."""

    def get(self, key: str) -> tuple[str, int, int] | None: ...

    def put(
        self, key: str, *, model: str, prompt: str, content: str, usage: tuple[int, int]
    ) -> None: ...

    def get_mode(self, endpoint: str, model: str) -> str | None: ...

    def put_mode(self, endpoint: str, model: str, mode: str) -> None: ...


def open_cache(settings: Settings) -> ReplyStore | None:
    """The reply cache these settings ask for, or None when it is turned off."""
    if not settings.cache:
        return None
    if settings.database_url is not None:
        from api.engines.llm.pgcache import shared_cache

        return shared_cache(settings)
    return ReplyCache(settings.cache_path)


class ReplyCache:
    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(_SCHEMA)
            self.db.execute(_MODES)
        except (OSError, sqlite3.Error) as exc:
            raise EngineUnavailable(f"cannot open the LLM cache: {exc}", source=str(path)) from exc

    def get(self, key: str) -> tuple[str, int, int] | None:
        row = self.db.execute(
            "SELECT content, prompt_tokens, completion_tokens FROM replies WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else (str(row[0]), int(row[1]), int(row[2]))

    def put(
        self, key: str, *, model: str, prompt: str, content: str, usage: tuple[int, int]
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, model, prompt, content, usage[0], usage[1], time.time()),
        )

    def get_mode(self, endpoint: str, model: str) -> str | None:
        row = self.db.execute(
            "SELECT mode FROM structured_modes WHERE endpoint = ? AND model = ?",
            (endpoint, model),
        ).fetchone()
        return None if row is None else str(row[0])

    def put_mode(self, endpoint: str, model: str, mode: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO structured_modes VALUES (?, ?, ?, ?)",
            (endpoint, model, mode, time.time()),
        )

    def close(self) -> None:
        self.db.close()
