"""api.logs: redaction of every secret form, the JSON shape, request ids, and the policy
that no article text is logged at INFO (checked on a whole CLI run)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.commands import app
from api.logs import MASK, configure_logging, redact, request_context

SECRET = "s3cr3tV4lue9"


@pytest.fixture(autouse=True)
def restore_logging(clean_env: None) -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def capture(fmt: str = "json", level: str = "DEBUG") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(level, fmt, stream=stream)  # type: ignore[arg-type]
    return stream


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {SECRET}",
        f"headers={{'authorization': 'Basic {SECRET}', 'accept': '*/*'}}",
        f"Proxy-Authorization: {SECRET}",
        f"X-Api-Key: {SECRET}",
        f"sent bearer {SECRET} upstream",
        f"key sk-{SECRET}abc in use",
        f"key sk-proj-{SECRET}_x-Y in use",
        f"GET https://api.example/v1?model=m&api_key={SECRET}&x=1",
        f"GET https://api.example/v1?apikey={SECRET}",
        f"GET https://api.example/v1?access_token={SECRET}",
        f'{{"api_key": "{SECRET}", "model": "m"}}',
        f'{{"token": "{SECRET}"}}',
        f"PARALLAX_LLM_API_KEY={SECRET}",
        f"client_secret = {SECRET}",
        f"password: {SECRET}",
        f"fetching https://editor:{SECRET}@cms.example/story",
    ],
)
def test_each_secret_form_is_masked(text: str) -> None:
    masked = redact(text)
    assert SECRET not in masked and MASK in masked


def test_secret_env_values_are_masked_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_LLM_API_KEY", "hunter2-plain-value")
    monkeypatch.setenv("OPENAI_API_KEY", "other-plain-value")
    monkeypatch.setenv("PARALLAX_MAX_WORDS", "75")
    assert redact("connecting with hunter2-plain-value now") == "connecting with *** now"
    assert redact("fallback other-plain-value") == "fallback ***"
    assert redact("budget 75 words") == "budget 75 words"  # only *KEY*/TOKEN/SECRET names


@pytest.mark.parametrize(
    "text",
    ["The keyboard: a QWERTY layout", "monkey: banana", "Sudzha fell; 1,300 troops", "sk-1"],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_json_lines_have_the_documented_shape() -> None:
    stream = capture()
    log = logging.getLogger("parallax.test")
    log.info("fetched %s in %d ms", "https://x.example/?api_key=" + SECRET, 12, extra={"bytes": 9})
    try:
        raise RuntimeError(f"upstream said Authorization: Bearer {SECRET}")
    except RuntimeError:
        log.exception("failed")
    first, second = lines(stream)
    assert set(first) == {"ts", "level", "logger", "message", "request_id", "bytes"}
    assert (first["level"], first["logger"], first["bytes"]) == ("INFO", "parallax.test", 9)
    assert first["message"] == f"fetched https://x.example/?api_key={MASK} in 12 ms"
    assert str(first["ts"]).endswith("+00:00") and first["request_id"] is None
    assert second["level"] == "ERROR" and "RuntimeError" in str(second["exc"])
    assert SECRET not in stream.getvalue()


def test_other_libraries_are_redacted_too() -> None:
    stream = capture("text")
    logging.getLogger("httpx").info("HTTP Request: GET https://a.example/?token=%s", SECRET)
    logging.getLogger("openai").debug("headers", extra={"auth": f"Bearer {SECRET}"})
    output = stream.getvalue()
    assert SECRET not in output and "httpx" in output and "auth=Bearer ***" in output


def test_level_filters_and_reconfiguring_replaces_the_handler() -> None:
    first = capture(level="WARNING")
    logging.getLogger("x").info("quiet")
    second = capture(level="info")
    logging.getLogger("x").info("loud")
    assert first.getvalue() == "" and "loud" in second.getvalue()
    assert sum(1 for h in logging.getLogger().handlers if hasattr(h, "_parallax_handler")) == 1


def test_request_id_flows_through_the_contextvar_and_tasks() -> None:
    stream = capture()
    log = logging.getLogger("parallax.test")

    async def task(name: str) -> None:
        await asyncio.sleep(0)
        log.info(name)

    async def request(rid: str) -> None:
        with request_context(rid):
            await asyncio.gather(task(f"{rid}-a"), task(f"{rid}-b"))

    async def main() -> None:
        await asyncio.gather(request("req-1"), request("req-2"))

    asyncio.run(main())
    with request_context() as generated:
        log.info("generated")
        log.info("explicit", extra={"request_id": "from-extra"})
    log.info("outside")
    got = {str(e["message"]): e["request_id"] for e in lines(stream)}
    assert got["req-1-a"] == got["req-1-b"] == "req-1"
    assert got["req-2-a"] == got["req-2-b"] == "req-2"
    assert got["generated"] == generated and len(generated) == 16
    assert got["explicit"] == "from-extra" and got["outside"] is None


def test_cli_run_logs_json_without_article_text_or_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = "The Zephyrine aqueduct carried 41,000 litres on Tuesday"
    for n in (1, 2):
        (tmp_path / f"{n}.txt").write_text(f"Title line {n}\n\n{marker}, officials said.\n")
    monkeypatch.setenv("PARALLAX_LOG_LEVEL", "info")
    monkeypatch.setenv("PARALLAX_LOG_FORMAT", "json")
    monkeypatch.setenv("PARALLAX_LLM_API_KEY", "sk-never-logged-0001")
    result = CliRunner().invoke(app, ["compare", str(tmp_path / "1.txt"), str(tmp_path / "2.txt")])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert {r["message"] for r in records} >= {"article loaded", "comparison done"}
    assert len({r["request_id"] for r in records}) == 1 and records[0]["request_id"]
    for word in ("Zephyrine", "aqueduct", "Title line", "sk-never"):
        assert word not in result.stderr
