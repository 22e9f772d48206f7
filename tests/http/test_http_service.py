"""Summaries, health, metrics, auth, CORS, limits, request ids and error shapes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from starlette.types import Message

from api.http.metrics import Metrics
from api.http.middleware import BodySizeLimitMiddleware
from tests.http_support import BrokenEngine, client_for, seed_body

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_summaries_answer_at_once(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        response = await client.post("/v1/summaries", json=seed_body(2, max_words=30))
    assert response.status_code == 200
    body = response.json()
    assert [a["id"] for a in body["articles"]] == ["a1", "a2"]
    for article in body["articles"]:
        assert len(article["summary"].split()) <= 30
        for claim in article["claims"]:
            ev = claim["evidence"]
            assert article["text"][ev["start"] : ev["end"]] == ev["quote"]


async def test_validation_errors_name_the_field(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        missing = await client.post(
            "/v1/comparisons", json={"articles": [{"text": "a"}, {"title": "b"}]}
        )
        assert missing.status_code == 422
        assert missing.headers["content-type"] == PROBLEM
        assert {"field": "articles[1].text", "message": "Field required"} in missing.json()[
            "errors"
        ]
        one = await client.post("/v1/comparisons", json={"articles": [{"text": "a"}]})
        assert one.status_code == 422 and one.json()["errors"][0]["field"] == "articles"
        wait = await client.post("/v1/comparisons?wait=-1", json=seed_body())
        assert wait.json()["errors"][0]["field"] == "wait"
        bad_json = await client.post(
            "/v1/summaries", content=b"{nope", headers={"content-type": "application/json"}
        )
        assert bad_json.status_code == 422


async def test_input_errors_name_the_article_index(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        blank = await client.post(
            "/v1/summaries", json={"articles": [{"text": "ok"}, {"text": "\u200b "}]}
        )
        assert blank.status_code == 422
        assert blank.json()["code"] == "empty_input"
        assert blank.json()["errors"][0]["field"] == "articles[1]"
        surrogate = await client.post(
            "/v1/summaries",
            content=b'{"articles": [{"text": "ok", "title": "\\ud800"}]}',
            headers={"content-type": "application/json"},
        )
        assert surrogate.status_code == 422
        assert surrogate.json()["errors"][0]["field"] == "articles[0].title"


async def test_caps_on_count_size_and_tokens(tmp_path: Path) -> None:
    caps = {"max_articles": 3, "max_article_bytes": 5000, "max_request_tokens": 1500}
    async with client_for(tmp_path, **caps) as client:
        many = await client.post("/v1/comparisons", json=seed_body(4))
        assert many.status_code == 413 and many.json()["errors"][0]["field"] == "articles"
        big = await client.post(
            "/v1/comparisons", json={"articles": [{"text": "x"}, {"text": "y" * 5001}]}
        )
        assert big.status_code == 413
        assert big.json()["errors"][0]["field"] == "articles[1].text"
        tokens = await client.post("/v1/comparisons", json=seed_body(3))
        assert tokens.status_code == 413 and "tokens" in tokens.json()["detail"]
        assert (await client.post("/v1/comparisons", json=seed_body(2))).status_code == 202


async def test_oversized_body_is_refused_by_its_content_length(tmp_path: Path) -> None:
    async with client_for(tmp_path, max_body_bytes=1000) as client:
        response = await client.post("/v1/summaries", json={"articles": [{"text": "x" * 2000}]})
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["x-request-id"]


async def test_oversized_body_is_refused_before_it_is_read() -> None:
    """The declared length decides; not one chunk of the body is asked for."""
    sent: list[Message] = []

    async def app(scope: object, receive: object, send: object) -> None:
        raise AssertionError("the app must not run")

    async def receive() -> Message:
        raise AssertionError("the body must not be read")

    async def send(message: Message) -> None:
        sent.append(message)

    middleware = BodySizeLimitMiddleware(app, max_bytes=10)
    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(b"content-length", b"11")]}
    await middleware(scope, receive, send)
    assert sent[0]["status"] == 413


async def test_streamed_body_stops_at_the_first_chunk_past_the_cap(tmp_path: Path) -> None:
    chunks_read = 0

    async def body():  # type: ignore[no-untyped-def]
        nonlocal chunks_read
        for _ in range(100):
            chunks_read += 1
            yield b"x" * 400

    async with client_for(tmp_path, max_body_bytes=1000) as client:
        response = await client.post(
            "/v1/summaries", content=body(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert response.json()["code"] == "request_entity_too_large"
    assert chunks_read < 100


async def test_api_keys_guard_v1_but_not_health(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with client_for(tmp_path, api_keys="k-one-secret,k-two-secret") as client:
        none = await client.post("/v1/summaries", json=seed_body(1))
        assert none.status_code == 401
        assert none.headers["www-authenticate"].startswith("Bearer")
        assert none.headers["content-type"] == PROBLEM
        wrong = await client.get("/v1/comparisons/x", headers={"Authorization": "Bearer k-one"})
        assert wrong.status_code == 401
        good = await client.get(
            "/v1/comparisons/x", headers={"Authorization": "Bearer k-two-secret"}
        )
        assert good.status_code == 404
        assert (await client.get("/healthz")).status_code == 200
    assert "secret" not in caplog.text


async def test_cors_allows_configured_origins(tmp_path: Path) -> None:
    async with client_for(tmp_path, cors_origins="https://newsroom.example") as client:
        ok = await client.get("/healthz", headers={"Origin": "https://newsroom.example"})
        assert ok.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = await client.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


async def test_request_id_is_echoed_or_made(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        mine = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert mine.headers["x-request-id"] == "abc-123"
        forged = await client.get("/healthz", headers={"X-Request-ID": "a\tb"})
        assert forged.headers["x-request-id"] not in ("", "a\tb")


async def test_unexpected_errors_are_a_500_problem_without_a_trace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with client_for(tmp_path, BrokenEngine()) as client:
        response = await client.post("/v1/summaries", json=seed_body(1))
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["request_id"] == response.headers["x-request-id"]
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    # The trace is in the log, under the request id.
    record = next(r for r in caplog.records if r.exc_info)
    assert record.request_id == problem["request_id"]  # type: ignore[attr-defined]


async def test_article_text_is_not_logged_at_info(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with client_for(tmp_path) as client:
        await client.post("/v1/comparisons?wait=30", json=seed_body(2))
    assert caplog.records
    assert all("garrison" not in r.getMessage() for r in caplog.records)
    assert all(hasattr(r, "request_id") for r in caplog.records if r.name == "parallax.http")


async def test_engine_named_but_unavailable_is_422_default_unavailable_is_503(
    tmp_path: Path,
) -> None:
    async with client_for(tmp_path, BrokenEngine()) as client:
        named = await client.post("/v1/summaries", json=seed_body(1, engine="llm"))
        assert named.status_code == 422 and named.json()["errors"][0]["field"] == "engine"
    async with client_for(tmp_path, BrokenEngine(), engine="llm") as client:
        default = await client.post("/v1/summaries", json=seed_body(1))
        assert default.status_code == 503
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["code"] == "engine_unavailable"


async def test_health_readiness_and_metrics(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json()["database"] == "ok"
        await client.post("/v1/comparisons?wait=30", json=seed_body(2))
        text = (await client.get("/metrics")).text
    assert 'parallax_jobs{status="done"} 1.0' in text
    assert (
        'parallax_http_requests_total{method="POST",route="/v1/comparisons",status="200"} 1.0'
        in text
    )
    assert "parallax_http_request_duration_seconds_bucket" in text
    assert "parallax_llm_calls_total" in text and "parallax_llm_cache_hits_total" in text


def test_metrics_count_llm_usage() -> None:
    from api.jobs.models import JobStatus
    from api.models import Usage

    metrics = Metrics()
    metrics.job_finished(
        JobStatus.done,
        Usage(llm_calls=3, prompt_tokens=100, completion_tokens=20, retries=1, cached_calls=2),
    )
    text = metrics.render({}).decode()
    for line in (
        "parallax_llm_calls_total 3.0",
        'parallax_llm_tokens_total{kind="prompt"} 100.0',
        "parallax_llm_retries_total 1.0",
        "parallax_llm_cache_hits_total 2.0",
    ):
        assert line in text


async def test_openapi_documents_problems_and_examples(tmp_path: Path) -> None:
    async with client_for(tmp_path) as client:
        schema = (await client.get("/openapi.json")).json()
    post = schema["paths"]["/v1/comparisons"]["post"]
    assert set(post["responses"]) >= {"200", "202", "401", "409", "413", "422"}
    assert "application/problem+json" in post["responses"]["422"]["content"]
    assert schema["components"]["schemas"]["ComparisonRequest"]["examples"]
    assert json.dumps(schema).count("HTTPValidationError") == 0
    # What of a result was not the model's work is part of the documented contract.
    usage = schema["components"]["schemas"]["Usage"]["properties"]
    assert "judge reply" in usage["judged_offline"]["description"]
    assert "brief" in usage["offline_briefs"]["description"]
