"""Structured output negotiated per endpoint and model (api/engines/llm/structured.py): the
strongest mode first, one rung down on a refusal without spending the retry budget,
the mode that worked remembered in the cache database and recorded in the result."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.compare.pipeline import compare
from api.engines.llm.cache import ReplyCache
from api.engines.llm.engine import LLMEngine
from api.engines.llm.extract import CLAIMS_PER_SENTENCE, quote_choices
from api.engines.llm.structured import LADDER, Negotiator
from api.errors import LLMFormatRefused
from tests.conftest import make_article
from tests.llm_fakes import FakeLLM, error, llama_cpp_python, llm_settings

TEXT = (
    "Ukraine’s garrison of about 12,000 soldiers in the Kursk region is under heavy "
    "pressure. Russian forces have also begun targeting key bridges, Forbes reported."
)


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    yield from FakeLLM().mock()


def analyze(engine: LLMEngine, text: str = TEXT) -> Any:
    return asyncio.run(engine.analyze(make_article(text), 40))


def test_llama_cpp_python_is_asked_again_in_its_own_schema_field(
    fake: FakeLLM, tmp_path: Path
) -> None:
    fake.default = llama_cpp_python
    engine = LLMEngine(llm_settings(tmp_path, cache=True))
    result = analyze(engine)
    assert fake.formats() == ["json_schema", "json_object_schema"]
    fmt = fake.requests[1]["response_format"]
    assert fmt["schema"]["properties"]["claims"]["maxItems"] == 2 * CLAIMS_PER_SENTENCE
    quote = fmt["schema"]["$defs"]["ClaimReply"]["properties"]["quote"]
    # Held to the sentences, each followed by its clauses.
    assert quote["enum"] == quote_choices(TEXT.replace(". ", ".\n").splitlines())
    assert quote["enum"][0] == TEXT.split(". ")[0] + "."
    assert "JSON schema" not in fake.requests[1]["messages"][0]["content"]  # enforced, not told
    assert len(result.claims) == 2
    assert engine.usage.retries == 0 and engine.usage.llm_calls == 1
    assert engine.info.structured_output == "json_object_schema"

    # The next run starts on the rung that worked: no refusal at all.
    fake.requests.clear()
    again = LLMEngine(llm_settings(tmp_path, cache=True))
    assert again.info.structured_output == "json_object_schema"
    analyze(again, TEXT + " A third sentence, never seen before, makes a new request.")
    assert fake.formats() == ["json_object_schema"]


def test_articles_refused_at_once_step_down_together(fake: FakeLLM, tmp_path: Path) -> None:
    fake.default = llama_cpp_python
    engine = LLMEngine(llm_settings(tmp_path))
    articles = [make_article(TEXT, 1), make_article(TEXT.replace("12,000", "10,000"), 2)]
    result = asyncio.run(compare(articles, engine, max_words=60, summary_max_words=40))
    sent = list(zip(fake.tasks(), fake.formats(), strict=True))
    # Only the first wave (both extractions, sent together) meets the refusal;
    # judging and the brief start on the rung that works.
    assert [task for task, mode in sent if mode == "json_schema"] == ["extract", "extract"]
    assert {mode for task, mode in sent if task != "extract"} == {"json_object_schema"}
    assert not result.errors and result.engine.structured_output == "json_object_schema"
    assert result.usage.retries == 0


def test_a_400_steps_down_every_rung_then_is_final(fake: FakeLLM, tmp_path: Path) -> None:
    fake.default = lambda body: error(400)  # type: ignore[assignment,return-value]
    engine = LLMEngine(llm_settings(tmp_path, llm_max_attempts=5))
    with pytest.raises(LLMFormatRefused) as caught:
        analyze(engine)
    assert fake.formats() == list(LADDER)  # each mode once, none retried
    assert caught.value.status == 400 and engine.usage.retries == 0
    assert fake.requests[2]["response_format"] == {"type": "json_object"}
    assert "JSON schema" in fake.requests[2]["messages"][0]["content"]  # described instead


@pytest.mark.parametrize("status", [422, 500])
def test_a_refused_mode_is_never_retried(fake: FakeLLM, tmp_path: Path, status: int) -> None:
    def refuse(body: dict[str, Any]) -> httpx.Response:
        if body["response_format"]["type"] == "json_schema":
            text = "response_format: unsupported type json_schema"
            return httpx.Response(status, json={"error": {"message": text}})
        return FakeLLM.answer(body)

    fake.default = refuse
    engine = LLMEngine(llm_settings(tmp_path, llm_max_attempts=5))
    analyze(engine)
    assert fake.formats() == ["json_schema", "json_object_schema"]


def test_a_forced_mode_is_sent_as_is_and_never_stepped_down(fake: FakeLLM, tmp_path: Path) -> None:
    fake.default = lambda body: error(400)  # type: ignore[assignment,return-value]
    settings = llm_settings(tmp_path, llm_structured_output="json_object_schema", cache=True)
    engine = LLMEngine(settings)
    with pytest.raises(LLMFormatRefused):
        analyze(engine)
    assert fake.formats() == ["json_object_schema"]
    assert engine.info.structured_output == "json_object_schema"
    assert ReplyCache(settings.cache_path).get_mode(settings.llm_base_url, "test-model") is None


def test_a_remembered_mode_that_is_refused_later_is_learnt_anew(tmp_path: Path) -> None:
    store = ReplyCache(tmp_path / "c.sqlite3")
    store.put_mode("http://x/v1", "m", "json_object_schema")
    negotiator = Negotiator("http://x/v1", "m", None, store)
    assert negotiator.mode == "json_object_schema"
    assert negotiator.refused("json_object_schema") == "json_object"
    assert negotiator.mode == "json_object_schema"  # nothing moves until a weaker mode works
    negotiator.worked("json_object")
    assert negotiator.mode == "json_object"
    assert store.get_mode("http://x/v1", "m") == "json_object"
    assert store.get_mode("http://x/v1", "other-model") is None
    assert negotiator.refused("json_object") is None


def test_a_400_for_another_reason_leaves_the_endpoint_as_it_was(
    fake: FakeLLM, tmp_path: Path
) -> None:
    # One request the server refuses in every mode (say, longer than it counts its
    # window), the others fine: the endpoint keeps json_schema, here and next run.
    doomed = "A sentence that this server refuses whatever the response format is."

    fake.answer_except(doomed, httpx.Response(400, json={"error": {"message": "too long"}}))
    settings = llm_settings(tmp_path, cache=True)
    engine = LLMEngine(settings)
    with pytest.raises(LLMFormatRefused):
        analyze(engine, doomed)
    analyze(engine)
    assert fake.formats() == [*LADDER, "json_schema"]
    assert engine.info.structured_output == "json_schema"
    assert ReplyCache(settings.cache_path).get_mode(settings.llm_base_url, "test-model") == (
        "json_schema"
    )
