"""What a comparison job is, as stored and as returned over HTTP.

A job is the durable form of one ``POST /v1/comparisons``: the validated request, its
status and progress, and in the end a ``Comparison`` or an error. The request is kept
as JSON so that a job interrupted by a crash can run again from it alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from api.models import Article, ArticleItem, Comparison, Model, Stories

EngineName = Literal["offline", "llm"]


def with_examples(*examples: dict[str, Any]) -> ConfigDict:
    """A boundary model's config (extra fields refused) with OpenAPI examples."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


SEED_TEXTS = (
    "Ukraine's garrison of about 12,000 soldiers in the Kursk region is under heavy "
    "pressure. Repeated Russian drone strikes have destroyed hundreds of vehicles.",
    "Ukraine's garrison of some 10,000 troops in the Kursk region is under significant "
    "pressure. Ukrainian brigades on the northern edge have not retreated.",
)

WordBudget = Annotated[int | None, Field(ge=10, le=2000)]


class ComparisonRequest(Model):
    """Body of ``POST /v1/comparisons``: two or more articles and options."""

    model_config = with_examples(
        {
            "articles": [
                {"text": SEED_TEXTS[0], "outlet": "The Northern Ledger"},
                {"text": SEED_TEXTS[1], "outlet": "The Harbour Courier"},
            ],
            "max_words": 75,
        }
    )

    articles: Annotated[list[ArticleItem], Field(min_length=2)] = Field(
        description="Two or more articles, inline ({text, ...}) or to fetch ({url}); they "
        "get the ids a1, a2, ... in the result. A URL that cannot be fetched is listed "
        "under the result's errors and the job ends partial."
    )
    engine: EngineName | None = Field(None, description="Engine; default PARALLAX_ENGINE.")
    max_words: WordBudget = Field(None, description="Brief budget; default PARALLAX_MAX_WORDS.")
    summary_max_words: WordBudget = Field(
        None, description="Per-article summary budget; default PARALLAX_SUMMARY_MAX_WORDS."
    )


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    partial = "partial"  # done, but some articles failed: see result.errors
    failed = "failed"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (JobStatus.queued, JobStatus.running)


class JobProgress(Model):
    # A stories job: "group" while it groups the feed, then "compare" (done of total
    # stories compared, detail the last story's id).
    stage: Literal["queued", "analyze", "align", "brief", "group", "compare", "done"] = "queued"
    done: int = Field(0, ge=0)
    total: int = Field(0, ge=0)
    detail: str = ""


class JobError(Model):
    code: str = Field(description="Stable slug from Parallax's error tree.")
    message: str


class Job(Model):
    """A comparison job; ``result`` is there once the status is done or partial."""

    model_config = with_examples(
        {
            "id": "cef9e8f0ef9e491d8f0c66b431c24409",
            "status": "running",
            "progress": {"stage": "analyze", "done": 1, "total": 3, "detail": "a1"},
            "engine": "offline",
            "created_at": "2026-11-25T14:21:17.899+00:00",
            "updated_at": "2026-11-25T14:21:17.930+00:00",
            "attempts": 1,
            "error": None,
        }
    )

    id: str
    status: JobStatus
    progress: JobProgress
    engine: EngineName
    created_at: str
    updated_at: str
    attempts: int = Field(0, ge=0, description="Times a server started running it.")
    error: JobError | None = None
    result: Comparison | None = None


class StoriesRequest(Model):
    """Body of ``POST /v1/stories``: a feed of articles, grouped into stories; each
    story of two or more articles is compared."""

    model_config = with_examples(
        {
            "articles": [
                {
                    "text": SEED_TEXTS[0],
                    "outlet": "The Northern Ledger",
                    "published": "2025-03-10T08:00:00Z",
                },
                {
                    "text": SEED_TEXTS[1],
                    "outlet": "The Harbour Courier",
                    "published": "2025-03-10T11:30:00Z",
                },
                {"text": "City council approves the new tram line budget.", "outlet": "Metro"},
            ],
            "compare": True,
        }
    )

    articles: Annotated[list[ArticleItem], Field(min_length=1)] = Field(
        description="The feed: inline articles ({text, ...}) or URLs ({url}), ids a1, a2, "
        "... in order. `published` (ISO 8601 or RFC 2822) keeps two articles more than "
        "3 days apart in different stories. A URL that cannot be fetched is listed under "
        "the result's errors and the job ends partial."
    )
    compare: bool = Field(
        True, description="Compare each story of two or more articles; false only groups."
    )
    engine: EngineName | None = Field(None, description="Engine; default PARALLAX_ENGINE.")
    max_words: WordBudget = Field(
        None, description="Each story's brief budget; default PARALLAX_MAX_WORDS."
    )
    summary_max_words: WordBudget = Field(
        None, description="Per-article summary budget; default PARALLAX_SUMMARY_MAX_WORDS."
    )


class StoryRequest(Model):
    """One story's comparison, as a feed's job hands it to a worker (PostgreSQL)."""

    feed_job_id: str
    story_id: str
    articles: list[Article]
    max_words: int
    summary_max_words: int


class StoriesJob(Job):
    """A stories job; ``result`` is there once the status is done or partial."""

    model_config = with_examples(
        {
            "id": "5b0c3e7d1f7a4e59a3f0d2b6c8e1a9f4",
            "status": "running",
            "progress": {"stage": "compare", "done": 2, "total": 5, "detail": "s-3f9c0a1b2d4e"},
            "engine": "offline",
            "created_at": "2026-11-25T14:21:17.899+00:00",
            "updated_at": "2026-11-25T14:21:18.930+00:00",
            "attempts": 1,
            "error": None,
        }
    )

    result: Stories | None = None  # type: ignore[assignment]
