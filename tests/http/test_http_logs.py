"""The service's logs: JSON lines carrying the request id, no article text, no keys."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.logs import configure_logging
from tests.http_support import client_for, seed_body

SECRET = "sk-test-0123456789abcdefghijklmnop"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.mark.anyio
async def test_requests_log_json_with_their_id_and_no_article_text(
    tmp_path: Path, log_lines: io.StringIO
) -> None:
    body = seed_body(2)
    marker = "Zanzibar-unique-marker-sentence"
    body["articles"][0]["text"] += f" {marker} said the minister."
    async with client_for(tmp_path, api_keys=[SECRET]) as client:
        response = await client.post(
            "/v1/comparisons",
            params={"wait": 30},
            json=body,
            headers={"X-Request-ID": "req-42", "Authorization": f"Bearer {SECRET}"},
        )
        assert response.status_code == 200
        assert response.headers["x-request-id"] == "req-42"
    records = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    assert records, "the service logged nothing at INFO"
    assert any(r["request_id"] == "req-42" and r["logger"] == "parallax.http" for r in records)
    text = log_lines.getvalue()
    assert marker not in text
    assert SECRET not in text
