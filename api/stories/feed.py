"""A feed, end to end: its articles grouped into stories, each story of two or more
articles compared, all of it gathered into one ``Stories`` result.

Two halves, so that a job queue can run the comparisons wherever it likes between
them: :func:`plan` groups and labels (CPU only, no engine), :func:`assemble` builds
the result from whatever comparisons came back. :func:`run_feed` is both, with the
comparisons run in this process through ``compare_story`` a few at a time. A story
whose comparison fails gets an error entry and ``comparison: null``; the others and
the feed go on. Only cancellation stops the feed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from api.errors import ParallaxError
from api.models import Article, Comparison, EngineInfo, ErrorEntry, Stories, Story, Usage
from api.stories import group as grouping
from api.stories.group import FeedItem
from api.stories.label import Labelled, label_stories
from api.text.tokens import count_tokens

log = logging.getLogger(__name__)

# Runs one story's comparison (its articles keep the feed's ids).
CompareStory = Callable[[Sequence[Article]], Awaitable[Comparison]]
# (stories compared so far, stories to compare, the story just finished)
FeedProgress = Callable[[int, int, str], None]
METHOD = (
    f"words+char-{grouping.GRAM}-gram TF-IDF and wordllama cosines, rare-term blocking, "
    f"average linkage at {grouping.THRESHOLD}, {grouping.MAX_GAP.days}-day gap"
)


@dataclass(frozen=True, slots=True)
class Plan:
    """The feed's stories, largest first (ties in feed order), before any comparison."""

    stories: list[Labelled]
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def to_compare(self) -> list[Labelled]:
        return [s for s in self.stories if len(s.members) >= 2]


def feed_item(article: Article) -> FeedItem:
    return FeedItem(text=article.text, title=article.title, published=published_at(article))


def published_at(article: Article) -> datetime | None:
    """``published`` as an aware datetime: ISO 8601 (a date alone is its midnight) or an
    RFC 2822 date as feeds write it; None when absent or unreadable."""
    value = (article.published or "").strip()
    if not value:
        return None
    stamp: datetime | None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            stamp = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def plan(articles: Sequence[Article]) -> Plan:
    """Group and label the feed (CPU-bound: call it off the event loop)."""
    clock = time.perf_counter()
    items = [feed_item(a) for a in articles]
    groups = grouping.group(items)
    grouped = time.perf_counter()
    labelled = label_stories(items, groups)
    labelled.sort(key=lambda s: (-len(s.members), s.members[0]))
    done = time.perf_counter()
    timings = {
        "group": round((grouped - clock) * 1000, 2),
        "label": round((done - grouped) * 1000, 2),
    }
    return Plan(labelled, timings)


def members_of(articles: Sequence[Article], story: Labelled) -> list[Article]:
    return [articles[i] for i in story.members]


def story_error(story: Labelled, exc: BaseException) -> ErrorEntry:
    """The error entry of a story whose comparison failed."""
    if isinstance(exc, ParallaxError):
        code, message = exc.code, exc.message
    else:
        code, message = "internal_error", f"internal error: {type(exc).__name__}"
    return ErrorEntry(source=f"story {story.id}", code=code, message=message)


def assemble(
    articles: Sequence[Article],
    planned: Plan,
    *,
    comparisons: Mapping[str, Comparison],
    failures: Sequence[ErrorEntry] = (),
    errors: Sequence[ErrorEntry] = (),
    engine: EngineInfo | None = None,
    compared: bool = True,
    timings_ms: Mapping[str, float] | None = None,
) -> Stories:
    """The result: every planned story, with its comparison when there is one."""
    stories = [
        Story(
            id=s.id,
            label=s.label,
            article_ids=[articles[i].id for i in s.members],
            outlets=[articles[i].outlet for i in s.members],
            comparison=comparisons.get(s.id),
        )
        for s in planned.stories
    ]
    usage = _summed([c.usage for c in comparisons.values()])
    usage.article_tokens = sum(count_tokens(a.text) for a in articles)
    if engine is None and comparisons:
        engine = next(iter(comparisons.values())).engine
    return Stories(
        stories=stories,
        articles=list(articles),
        grouping=METHOD,
        compared=compared,
        engine=engine,
        usage=usage,
        errors=[*errors, *failures],
        timings_ms={**planned.timings_ms, **(timings_ms or {})},
    )


def completed(
    pending: Stories,
    comparisons: Mapping[str, Comparison],
    failures: Sequence[ErrorEntry] = (),
) -> Stories:
    """A pending result (every comparison null, as :func:`assemble` made it before the
    comparisons ran elsewhere) with the comparisons that came back, and the failures."""
    usage = _summed([c.usage for c in comparisons.values()])
    usage.article_tokens = pending.usage.article_tokens
    return pending.model_copy(
        update={
            "stories": [
                s.model_copy(update={"comparison": comparisons.get(s.id)}) for s in pending.stories
            ],
            "usage": usage,
            "errors": [*pending.errors, *failures],
        }
    )


async def run_feed(
    articles: Sequence[Article],
    compare_story: CompareStory | None,
    *,
    errors: Sequence[ErrorEntry] = (),
    engine: EngineInfo | None = None,
    concurrency: int = 1,
    progress: FeedProgress | None = None,
) -> Stories:
    """Group the feed, then compare each story of two or more articles in this process
    (``concurrency`` at a time); ``compare_story=None`` compares nothing."""
    clock = time.perf_counter()
    planned = await asyncio.to_thread(plan, articles)
    todo = planned.to_compare if compare_story is not None else []
    comparisons: dict[str, Comparison] = {}
    failures: dict[str, ErrorEntry] = {}
    gate = asyncio.Semaphore(max(1, concurrency))
    finished = 0
    if progress is not None:
        progress(0, len(todo), "")

    async def one(story: Labelled) -> None:
        nonlocal finished
        assert compare_story is not None
        async with gate:
            try:
                comparisons[story.id] = await compare_story(members_of(articles, story))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("story %s: comparison failed (%s)", story.id, type(exc).__name__)
                failures[story.id] = story_error(story, exc)
        finished += 1
        if progress is not None:
            progress(finished, len(todo), story.id)

    started = time.perf_counter()
    await asyncio.gather(*(one(s) for s in todo))
    ended = time.perf_counter()
    order = [s.id for s in todo]  # failures in story order, whatever finished first
    return await asyncio.to_thread(
        assemble,
        articles,
        planned,
        comparisons={k: comparisons[k] for k in order if k in comparisons},
        failures=[failures[k] for k in order if k in failures],
        errors=errors,
        engine=engine,
        compared=compare_story is not None,
        timings_ms={
            "compare": round((ended - started) * 1000, 2),
            "total": round((ended - clock) * 1000, 2),
        },
    )


def _summed(usages: Sequence[Usage]) -> Usage:
    total = Usage()
    costs = [u.cost_usd for u in usages if u.cost_usd is not None]
    for name, info in Usage.model_fields.items():
        if info.annotation is int or name == "article_tokens":
            setattr(total, name, sum(getattr(u, name) for u in usages))
    total.cost_usd = round(sum(costs), 6) if costs else None
    return total
