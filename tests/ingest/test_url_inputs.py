"""URLs as input: ``parallax compare URL FILE...`` and ``ingest.resolve_inputs`` (the API's
seam), against a real loopback server let through by PARALLAX_FETCH_ALLOWLIST."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.commands import app
from api.errors import BlockedURL
from api.ingest.inputs import is_url, load_articles, resolve_inputs
from api.models import ArticleInput, UrlInput
from api.settings import Settings
from tests.loopback import HIDDEN_PAGE, Server, serve

ROOT = Path(__file__).resolve().parents[2]
KURSK = str(ROOT / "seeds" / "kursk-sudzha.txt")
LEDGER = str(ROOT / "seeds" / "northern-ledger.txt")
METADATA = "http://169.254.169.254/latest/meta-data/"


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def server() -> Iterator[Server]:
    routes = {"/dam": (200, {"Content-Type": "text/html; charset=utf-8"}, HIDDEN_PAGE)}
    with serve(routes) as srv:
        yield srv


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("https://x.example/a", True),
        ("HTTP://x", True),
        ("ftp://x", True),
        ("a.txt", False),
        ("-", False),
        ("c:/notes.txt", False),
        ("dir/http://x", False),
    ],
)
def test_is_url(arg: str, expected: bool) -> None:
    assert is_url(arg) is expected


def test_compare_url_and_file(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_FETCH_ALLOWLIST", "127.0.0.1")
    url = server.url("/dam")
    result = CliRunner().invoke(app, ["compare", url, KURSK, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    fetched = report["articles"][0]
    assert (fetched["source"], fetched["url"], fetched["outlet"]) == (url, url, "Valley Post")
    assert "HIDDEN" not in result.stdout and "collapsed" not in result.stdout


def test_blocked_url_is_a_clear_usage_error(server: Server) -> None:
    result = CliRunner().invoke(app, ["compare", server.url("/dam"), KURSK])
    assert result.exit_code == 2
    assert f"parallax: error: {server.url('/dam')}: host '127.0.0.1' is a loopback" in (
        result.stderr
    )
    assert "Traceback" not in result.output and server.requests == []


def test_keep_going_compares_the_others(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["compare", METADATA, KURSK, "ftp://x.example/", LEDGER, "--keep-going"]
    )
    assert result.exit_code == 3, result.stderr
    assert f"{METADATA}: host '169.254.169.254' is a cloud metadata address" in result.stderr
    assert "ftp://x.example/: scheme 'ftp' is not allowed" in result.stderr
    assert "# Parallax comparison: 2 articles" in result.stdout


def test_load_articles_mixes_files_and_urls_in_order(server: Server) -> None:
    settings = Settings(fetch_allowlist=["127.0.0.0/8"])
    paths = [KURSK, server.url("/dam"), server.url("/missing")]
    articles, errors = load_articles(paths, max_bytes=2_000_000, keep_going=True, settings=settings)
    assert [(a.id, a.source) for a in articles] == [("a1", KURSK), ("a2", paths[1])]
    assert [(e.source, e.code) for e in errors] == [(paths[2], "fetch_failed")]
    assert "HTTP 404" in errors[0].message


def test_resolve_inputs_for_the_api(server: Server) -> None:
    items: list[ArticleInput | UrlInput] = [
        ArticleInput(text="The dam opened on Tuesday.", outlet="Wire"),
        UrlInput(url=server.url("/dam")),
        UrlInput(url="http://[::1]/"),
        ArticleInput(text="\u200b \n"),
    ]
    settings = Settings(fetch_allowlist=["127.0.0.1"])
    articles, errors = asyncio.run(resolve_inputs(items, settings))
    assert [(a.id, a.source, a.outlet) for a in articles] == [
        ("a1", "request", "Wire"),
        ("a2", server.url("/dam"), "Valley Post"),
    ]
    assert [(e.source, e.code) for e in errors] == [
        ("http://[::1]/", BlockedURL.code),
        ("request", "empty_input"),
    ]
    assert errors[0].message.startswith("item at index 2: host '::1' is a loopback address")
