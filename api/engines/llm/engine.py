"""The llm engine: summaries, claims, judging and the brief from any OpenAI-compatible
endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp), behind the same protocol as
``offline``.

The work is split by step: :mod:`api.engines.llm.analyze` (stuff or map-reduce, grounding),
:mod:`api.engines.llm.judging` (judge batches, brief), :mod:`api.engines.llm.caller` (window check,
cache, limiter, retries, validation). This class wires them to one run's settings,
cache and usage meter. A brief whose sentences do not state what they cite falls
back to the offline engine's extractive brief, which is grounded by construction (and
a judge batch whose reply is unusable, to its heuristics). An
article left with no grounded claim is a failure (:class:`~api.errors.LLMNoClaims`),
listed in the result's errors, never an analysed article with nothing in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from api.align.types import CandidatePair, Verdict
from api.engines.base import BriefRequest
from api.engines.llm.analyze import Analyzer
from api.engines.llm.cache import open_cache
from api.engines.llm.caller import Caller
from api.engines.llm.judging import Judge
from api.engines.llm.prompts import load_prompt
from api.engines.llm.usage import Meter
from api.engines.offline import OfflineEngine
from api.errors import EngineUnavailable, LLMNoClaims, LLMOutputError, LLMTruncated
from api.models import Article, ArticleAnalysis, EngineInfo, Usage
from api.settings import Settings

PROMPTS = ("extract", "reduce", "judge", "brief")


class LLMEngine:
    def __init__(self, settings: Settings) -> None:
        if not settings.llm_model:
            raise EngineUnavailable(
                "the llm engine needs a model: set PARALLAX_LLM_MODEL "
                "(and PARALLAX_LLM_BASE_URL for a server other than OpenAI)"
            )
        self.settings = settings
        self.meter = Meter(price=settings.llm_prices.get(settings.llm_model))
        self.cache = open_cache(settings)
        self.caller = Caller(settings, self.meter, self.cache)
        self.analyzer = Analyzer(self.caller)
        self.judging = Judge(self.caller, OfflineEngine().judge)

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(
            name="llm",
            model=self.caller.model,
            prompt_versions={name: load_prompt(name).version for name in PROMPTS},
            structured_output=self.caller.negotiator.mode,
        )

    @property
    def usage(self) -> Usage:
        return self.meter.snapshot()

    def while_waiting(self, work: Callable[[], object]) -> None:
        self.caller.while_waiting(work)

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        self.judging.outlets[article.id] = article.outlet or article.id
        try:
            analysis, dropped = await self.analyzer.analyze(article, max_words)
        except LLMOutputError as exc:
            exc.source = exc.source or article.source
            raise
        self.meter.totals.dropped_ungrounded += dropped
        if not analysis.claims:
            raise LLMNoClaims(
                f"all {dropped} claims the model gave quote text the article does not "
                "contain (dropped as ungrounded)"
                if dropped
                else "the model gave no claims",
                dropped=dropped,
                source=article.source,
            )
        return analysis

    async def judge(self, pairs: Sequence[CandidatePair]) -> list[Verdict]:
        return await self.judging.judge(pairs) if pairs else []

    async def brief(self, request: BriefRequest) -> str:
        try:
            return await self.judging.brief(request)
        except (LLMOutputError, LLMTruncated):
            self.meter.totals.offline_briefs += 1
            return await OfflineEngine().brief(request)
