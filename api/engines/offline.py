"""The offline engine: deterministic heuristics, no network, no key.

It is the embedded default, so a new user gets a real comparison at once. Summaries
and the brief are extractive; claims come from api.claims; the judge applies the
alignment rules at a middle threshold to the pairs that were left ambiguous.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from api import alignment, extractive
from api.claims import extract_claims
from api.engines.base import BriefRequest, CandidatePair, Verdict
from api.models import Article, ArticleAnalysis, ClusterStatus, EngineInfo, Usage

ALGORITHM = "parallax-offline-1"


class OfflineEngine:
    """Stateless. Its CPU work runs in worker threads so that it never blocks the loop."""

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(name="offline", model=ALGORITHM)

    @property
    def usage(self) -> Usage:
        return Usage()

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        return await asyncio.to_thread(self._analyze, article, max_words)

    @staticmethod
    def _analyze(article: Article, max_words: int) -> ArticleAnalysis:
        return ArticleAnalysis(
            summary=extractive.summarize_article(article.text, max_words),
            claims=extract_claims(article),
        )

    async def judge(self, pairs: Sequence[CandidatePair]) -> list[Verdict]:
        return await asyncio.to_thread(
            lambda: [alignment.assess(p, alignment.MIDDLE) for p in pairs]
        )

    async def brief(self, request: BriefRequest) -> str:
        return await asyncio.to_thread(self._brief, request)

    @staticmethod
    def _brief(request: BriefRequest) -> str:
        # A sentence gains the share of outlets that report its claims beyond its own.
        total = max(len(request.articles) - 1, 1)
        support: dict[str, float] = {}
        contested: set[str] = set()
        for cluster in request.clusters:
            if cluster.status is ClusterStatus.conflict:
                contested.update(request.claims[c].evidence.quote for c in cluster.claims)
            if cluster.status in (ClusterStatus.unique, ClusterStatus.conflict):
                continue
            share = (len(cluster.articles) - 1) / total
            for claim_id in cluster.claims:
                claim = request.claims[claim_id]
                sentence = claim.evidence.quote
                support[sentence] = max(support.get(sentence, 0.0), share)
        return extractive.brief(
            [a.text for a in request.articles], request.max_words, support, contested
        )
