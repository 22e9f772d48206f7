"""What a comparison job is, as stored and as returned over HTTP.

A job is the durable form of one ``POST /v1/comparisons``: the validated request, its
status and progress, and in the end a ``Comparison`` or an error. The request is kept
as JSON so that a job interrupted by a crash can run again from it alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from api.models import ArticleItem, Comparison, Model

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
    stage: Literal["queued", "analyze", "align", "brief", "done"] = "queued"
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
