"""What one engine run has spent, counted as calls come back."""

from __future__ import annotations

from dataclasses import dataclass

from api.models import Usage
from api.settings import Price


@dataclass(slots=True)
class Meter:
    price: Price | None = None
    llm_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    dropped_ungrounded: int = 0

    def call(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.llm_calls += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens

    def snapshot(self) -> Usage:
        cost = None
        if self.price is not None:
            cost = round(
                (self.prompt_tokens * self.price.input + self.completion_tokens * self.price.output)
                / 1_000_000,
                6,
            )
        return Usage(
            llm_calls=self.llm_calls,
            cached_calls=self.cached_calls,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            retries=self.retries,
            dropped_ungrounded=self.dropped_ungrounded,
            cost_usd=cost,
        )
