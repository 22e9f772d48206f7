"""Settings, read once from ``PARALLAX_*`` environment variables.

Every variable is listed in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARALLAX_", extra="ignore")

    engine: Literal["offline", "llm"] = Field("offline", description="Default engine.")
    max_words: int = Field(75, ge=10, le=2000, description="Word budget of the brief.")
    summary_max_words: int = Field(60, ge=10, le=2000, description="Per-article summary budget.")
    max_article_bytes: int = Field(
        2_000_000, ge=1, description="Largest accepted article file or body, in bytes."
    )
    # The HTTP service (api.http, api.jobs).
    db_path: Path = Field(Path("parallax.db"), description="SQLite file of comparison jobs.")
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
    job_workers: int = Field(4, ge=1, le=64, description="Comparison jobs run at once.")
    cpu_threads: int = Field(
        2, ge=1, le=64, description="Worker threads of the service's CPU-bound steps."
    )

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        # An environment variable holds a comma-separated list, not JSON.
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
