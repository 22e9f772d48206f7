"""Orchestration: articles -> engine -> alignment -> Comparison. (being written)"""

from __future__ import annotations

from collections.abc import Sequence

from api.engines.base import Engine
from api.models import Article, Comparison, ErrorEntry, Summaries


async def summarize(
    articles: Sequence[Article],
    engine: Engine,
    *,
    max_words: int,
    errors: Sequence[ErrorEntry] = (),
) -> Summaries:
    raise NotImplementedError


async def compare(
    articles: Sequence[Article],
    engine: Engine,
    *,
    max_words: int,
    summary_max_words: int,
    errors: Sequence[ErrorEntry] = (),
) -> Comparison:
    raise NotImplementedError
