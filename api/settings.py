"""Settings, read once from ``PARALLAX_*`` environment variables.

Every variable is listed in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARALLAX_", extra="ignore")

    engine: Literal["offline", "llm"] = Field("offline", description="Default engine.")
    max_words: int = Field(75, ge=10, le=2000, description="Word budget of the brief.")
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

    @field_validator("fetch_allowlist", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [entry.strip() for entry in value.split(",") if entry.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
