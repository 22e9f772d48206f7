"""Grouping a feed into stories: real articles of different events, the published-date
split, determinism, and the result's shape."""

from __future__ import annotations

import random

import pytest

from api.models import Article, Comparison
from api.stories import group as grouping
from api.stories.feed import Plan, plan, published_at, run_feed
from api.stories.group import FeedItem
from tests.conftest import FakeEngine
from tests.stories.support import GOLD, feed_articles, feed_rows, gold_stories


def _grouped(articles: list[Article]) -> list[list[str]]:
    return sorted(sorted(articles[i].id for i in s.members) for s in plan(articles).stories)


def test_articles_of_four_events_make_four_stories() -> None:
    assert _grouped(feed_articles()) == gold_stories(GOLD)


def test_the_same_event_days_apart_is_two_stories() -> None:
    rows = [r for r, g in zip(feed_rows(), GOLD, strict=True) if g == 0]
    later = [{**r, "published": "2025-03-25T09:00:00Z"} for r in rows]
    articles = feed_articles(rows + later)
    assert _grouped(articles) == [["a1", "a2", "a3"], ["a4", "a5", "a6"]]
    ids = [s.id for s in plan(articles).stories]
    assert len(set(ids)) == 2
    # Without dates they are one story: the split is the dates' doing.
    undated = [{k: v for k, v in r.items() if k != "published"} for r in rows + later]
    assert _grouped(feed_articles(undated)) == [["a1", "a2", "a3", "a4", "a5", "a6"]]


def test_grouping_is_deterministic_and_order_free() -> None:
    rows = feed_rows()
    first = plan(feed_articles(rows))
    assert plan(feed_articles(rows)).stories == first.stories
    shuffled = rows[:]
    random.Random(7).shuffle(shuffled)
    again = plan(feed_articles(shuffled))

    def by_text(p: Plan, arts: list[Article]) -> dict[str, list[str]]:
        return {s.id: sorted(arts[i].text for i in s.members) for s in p.stories}

    assert by_text(again, feed_articles(shuffled)) == by_text(first, feed_articles(rows))


def test_no_candidate_pair_for_unrelated_articles() -> None:
    items = [
        FeedItem("The council approved the tram budget on Monday."),
        FeedItem("A volcano erupted near the fishing village overnight."),
    ]
    assert grouping.group(items) == [[0], [1]]
    assert grouping.group([]) == []


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-10", "2025-03-10T00:00:00+00:00"),
        ("2025-03-10T08:00:00Z", "2025-03-10T08:00:00+00:00"),
        ("Mon, 10 Mar 2025 08:00:00 +0100", "2025-03-10T08:00:00+01:00"),
        ("last Tuesday", None),
        (None, None),
    ],
)
def test_published_dates_are_read_leniently(value: str | None, iso: str | None) -> None:
    article = Article(id="a1", title="t", outlet="o", source="s", text="x", published=value)
    stamp = published_at(article)
    assert (stamp.isoformat() if stamp else None) == iso


@pytest.mark.anyio
async def test_a_failed_story_is_an_error_entry_and_the_others_go_on() -> None:
    articles = feed_articles()
    calls: list[list[str]] = []

    async def compare_story(members: list[Article]) -> Comparison:
        from api.compare import pipeline

        calls.append([a.id for a in members])
        if "a1" in [a.id for a in members]:
            raise RuntimeError("boom")
        return await pipeline.compare(members, FakeEngine(), max_words=60, summary_max_words=40)

    result = await run_feed(articles, compare_story)  # type: ignore[arg-type]
    assert len(calls) == 4
    failed = [s for s in result.stories if "a1" in s.article_ids]
    assert failed[0].comparison is None
    assert [e.source for e in result.errors] == [f"story {failed[0].id}"]
    assert result.errors[0].code == "internal_error"
    others = [s for s in result.stories if "a1" not in s.article_ids]
    assert all(s.comparison is not None for s in others)
    for s in others:
        assert s.comparison is not None
        assert [a.id for a in s.comparison.articles] == s.article_ids
    assert result.usage.llm_calls > 0 and result.usage.article_tokens > 0
    assert set(result.timings_ms) >= {"group", "label", "compare", "total"}
