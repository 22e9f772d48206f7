"""A scripted OpenAI-compatible endpoint for respx: tests enqueue the replies that
matter, every request body is recorded, and anything not scripted is answered the
way the fake server answers it (tests/fake_openai.py), so a test reads "given these
replies, the engine sent this and returned that"."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import respx

from api.settings import Settings
from tests.fake_openai import LLAMA_CPP_REFUSAL, answer, claims_cap, format_name

BASE_URL = "http://llm.test/v1"

Scripted = httpx.Response | Callable[[dict[str, Any]], httpx.Response]


def completion(
    content: str | dict[str, Any], finish_reason: str = "stop", refusal: str | None = None
) -> httpx.Response:
    text = content if isinstance(content, str) else json.dumps(content)
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if refusal is not None:
        message = {"role": "assistant", "content": None, "refusal": refusal}
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
        },
    )


def error(status: int, code: str | None = None, headers: dict[str, str] | None = None) -> Scripted:
    body = {"error": {"message": f"status {status}", "type": "error", "code": code}}
    return httpx.Response(status, json=body, headers=headers or {})


def llama_cpp_python(body: dict[str, Any]) -> httpx.Response:
    """Answer as llama-cpp-python's server does: json_schema refused with a 500."""
    if format_name(body) == "json_schema":
        return httpx.Response(500, json=LLAMA_CPP_REFUSAL)
    return FakeLLM.answer(body)


class FakeLLM:
    def __init__(self) -> None:
        self.queue: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        self.default: Callable[[dict[str, Any]], httpx.Response] = self.answer

    def enqueue(self, *replies: Scripted) -> FakeLLM:
        self.queue.extend(replies)
        return self

    @staticmethod
    def answer(body: dict[str, Any]) -> httpx.Response:
        return completion(answer(body["messages"], claims_cap(body))[1])

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        item = self.queue.popleft() if self.queue else self.default
        return item(body) if callable(item) else item

    def answer_except(self, marker: str, reply: Scripted) -> None:
        """Answer as usual, except requests whose user message holds ``marker``."""

        def route(body: dict[str, Any]) -> httpx.Response:
            if marker in body["messages"][1]["content"]:
                return reply(body) if callable(reply) else reply
            return self.answer(body)

        self.default = route

    def tasks(self) -> list[str]:
        return [answer(b["messages"][:2])[0] for b in self.requests]

    def formats(self) -> list[str]:
        return [format_name(b) for b in self.requests]

    def mock(self) -> Iterator[FakeLLM]:
        with respx.mock(assert_all_called=False) as router:
            router.post(f"{BASE_URL}/chat/completions").mock(side_effect=self.handle)
            yield self


def llm_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a test: the fake endpoint, a private cache, tiny retry waits."""
    values: dict[str, Any] = {
        "llm_base_url": BASE_URL,
        "llm_model": "test-model",
        "llm_api_key": None,
        "llm_max_attempts": 3,
        "llm_retry_base_seconds": 0.001,
        "llm_retry_max_seconds": 0.05,
        "llm_timeout_seconds": 5.0,
        "cache_path": tmp_path / "cache.sqlite3",
        "cache": False,
    }
    values.update(overrides)
    return Settings(_env_file=None).model_copy(update=values)  # type: ignore[call-arg]
