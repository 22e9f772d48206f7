"""Limits in every reply schema (api/engines/llm/bounds.py) and the claim budget of each
extraction request (api/engines/llm/extract.py), so constrained decoding stops on time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openai.lib._pydantic import to_strict_json_schema

from api.align.types import CandidatePair
from api.engines.llm.bounds import bounded_schema
from api.engines.llm.engine import LLMEngine
from api.engines.llm.extract import CLAIM_TOKENS, CLAIMS_PER_SENTENCE, claim_limit, quote_choices
from api.engines.llm.schemas import BriefReply, ExtractReply, JudgeReply, ReduceReply
from tests.conftest import make_article
from tests.fake_openai import format_name
from tests.llm_fakes import FakeLLM, completion, llm_settings

SENTENCE = "Officials said {n} vehicles were destroyed near the bridge on Tuesday."


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    yield from FakeLLM().mock()


def _unbounded(node: Any) -> Any:
    if isinstance(node, dict):
        limits = {"maxItems", "minItems", "maxLength", "title"}
        return {k: _unbounded(v) for k, v in node.items() if k not in limits}
    if isinstance(node, list):
        return [_unbounded(v) for v in node]
    return node


@pytest.mark.parametrize("model", [ExtractReply, ReduceReply, JudgeReply, BriefReply])
def test_schemas_are_in_the_strict_form_without_the_sdk(model: Any) -> None:
    # The SDK's own strict conversion, less its titles, is what we build without it.
    assert _unbounded(bounded_schema(model)) == _unbounded(to_strict_json_schema(model))


def test_every_string_and_list_of_an_extraction_is_bounded() -> None:
    schema = bounded_schema(ExtractReply, items={"claims": 7}, summary_words=60)
    claim = schema["$defs"]["ClaimReply"]["properties"]
    assert schema["properties"]["claims"]["maxItems"] == 7
    assert schema["properties"]["summary"]["maxLength"] == 600
    assert claim["quote"]["maxLength"] >= 412  # the longest sentence of the seeds and NeuS
    assert claim["attribution_source"]["anyOf"][0]["maxLength"] == 80  # nullable: string branch
    assert claim["quantities"]["maxItems"] == 4
    assert claim["quantities"]["items"]["maxLength"] == 30
    # Each call gets its own copy: bounding one never changes another.
    assert "maxItems" not in bounded_schema(ExtractReply)["properties"]["claims"]


def test_a_judge_batch_must_answer_exactly_its_pairs() -> None:
    schema = bounded_schema(JudgeReply, exact_items={"verdicts": 3})
    assert schema["properties"]["verdicts"]["minItems"] == 3
    assert schema["properties"]["verdicts"]["maxItems"] == 3


def test_the_claim_limit_scales_with_the_chunk_and_the_output_budget() -> None:
    # Atomic claims: a few to a sentence, no more.
    assert claim_limit(3, 2048, 60) == 3 * CLAIMS_PER_SENTENCE
    assert claim_limit(200, 2048, 60) == (2048 - 40 - 120) // CLAIM_TOKENS  # what fits
    assert claim_limit(200, 4096, 60) > claim_limit(200, 2048, 60)
    assert claim_limit(200, 64, 60) == 1


def test_quote_choices_leave_out_what_breaks_llama_cpp_pythons_grammar() -> None:
    said = 'The report says the NRA "became a foreign asset" for Russia before 2016.'
    assert quote_choices([SENTENCE, said, "Short."]) == [
        SENTENCE,
        "The report says the NRA",
        "became a foreign asset",
        "for Russia before 2016.",
    ]  # "Short." is shorter than any useful quote


def test_quote_choices_offer_each_sentence_then_its_clauses() -> None:
    # An atomic claim quotes the span that states its fact: a clause may be that span.
    law = (
        "The law, which had been blocked since 2017, will take effect, "
        "said Steve Pitt, general counsel to Gov. Matt Bevin."
    )
    assert quote_choices([law, "About 12,000 troops remain in the Kursk region."]) == [
        law,
        "which had been blocked since 2017",
        "general counsel to Gov. Matt Bevin.",
        "About 12,000 troops remain in the Kursk region.",  # not cut inside a figure
    ]


def test_quotes_are_held_to_the_sentences_only_where_that_costs_no_prompt(
    fake: FakeLLM, tmp_path: Path
) -> None:
    text = " ".join(SENTENCE.format(n=n) for n in range(3))
    for mode in ("json_schema", "json_object_schema", "json_object"):
        engine = LLMEngine(llm_settings(tmp_path, llm_structured_output=mode))
        result = asyncio.run(engine.analyze(make_article(text, outlet=mode), 40))
        assert len(result.claims) == 3
    bodies = {format_name(b): b for b in fake.requests}
    held = bodies["json_object_schema"]["response_format"]["schema"]["$defs"]["ClaimReply"]
    assert held["properties"]["quote"]["enum"] == [SENTENCE.format(n=n) for n in range(3)]
    free = bodies["json_schema"]["response_format"]["json_schema"]["schema"]["$defs"]
    assert "enum" not in free["ClaimReply"]["properties"]["quote"]
    assert '"quote":{"type":"string","maxLength"' in bodies["json_object"]["messages"][0]["content"]


def test_the_extraction_request_carries_its_limit_in_schema_and_prompt(
    fake: FakeLLM, tmp_path: Path
) -> None:
    text = " ".join(SENTENCE.format(n=n) for n in range(40))
    engine = LLMEngine(llm_settings(tmp_path, llm_max_output_tokens=1024))
    result = asyncio.run(engine.analyze(make_article(text), 40))
    limit = (1024 - 40 - 80) // CLAIM_TOKENS
    body = fake.requests[0]
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["claims"]["maxItems"] == limit
    assert f"at most {limit} of" in body["messages"][0]["content"].replace("\n  ", " ")
    assert len(result.claims) == limit  # the fake, like a constraining server, stops there


def test_judge_requests_fix_the_number_of_verdicts(fake: FakeLLM, tmp_path: Path) -> None:
    engine = LLMEngine(llm_settings(tmp_path))
    claims = asyncio.run(
        engine.analyze(make_article(" ".join(SENTENCE.format(n=n) for n in range(3))), 40)
    ).claims
    fake.requests.clear()
    pairs = [CandidatePair(claims[0], claims[1], 0.5), CandidatePair(claims[1], claims[2], 0.5)]
    asyncio.run(engine.judge(pairs))
    verdicts = fake.requests[0]["response_format"]["json_schema"]["schema"]["properties"]
    assert verdicts["verdicts"]["minItems"] == verdicts["verdicts"]["maxItems"] == 2


def test_judge_batches_are_no_larger_than_their_verdicts_fit(fake: FakeLLM, tmp_path: Path) -> None:
    text = " ".join(SENTENCE.format(n=n) for n in range(3))
    claims = asyncio.run(LLMEngine(llm_settings(tmp_path)).analyze(make_article(text), 20)).claims
    engine = LLMEngine(llm_settings(tmp_path, llm_max_output_tokens=200))
    pairs = [CandidatePair(claims[i % 3], claims[(i + 1) % 3], 0.5) for i in range(7)]
    # 200 output tokens hold 3 verdicts of ~60 tokens, whatever the batch size setting.
    assert [len(batch) for batch, _ in engine.judging.batches(pairs)] == [3, 3, 1]


def test_judge_batches_grow_so_that_all_are_in_flight_at_once(
    fake: FakeLLM, tmp_path: Path
) -> None:
    text = " ".join(SENTENCE.format(n=n) for n in range(3))
    claims = asyncio.run(LLMEngine(llm_settings(tmp_path)).analyze(make_article(text), 20)).claims
    pairs = [CandidatePair(claims[i % 3], claims[(i + 1) % 3], 0.5) for i in range(7)]
    # 3 batches of 3 with 2 slots would be two round trips: 2 batches of 4 and 3 are one.
    wide = LLMEngine(llm_settings(tmp_path, llm_judge_batch_size=3, llm_max_in_flight=2))
    assert [len(batch) for batch, _ in wide.judging.batches(pairs)] == [4, 3]
    # ... but never past what the output budget holds (200 tokens: 3 verdicts).
    tight = LLMEngine(
        llm_settings(
            tmp_path, llm_judge_batch_size=3, llm_max_in_flight=2, llm_max_output_tokens=200
        )
    )
    assert [len(batch) for batch, _ in tight.judging.batches(pairs)] == [3, 3, 1]


def test_a_re_ask_under_quote_choices_is_counted_without_them(
    fake: FakeLLM, tmp_path: Path
) -> None:
    # The choices double what the schema weighs, but that server makes a grammar of
    # it: counted as prompt, the re-ask would be refused as too large for the window.
    text = " ".join(SENTENCE.format(n=n) for n in range(40))
    settings = llm_settings(
        tmp_path,
        llm_structured_output="json_object_schema",
        llm_context_window=2100,  # the request and its reply fit; with the choices, not
        llm_max_output_tokens=600,
    )
    fake.enqueue(completion('{"summary": "not json'))
    result = asyncio.run(LLMEngine(settings).analyze(make_article(text), 40))
    assert len(fake.requests) == 2 and result.claims
    choices = fake.requests[1]["response_format"]["schema"]["$defs"]["ClaimReply"]
    assert len(choices["properties"]["quote"]["enum"]) == 40
