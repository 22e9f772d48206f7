"""End to end: the real CLI in a subprocess, --engine llm, against the fake
OpenAI-compatible server (tests/fake_openai.py) on a loopback port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, SEEDS
from tests.fake_openai import fake_server

THREE = SEEDS[:3]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with fake_server() as url:
        yield url


def stats(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/stats").json())


def reset(url: str, **options: Any) -> None:
    httpx.post(f"{url}/reset", json=options)


def parallax(
    url: str, cache: Path, *args: str, python: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    environ.update(
        PARALLAX_LLM_BASE_URL=f"{url}/v1",
        PARALLAX_LLM_MODEL="fake-model",
        PARALLAX_CACHE_PATH=str(cache),
        PARALLAX_LLM_RETRY_BASE_SECONDS="0.01",
        PARALLAX_LLM_MAX_IN_FLIGHT="4",
        **env,
    )
    cmd = [sys.executable, *python, "-m", "api.cli", "compare", "--engine", "llm", *args]
    return subprocess.run(cmd, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


def test_compare_then_repeat_from_cache_then_no_cache(server: str, tmp_path: Path) -> None:
    reset(server, latency=0.02)
    cache = tmp_path / "cache.sqlite3"
    first = parallax(server, cache, "--format", "json", *THREE)
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["engine"]["name"] == "llm" and result["engine"]["model"] == "fake-model"
    assert result["engine"]["prompt_versions"]["extract"] == "3"
    assert result["usage"]["llm_calls"] == stats(server)["completions"] >= 4  # 3 + brief (+ judge)
    assert stats(server)["max_in_flight"] <= 4
    # Analysis, one judge round, brief: never a fourth call waiting on another.
    assert stats(server)["round_trips"] <= 3
    texts = {a["id"]: a["text"] for a in result["articles"]}
    for article in result["articles"]:
        for c in article["claims"]:
            ev = c["evidence"]
            assert texts[article["id"]][ev["start"] : ev["end"]] == ev["quote"]
    assert result["summary"]

    again = json.loads(parallax(server, cache, "--format", "json", *THREE).stdout)
    assert again["usage"]["llm_calls"] == 0
    assert again["usage"]["cached_calls"] == result["usage"]["llm_calls"]
    assert stats(server)["completions"] == result["usage"]["llm_calls"]

    fresh = json.loads(parallax(server, cache, "--no-cache", "--format", "json", *THREE).stdout)
    assert fresh["usage"]["llm_calls"] == result["usage"]["llm_calls"]


def imported_openai(done: subprocess.CompletedProcess[str]) -> bool:
    """Whether a run under ``python -X importtime`` imported the openai package."""
    return any(line.split("|")[-1].strip() == "openai" for line in done.stderr.splitlines())


def test_openai_is_imported_only_when_a_request_is_sent(server: str, tmp_path: Path) -> None:
    reset(server)
    cache, timed = tmp_path / "cache.sqlite3", ("-X", "importtime")
    cold = parallax(server, cache, "--format", "json", *THREE, python=timed)
    assert cold.returncode == 0 and imported_openai(cold)
    cached = parallax(server, cache, "--format", "json", *THREE, python=timed)
    assert cached.returncode == 0 and json.loads(cached.stdout)["usage"]["llm_calls"] == 0
    assert not imported_openai(cached)  # answered from the cache: the SDK never loaded
    dry = parallax(server, cache, "--dry-run", "--no-cache", *THREE, python=timed)
    assert dry.returncode == 0 and not imported_openai(dry)


def test_a_server_without_json_schema_is_negotiated_once_and_remembered(
    server: str, tmp_path: Path
) -> None:
    reset(server, refuse_json_schema=True)
    cache = tmp_path / "cache.sqlite3"
    first = parallax(server, cache, "--format", "json", *THREE)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["engine"]["structured_output"] == "json_object_schema"
    refused = stats(server)["formats"]["json_schema"]
    assert 1 <= refused <= 3  # at most the first wave, one per article
    # Other articles, a new process: no json_schema request at all this time.
    second = parallax(server, cache, "--format", "json", *SEEDS[1:])
    assert second.returncode == 0, second.stderr
    assert stats(server)["formats"]["json_schema"] == refused
    assert json.loads(second.stdout)["usage"]["retries"] == 0


def test_dry_run_sends_nothing(server: str, tmp_path: Path) -> None:
    reset(server)
    done = parallax(server, tmp_path / "c.sqlite3", "--dry-run", *THREE)
    assert done.returncode == 0, done.stderr
    assert "extract  a1" in done.stdout and "Nothing was sent" in done.stdout
    assert stats(server)["requests"] == 0


def test_every_fifth_request_rejected_still_completes_every_article(
    server: str, tmp_path: Path
) -> None:
    reset(server, fail_every=5)
    done = parallax(server, tmp_path / "c.sqlite3", "--format", "json", *SEEDS)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["articles"]) == 4 and not result["errors"]
    assert stats(server)["rejected"] >= 1 and result["usage"]["retries"] >= 1


def test_an_unreachable_server_is_a_clean_error(tmp_path: Path) -> None:
    # One attempt, and a server that is not there: every article fails, so does the run.
    done = parallax(
        "http://127.0.0.1:9", tmp_path / "c.sqlite3", *THREE, PARALLAX_LLM_MAX_ATTEMPTS="1"
    )
    assert done.returncode == 1 and "connection failed" in done.stderr
    assert "Traceback" not in done.stderr
