"""``POST /v1/summaries``: each article's summary and claims, answered at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field

from api.compare import pipeline
from api.http.auth import require_api_key
from api.http.deps import EngineDep, MetricsDep, SettingsDep
from api.http.limits import check_articles, chosen_engine
from api.http.problems import problem_responses
from api.ingest.inputs import resolve_inputs
from api.jobs.models import SEED_TEXTS, EngineName, WordBudget, with_examples
from api.models import ArticleItem, Model, Summaries

router = APIRouter(prefix="/v1", tags=["summaries"], dependencies=[Depends(require_api_key)])


class SummariesRequest(Model):
    """Body of ``POST /v1/summaries``: one or more articles."""

    model_config = with_examples(
        {"articles": [{"text": SEED_TEXTS[0], "outlet": "The Northern Ledger"}]}
    )

    articles: Annotated[list[ArticleItem], Field(min_length=1)] = Field(
        description="One or more articles; they get the ids a1, a2, ... in the result."
    )
    engine: EngineName | None = Field(None, description="Engine; default PARALLAX_ENGINE.")
    max_words: WordBudget = Field(
        None, description="Budget of each summary; default PARALLAX_SUMMARY_MAX_WORDS."
    )


@router.post(
    "/summaries",
    summary="Summarize articles and list their claims",
    description="Synchronous. Articles that fail are listed under `errors`; the others "
    "are summarized.",
    responses=problem_responses(400, 401, 413, 422, 502, 503),
)
async def create_summaries(
    body: SummariesRequest, settings: SettingsDep, engines: EngineDep, metrics: MetricsDep
) -> Summaries:
    _, engine = chosen_engine(body.engine, settings, engines)
    await check_articles(body.articles, settings)
    articles, errors = await resolve_inputs(body.articles, settings)
    result = await pipeline.summarize(
        articles, engine, max_words=body.max_words or settings.summary_max_words, errors=errors
    )
    metrics.usage(result.usage)
    return result
