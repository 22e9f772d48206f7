"""Settings, read once from ``PARALLAX_*`` environment variables.

Every variable is listed in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARALLAX_", extra="ignore")

    engine: Literal["offline", "llm"] = Field("offline", description="Default engine.")
    max_words: int = Field(75, ge=10, le=2000, description="Word budget of the brief.")
    summary_max_words: int = Field(60, ge=10, le=2000, description="Per-article summary budget.")
    max_article_bytes: int = Field(
        2_000_000, ge=1, description="Largest accepted article file or body, in bytes."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
