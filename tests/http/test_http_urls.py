"""{url} items over HTTP: fetched behind the SSRF guard when the job runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.http_support import client_for, seed_body, wait_for_status
from tests.loopback import HIDDEN_PAGE, serve, stub_dns

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_an_allowlisted_url_is_fetched_and_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_dns(monkeypatch, {"cms.newsroom.test": ["127.0.0.1"]})
    with serve({"/dam": (200, HTML, HIDDEN_PAGE)}) as server:
        body = seed_body(2)
        body["articles"].append({"url": server.url("/dam", host="cms.newsroom.test")})
        async with client_for(tmp_path, fetch_allowlist=["cms.newsroom.test"]) as client:
            response = await client.post("/v1/comparisons", params={"wait": 30}, json=body)
            assert response.status_code == 200, response.text
            job = response.json()
    assert job["status"] == "done"
    fetched = job["result"]["articles"][2]
    assert fetched["outlet"] == "Valley Post"
    assert "HIDDEN" not in fetched["text"]
    assert server.requests == [("/dam", f"cms.newsroom.test:{server.port}")]


@pytest.mark.anyio
async def test_a_private_url_is_refused_and_the_job_ends_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_dns(monkeypatch, {"intranet.test": ["10.0.0.5"]})
    with serve({"/x": (200, HTML, HIDDEN_PAGE)}) as server:
        body = seed_body(2)
        body["articles"].append({"url": "http://intranet.test/x"})
        async with client_for(tmp_path) as client:
            posted = await client.post("/v1/comparisons", json=body)
            assert posted.status_code == 202
            job = await wait_for_status(client, posted.json()["id"], {"partial"})
        assert server.requests == []
    [error] = job["result"]["errors"]
    assert error["code"] == "blocked_url" and error["source"] == "http://intranet.test/x"
    assert [a["id"] for a in job["result"]["articles"]] == ["a1", "a2"]


@pytest.mark.anyio
async def test_a_url_no_fetch_may_have_is_a_422_naming_the_item(tmp_path: Path) -> None:
    body = seed_body(2)
    body["articles"].append({"url": "file:///etc/passwd"})
    async with client_for(tmp_path) as client:
        response = await client.post("/v1/comparisons", json=body)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "articles[2].url" in response.text
    assert "scheme" in problem["detail"]
