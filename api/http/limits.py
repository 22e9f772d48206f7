"""The caps on one request's articles, checked before any work is accepted.

Count, bytes of each text and total tokens are each configurable (PARALLAX_MAX_ARTICLES,
PARALLAX_MAX_ARTICLE_BYTES, PARALLAX_MAX_REQUEST_TOKENS); a feed (``POST /v1/stories``)
has its own count and tokens (PARALLAX_MAX_FEED_ARTICLES, PARALLAX_MAX_FEED_TOKENS).
Normalizing and counting tokens of megabytes of text is CPU work, so it runs in a
worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from api.engines.base import Engine
from api.errors import (
    EncodingInputError,
    EngineUnavailable,
    InputError,
    InputTooLarge,
    UsageError,
)
from api.ingest import netguard
from api.ingest.inputs import article_from_input
from api.jobs.execute import EngineFactory
from api.models import ArticleInput, UrlInput
from api.settings import Settings
from api.text.tokens import count_tokens

FIELD = "articles"


async def check_articles(
    inputs: Sequence[ArticleInput | UrlInput], settings: Settings, *, feed: bool = False
) -> None:
    """Refuse a request over the caps before any work is accepted; an InputError names
    the item's index. ``feed``: the caps of a feed of stories.

    A URL item is only checked for what no fetch may have (scheme, credentials, form);
    it is fetched, behind the SSRF guard, when the work runs.
    """
    most = settings.max_feed_articles if feed else settings.max_articles
    if len(inputs) > most:
        what = "feed" if feed else "request"
        raise InputTooLarge(f"{len(inputs)} articles; at most {most} per {what}", source=FIELD)
    inline: list[tuple[int, ArticleInput]] = []
    for index, item in enumerate(inputs):
        _check_encodable(item, index)
        if isinstance(item, UrlInput):
            _check_url(item.url, index)
            continue
        size = len(item.text.encode("utf-8"))
        if size > settings.max_article_bytes:
            raise InputTooLarge(
                f"the text is {size} bytes; at most {settings.max_article_bytes} per article",
                source=f"{FIELD}[{index}].text",
            )
        inline.append((index, item))
    tokens = settings.max_feed_tokens if feed else settings.max_request_tokens
    await asyncio.to_thread(_check_tokens, inline, tokens)


def _check_url(url: str, index: int) -> None:
    try:
        netguard.parse_url(url)
    except InputError as err:
        raise type(err)(err.message, source=f"{FIELD}[{index}].url") from None


def _check_encodable(item: ArticleInput | UrlInput, index: int) -> None:
    # JSON can carry lone surrogates ("\ud800"), which are not text and cannot be
    # written back out: refuse them here, naming the field.
    for name, value in item:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise EncodingInputError(
                    "contains a lone surrogate (\\ud800-\\udfff), which is not text",
                    source=f"{FIELD}[{index}].{name}",
                ) from None


def _check_tokens(inline: Sequence[tuple[int, ArticleInput]], max_tokens: int) -> None:
    # The cap is on normalized text, the text the engines will see.
    articles = [
        article_from_input(item, article_id=f"a{n}", source=f"{FIELD}[{index}]")
        for n, (index, item) in enumerate(inline, 1)
    ]
    tokens = sum(count_tokens(a.text) for a in articles)
    if tokens > max_tokens:
        raise InputTooLarge(
            f"the articles come to {tokens} tokens; at most {max_tokens} per request",
            source=FIELD,
        )


def chosen_engine(
    requested: str | None, settings: Settings, engines: EngineFactory
) -> tuple[str, Engine]:
    """The engine a request runs on: its own choice, else the server's default.

    An engine the client named but this server cannot run is the client's problem
    (422 naming ``engine``); the server's own default not running is the server's (503).
    """
    name = requested or settings.engine
    try:
        return name, engines(name, settings)
    except EngineUnavailable as exc:
        if requested is None:
            raise
        raise UsageError(exc.message, source="engine") from exc
