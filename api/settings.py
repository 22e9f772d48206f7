"""Settings, read once from ``PARALLAX_*`` environment variables.

Every variable is listed in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from api.models import StructuredOutput


class Price(BaseModel):
    """US dollars per million tokens of one model."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)


def _default_cache_path() -> Path:
    # The user's cache folder (XDG on Linux), never the working directory.
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "parallax" / "llm-cache.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARALLAX_", extra="ignore")

    engine: Literal["offline", "llm"] = Field("offline", description="Default engine.")
    max_words: int = Field(75, ge=10, le=2000, description="Word budget of the brief.")
    alignment: Literal["sentences", "coverage"] = Field(
        "sentences",
        description="How claims are lined up: 'sentences' (the pair model over clause-level "
        "claims) or 'coverage' (experimental: atomic claims and directional support, every "
        "'reports', 'omits' and 'only in' a statement the rules are sure of; see "
        "docs/coverage.md).",
    )
    summary_max_words: int = Field(60, ge=10, le=2000, description="Per-article summary budget.")
    max_article_bytes: int = Field(
        2_000_000, ge=1, description="Largest accepted article file or body, in bytes."
    )
    fetch_timeout: float = Field(
        20.0, gt=0, le=600, description="Seconds a whole URL fetch may take, redirects included."
    )
    fetch_connect_timeout: float = Field(
        5.0, gt=0, le=600, description="Seconds to wait for one TCP/TLS connection."
    )
    fetch_max_redirects: int = Field(5, ge=0, le=20, description="Redirects followed per URL.")
    fetch_max_bytes: int = Field(
        5_000_000, ge=1, description="Largest fetched page body; the download stops past it."
    )
    fetch_user_agent: str = Field(
        "Parallax/0.1 (news article comparison; python-httpx)",
        min_length=1,
        description="User-Agent header of fetches.",
    )
    fetch_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated hosts ('cms.corp', '.corp') and networks "
        "('10.1.0.0/16') that may be fetched although they are not public.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "WARNING", description="Least severe log level written to standard error."
    )
    log_format: Literal["json", "text"] = Field(
        "text", description="Log lines as JSON objects or as readable text."
    )

    @field_validator("fetch_allowlist", "api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        # An environment variable holds a comma-separated list, not JSON.
        if isinstance(value, str):
            return [entry.strip() for entry in value.split(",") if entry.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    # The llm engine (api/engines/llm/engine.py). Any OpenAI-compatible endpoint.
    llm_base_url: str = Field("https://api.openai.com/v1", description="Endpoint base URL.")
    llm_model: str | None = Field(None, description="Model id; the llm engine needs one.")
    llm_api_key: str | None = Field(
        None,
        validation_alias=AliasChoices("PARALLAX_LLM_API_KEY", "OPENAI_API_KEY"),
        description="API key; PARALLAX_LLM_API_KEY, else OPENAI_API_KEY, else a dummy key.",
    )
    llm_context_window: int = Field(16_384, ge=512, description="Model context, in tokens.")
    llm_max_output_tokens: int = Field(
        2_048, ge=64, description="Largest reply asked for (max_tokens) per call."
    )
    llm_max_in_flight: int = Field(
        16, ge=1, description="Concurrent requests per process; with PostgreSQL, in all workers."
    )
    llm_tokens_per_minute: int = Field(
        2_000_000, ge=1_000, description="Prompt + max output tokens sent per minute."
    )
    llm_timeout_seconds: float = Field(60.0, gt=0, description="Timeout of one HTTP call.")
    llm_deadline_seconds: float = Field(
        600.0, gt=0, description="Overall deadline of one engine run (all calls)."
    )
    llm_max_attempts: int = Field(5, ge=1, le=20, description="Attempts per call (retry budget).")
    llm_retry_base_seconds: float = Field(0.5, ge=0, description="First backoff wait.")
    llm_retry_max_seconds: float = Field(
        20.0, ge=0, description="Cap on any backoff or Retry-After wait."
    )
    llm_structured_output: Literal["auto"] | StructuredOutput = Field(
        "auto",
        description="response_format: auto (negotiated per endpoint and model), or "
        "forced: json_schema, json_object_schema (the schema in response_format.schema, "
        "as llama-cpp-python reads it) or json_object (the schema in the instructions).",
    )
    llm_judge_batch_size: int = Field(
        20,
        ge=1,
        le=200,
        description="Candidate pairs per call; more when that many calls would not all be "
        "in flight at once (up to what the output budget holds).",
    )
    llm_prices: dict[str, Price] = Field(
        default_factory=dict,
        description='Price table, JSON: {"model": {"input": 0.15, "output": 0.6}} per 1M tokens.',
    )
    cache_path: Path = Field(
        default_factory=_default_cache_path, description="SQLite file of cached LLM replies."
    )
    cache: bool = Field(True, description="Use the LLM reply cache (--no-cache turns it off).")

    # The HTTP service (api.http, api.jobs).
    db_path: Path = Field(Path("parallax.db"), description="SQLite file of comparison jobs.")
    # With a PostgreSQL URL, jobs, results, idempotency keys and the LLM reply cache live
    # there, `parallax serve` only accepts and reads, and `parallax worker` runs the jobs.
    database_url: SecretStr | None = Field(
        None, description="postgresql://... URL; unset = everything in SQLite, as before."
    )
    db_pool_size: int = Field(10, ge=1, le=200, description="PostgreSQL connections per process.")
    db_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="Wait for a PostgreSQL connection before answering 503."
    )
    job_ttl_seconds: int = Field(
        7 * 24 * 3600, ge=0, description="Finished jobs and results are purged after this."
    )
    worker_concurrency: int = Field(4, ge=1, le=256, description="Jobs one worker runs at once.")
    worker_heartbeat_seconds: float = Field(
        10.0, gt=0, le=600, description="How often a worker tells the database it is alive."
    )
    worker_stalled_seconds: float = Field(
        30.0, gt=0, le=3600, description="Silence after which a worker's jobs run elsewhere."
    )
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Comma-separated Bearer keys; empty = no auth."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Comma-separated origins allowed by CORS ('*' = any)."
    )
    max_body_bytes: int = Field(10_000_000, ge=1, description="Largest accepted HTTP body.")
    max_articles: int = Field(100, ge=2, description="Most articles in one HTTP request.")
    max_request_tokens: int = Field(
        500_000, ge=1, description="Most article tokens (cl100k) in one HTTP request."
    )
    # A feed is a day's articles, not one event's: its caps are its own.
    max_feed_articles: int = Field(
        2_000, ge=2, description="Most articles in one POST /v1/stories (a feed)."
    )
    max_feed_tokens: int = Field(
        3_000_000, ge=1, description="Most article tokens (cl100k) in one feed."
    )
    max_feed_body_bytes: int = Field(
        60_000_000, ge=1, description="Largest accepted POST /v1/stories body."
    )
    job_workers: int = Field(4, ge=1, le=64, description="Comparison jobs run at once.")
    cpu_threads: int = Field(
        2, ge=1, le=64, description="Worker threads of the service's CPU-bound steps."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
