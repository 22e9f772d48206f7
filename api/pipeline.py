"""Orchestration: articles -> engine (summary, claims) -> alignment -> Comparison.

The only place that knows the order of the steps. It is async so that the LLM engine
can analyse every article at once; the offline engine simply runs in turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from api import alignment
from api.blocking import candidate_pairs
from api.engines.base import BriefRequest, Engine
from api.errors import EngineError, ParallaxError, UsageError
from api.models import (
    Article,
    ArticleAnalysis,
    ArticleResult,
    Comparison,
    ErrorEntry,
    Summaries,
    Usage,
)
from api.tokens import count_tokens


async def summarize(
    articles: Sequence[Article],
    engine: Engine,
    *,
    max_words: int,
    errors: Sequence[ErrorEntry] = (),
) -> Summaries:
    results, failures = await _analyze_all(articles, engine, max_words)
    return Summaries(
        articles=results,
        engine=engine.info,
        usage=_usage(engine, articles),
        errors=[*errors, *failures],
    )


async def compare(
    articles: Sequence[Article],
    engine: Engine,
    *,
    max_words: int,
    summary_max_words: int,
    errors: Sequence[ErrorEntry] = (),
) -> Comparison:
    if len(articles) < 2:
        raise UsageError(f"a comparison needs at least 2 articles, got {len(articles)}")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round((now - clock) * 1000, 2)
        clock = now

    results, failures = await _analyze_all(articles, engine, summary_max_words)
    if len(results) < 2:
        raise EngineError(
            f"only {len(results)} of {len(articles)} articles could be analysed: "
            + "; ".join(f"{e.source}: {e.message}" for e in failures)
        )
    lap("analyze")

    claims = [c for r in results for c in r.claims]
    pairs = candidate_pairs(claims)
    lap("blocking")
    decisions = [
        alignment.Decision(p, alignment.assess(p)) for p in pairs if not alignment.is_ambiguous(p)
    ]
    ambiguous = [p for p in pairs if alignment.is_ambiguous(p)]
    if ambiguous:
        verdicts = await engine.judge(ambiguous)
        decisions.extend(alignment.Decision(p, v) for p, v in zip(ambiguous, verdicts, strict=True))
    lap("judge")

    ids = [r.id for r in results]
    clusters = alignment.build_clusters(ids, claims, decisions)
    lap("cluster")
    summary = await engine.brief(
        BriefRequest(
            articles=results,
            claims={c.id: c for c in claims},
            clusters=clusters,
            max_words=max_words,
        )
    )
    lap("brief")
    return Comparison(
        articles=results,
        clusters=clusters,
        summary=summary,
        omissions=alignment.omissions(ids, clusters),
        engine=engine.info,
        usage=_usage(engine, articles),
        errors=[*errors, *failures],
        max_words=max_words,
        timings_ms=timings,
    )


async def _analyze_all(
    articles: Sequence[Article], engine: Engine, max_words: int
) -> tuple[list[ArticleResult], list[ErrorEntry]]:
    """Analyse every article concurrently; one article's failure is recorded, not fatal."""
    outcomes = await asyncio.gather(
        *(engine.analyze(a, max_words) for a in articles), return_exceptions=True
    )
    results: list[ArticleResult] = []
    failures: list[ErrorEntry] = []
    for article, outcome in zip(articles, outcomes, strict=True):
        if isinstance(outcome, ArticleAnalysis):
            results.append(
                ArticleResult(
                    **article.model_dump(), summary=outcome.summary, claims=outcome.claims
                )
            )
        elif isinstance(outcome, ParallaxError):
            failures.append(
                ErrorEntry(
                    source=article.source,
                    code=outcome.code,
                    message=outcome.message,
                    article_id=article.id,
                )
            )
        else:
            raise outcome
    return results, failures


def _usage(engine: Engine, articles: Sequence[Article]) -> Usage:
    return engine.usage.model_copy(
        update={"article_tokens": sum(count_tokens(a.text) for a in articles)}
    )
