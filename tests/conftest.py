"""Shared fixtures: the seed articles, an article factory, and a recording fake engine."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from api.align.types import CandidatePair, Verdict
from api.compare.pipeline import compare
from api.engines.base import BriefRequest
from api.engines.offline import OfflineEngine
from api.errors import EngineError
from api.ingest.inputs import article_from_input, load_articles
from api.models import Article, ArticleAnalysis, ArticleInput, Comparison, EngineInfo, Usage
from api.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(str(p) for p in (ROOT / "seeds").glob("*.txt"))


def make_article(text: str, n: int = 1, outlet: str | None = None) -> Article:
    return article_from_input(
        ArticleInput(text=text, outlet=outlet or f"outlet-{n}"), article_id=f"a{n}", source=f"t{n}"
    )


# The brief's editorial notes after a disputed figure: " [outlet-2: $1.2 trillion]".
BRIEF_NOTE = re.compile(r" \[([^\[\]:]+): ([^\[\]]+)\]")


def brief_without_notes(brief: str) -> str:
    return BRIEF_NOTE.sub("", brief)


def run_compare(texts: Sequence[str], max_words: int = 75) -> Comparison:
    articles = [make_article(t, i) for i, t in enumerate(texts, 1)]
    return asyncio.run(
        compare(articles, OfflineEngine(), max_words=max_words, summary_max_words=40)
    )


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No PARALLAX_* variables from the caller's environment, and fresh settings."""
    for key in list(os.environ):
        if key.startswith("PARALLAX_"):
            monkeypatch.delenv(key)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def seed_articles() -> list[Article]:
    articles, errors = load_articles(SEEDS, max_bytes=2_000_000, keep_going=False)
    assert not errors
    return articles


class FakeEngine:
    """The offline engine's answers, with every call recorded and failures on demand.

    ``fail_on`` names article ids whose analysis raises EngineError; ``history`` lists
    (method, argument) in call order, so a test reads "given these inputs, the pipeline
    made these calls".
    """

    def __init__(self, fail_on: Sequence[str] = ()) -> None:
        self.inner = OfflineEngine()
        self.fail_on = set(fail_on)
        self.history: list[tuple[str, object]] = []

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(name="offline", model="fake")

    @property
    def usage(self) -> Usage:
        return Usage(llm_calls=len(self.history))

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        self.history.append(("analyze", article.id))
        if article.id in self.fail_on:
            raise EngineError("the model refused", source=article.source)
        return await self.inner.analyze(article, max_words)

    async def judge(self, pairs: Sequence[CandidatePair]) -> list[Verdict]:
        self.history.append(("judge", len(pairs)))
        return await self.inner.judge(pairs)

    async def brief(self, request: BriefRequest) -> str:
        self.history.append(("brief", len(request.clusters)))
        return await self.inner.brief(request)


@pytest.fixture
def fake_engine() -> Callable[..., FakeEngine]:
    return FakeEngine


# Hypothesis profiles: CI runs more examples of the tests that leave max_examples to the
# profile (tests/test_fuzz.py); .ci/run sets CI.
hypothesis_settings.register_profile("ci", max_examples=500)
hypothesis_settings.register_profile("dev", max_examples=100)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def no_real_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test resolves a real name: a URL that reaches the fetcher by accident (a
    schemathesis-made {url}, say) fails as an unknown host instead of touching the
    network. Tests that fetch install their own table with tests.loopback.stub_dns."""
    from api.ingest import netguard

    async def refuse(host: str, port: int) -> list[str]:
        if netguard.parse_ip(host) is not None:
            return [host]  # a literal address needs no lookup
        raise OSError(f"no such host {host!r} (tests never use real DNS)")

    monkeypatch.setattr(netguard, "resolve_host", refuse)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (pytest.mark.anyio) run on asyncio, the loop the service runs on."""
    return "asyncio"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the session (tests/pgcluster.py); the
    tests that need it are skipped, with the reason, when it cannot run here."""
    from tests import pgcluster

    reason = pgcluster.unavailable()
    if reason is not None:
        pytest.skip(reason)
    with pgcluster.cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: Any) -> str:
    """A fresh, empty database of the session's cluster."""
    url: str = pg_cluster.database()
    return url
