"""Orchestration: articles -> engine (summary, claims) -> alignment -> Comparison.

The only place that knows the order of the steps. It is async so that the LLM engine
can analyse every article at once. CPU-heavy steps (alignment here, analysis inside
the offline engine) run in worker threads, so an event loop that hosts the pipeline
(the HTTP service) keeps answering while a comparison runs; the cyclic garbage
collector is paused while they run (api.gcpause).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from api import gcpause
from api.align import clustering, decide, pairscore
from api.align.blocking import Matcher
from api.align.coverage import COVERAGE_MODEL, Coverage
from api.align.types import CandidatePair
from api.engines.base import BriefRequest, Engine, WaitsOnNetwork
from api.errors import EngineError, ParallaxError, UsageError
from api.models import (
    Article,
    ArticleAnalysis,
    ArticleResult,
    Comparison,
    ErrorEntry,
    ProgressEvent,
    Summaries,
    Usage,
)
from api.settings import get_settings
from api.text import embeddings
from api.text.sentences import SentenceIndex
from api.text.tokens import count_tokens

Progress = Callable[[ProgressEvent], None]
ALIGNMENT = f"{pairscore.MODEL} ({embeddings.MODEL})"
log = logging.getLogger(__name__)


def _silent(_: ProgressEvent) -> None:
    return None


async def summarize(
    articles: Sequence[Article],
    engine: Engine,
    *,
    max_words: int,
    errors: Sequence[ErrorEntry] = (),
    progress: Progress = _silent,
) -> Summaries:
    results, failures = await _analyze_all(articles, engine, max_words, progress)
    progress(ProgressEvent(stage="done", done=1, total=1))
    return Summaries(
        articles=results,
        engine=engine.info,
        usage=await _usage(engine, articles),
        errors=[*errors, *failures],
    )


async def compare(
    articles: Sequence[Article],
    engine: Engine,
    *,
    max_words: int,
    summary_max_words: int,
    errors: Sequence[ErrorEntry] = (),
    progress: Progress = _silent,
    alignment: str | None = None,
) -> Comparison:
    """``alignment``: "sentences" or "coverage" (default: the setting; api.settings)."""
    mode = alignment or get_settings().alignment
    if len(articles) < 2:
        raise UsageError(f"a comparison needs at least 2 articles, got {len(articles)}")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round((now - clock) * 1000, 2)
        clock = now

    if isinstance(engine, WaitsOnNetwork):
        # The alignment's embedding model (~0.2 s of CPU) loads while the engine waits
        # for its replies rather than after them; without a wait, it loads at blocking.
        engine.while_waiting(embeddings.preload)
    results, failures = await _analyze_all(articles, engine, summary_max_words, progress)
    if len(results) < 2:
        raise EngineError(
            f"only {len(results)} of {len(articles)} articles could be analysed: "
            + "; ".join(f"{e.source}: {e.message}" for e in failures)
        )
    lap("analyze")

    claims = [c for r in results for c in r.claims]
    if mode == "coverage":
        progress(ProgressEvent(stage="align", done=0, total=2, detail="support"))
        coverage = await asyncio.to_thread(gcpause.paused(Coverage), results)
        lap("support")
        # What the rules leave open goes to the engine's judge, in one batch: the llm
        # engine asks the directional question; the offline engine answers "unsure".
        progress(ProgressEvent(stage="align", done=1, total=2, detail="judging"))
        answers = await engine.judge(coverage.questions) if coverage.questions else []
        lap("judge")
        clusters, omissions = await asyncio.to_thread(gcpause.paused(coverage.rows), answers)
        lap("rows")
    else:
        progress(ProgressEvent(stage="align", done=0, total=3, detail="blocking"))
        matcher = await asyncio.to_thread(gcpause.paused(Matcher), claims)
        pairs = await asyncio.to_thread(gcpause.paused(matcher.candidates))
        lap("blocking")
        progress(ProgressEvent(stage="align", done=1, total=3, detail="judging"))
        decisions, ambiguous = await asyncio.to_thread(_settle, pairs)
        if ambiguous:
            verdicts = await engine.judge(ambiguous)
            decisions.extend(
                decide.Decision(p, v) for p, v in zip(ambiguous, verdicts, strict=True)
            )
        lap("judge")

        progress(ProgressEvent(stage="align", done=2, total=3, detail="clustering"))
        ids = [r.id for r in results]
        clusters, omissions = await asyncio.to_thread(
            gcpause.paused(
                lambda: clustering.build(
                    ids,
                    claims,
                    decisions,
                    _sentences(results),  # sentence splitting is CPU work too: off the loop
                    exhaustive=matcher.exhaustive,
                    near=matcher.near_in_meaning,
                )
            )
        )
        lap("cluster")
    progress(ProgressEvent(stage="brief", done=0, total=1))
    summary = await engine.brief(
        BriefRequest(
            articles=results,
            claims={c.id: c for c in claims},
            clusters=clusters,
            max_words=max_words,
        )
    )
    lap("brief")
    progress(ProgressEvent(stage="done", done=1, total=1))
    # Counts and timings only: no article text at INFO (see api/logs.py).
    log.info(
        "comparison done",
        extra={"articles": len(results), "claims": len(claims), "clusters": len(clusters)}
        | {"failed": len(failures), "timings_ms": timings},
    )
    return Comparison(
        articles=results,
        clusters=clusters,
        summary=summary,
        omissions=omissions,
        engine=engine.info.model_copy(
            update={"alignment": COVERAGE_MODEL if mode == "coverage" else ALIGNMENT}
        ),
        usage=await _usage(engine, articles),
        errors=[*errors, *failures],
        max_words=max_words,
        timings_ms=timings,
    )


async def _analyze_all(
    articles: Sequence[Article], engine: Engine, max_words: int, progress: Progress
) -> tuple[list[ArticleResult], list[ErrorEntry]]:
    """Analyse every article concurrently; one article's failure is recorded, not fatal."""
    total = len(articles)
    finished = 0
    progress(ProgressEvent(stage="analyze", done=0, total=total))

    async def one(article: Article) -> ArticleAnalysis:
        nonlocal finished
        try:
            return await engine.analyze(article, max_words)
        finally:
            finished += 1
            progress(ProgressEvent(stage="analyze", done=finished, total=total, detail=article.id))

    outcomes = await asyncio.gather(*(one(a) for a in articles), return_exceptions=True)
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
                    claims_dropped=getattr(outcome, "dropped", None),
                )
            )
        else:
            raise outcome
    return results, failures


def _sentences(results: Sequence[ArticleResult]) -> dict[str, tuple[str, int]]:
    """Claim id -> (article, sentence index) of the sentence its evidence starts in."""
    index = SentenceIndex({r.id: r.text for r in results})
    return {c.id: (r.id, index.locate(r.id, c.evidence.start)) for r in results for c in r.claims}


@gcpause.paused
def _settle(
    pairs: Sequence[CandidatePair],
) -> tuple[list[decide.Decision], list[CandidatePair]]:
    """The pairs the rules are sure of, decided; and the ambiguous ones, for the judge."""
    decisions = [decide.Decision(p, decide.assess(p)) for p in pairs if not decide.is_ambiguous(p)]
    return decisions, [p for p in pairs if decide.is_ambiguous(p)]


async def _usage(engine: Engine, articles: Sequence[Article]) -> Usage:
    # Counting tokens of every article is CPU work: off the loop, like the other steps.
    tokens = await asyncio.to_thread(lambda: sum(count_tokens(a.text) for a in articles))
    return engine.usage.model_copy(update={"article_tokens": tokens})
