"""``parallax serve``: builds the app from the settings and hands it to uvicorn;
``parallax worker`` refuses to start without a PostgreSQL URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from api.cli.commands import app
from api.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_serve_runs_the_app_on_the_given_address(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kw: calls.append((target, kw)))
    monkeypatch.setenv("PARALLAX_DB_PATH", str(tmp_path / "jobs.db"))
    result = CliRunner().invoke(app, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    ((target, options),) = calls
    assert isinstance(target, FastAPI)
    assert target.state.settings.db_path == tmp_path / "jobs.db"
    assert options["host"] == "127.0.0.1" and options["port"] == 8123


def test_serve_refuses_a_bad_setting_with_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: pytest.fail("must not start"))
    monkeypatch.setenv("PARALLAX_MAX_ARTICLES", "one")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "PARALLAX_MAX_ARTICLES" in result.stderr and "Traceback" not in result.output


def test_worker_without_a_database_url_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARALLAX_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["worker", "--concurrency", "2"])
    assert result.exit_code == 2
    assert "PARALLAX_DATABASE_URL" in result.stderr and "Traceback" not in result.output
