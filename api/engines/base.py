"""The interface every engine implements: a few async methods, nothing network-shaped.

``offline`` answers from heuristics on the CPU; ``llm`` from an OpenAI-compatible
endpoint. The pipeline (api.compare.pipeline) only ever talks to this protocol, so a test can
hand it a fake engine and the HTTP/CLI layers never know which one runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from api.align.types import CandidatePair, Verdict
from api.models import Article, ArticleAnalysis, Claim, Cluster, EngineInfo, Usage


@dataclass(frozen=True, slots=True)
class BriefRequest:
    articles: Sequence[Article]
    claims: dict[str, Claim]  # by claim id
    clusters: Sequence[Cluster]
    max_words: int


class Engine(Protocol):
    @property
    def info(self) -> EngineInfo: ...

    @property
    def usage(self) -> Usage:
        """What this engine has spent so far (LLM calls, tokens, ...)."""
        ...

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        """Summary (within ``max_words``) and grounded claims of one article."""
        ...

    async def judge(self, pairs: Sequence[CandidatePair]) -> list[Verdict]:
        """One verdict per pair, in order, for pairs the heuristics found ambiguous."""
        ...

    async def brief(self, request: BriefRequest) -> str:
        """Cross-article summary that leads with what the outlets agree on."""
        ...


@runtime_checkable
class WaitsOnNetwork(Protocol):
    """An engine whose analysis waits on the network (optional: the pipeline checks)."""

    def while_waiting(self, work: Callable[[], object]) -> None:
        """Run ``work`` in a worker thread once this engine's first requests are in
        flight, so that CPU work the pipeline needs later fills the wait instead of
        following it; never, if the engine sends nothing."""
        ...
