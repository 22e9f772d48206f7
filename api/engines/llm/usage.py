"""What one engine run has spent, counted as calls come back."""

from __future__ import annotations

from api.models import Usage
from api.settings import Price


class Meter:
    """Running totals (a mutable :class:`~api.models.Usage`) plus the model's price."""

    def __init__(self, price: Price | None = None) -> None:
        self.price = price
        self.totals = Usage()

    def call(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.totals.llm_calls += 1
        self.totals.prompt_tokens += prompt_tokens
        self.totals.completion_tokens += completion_tokens

    def snapshot(self) -> Usage:
        cost = None
        if self.price is not None:
            spent = (
                self.totals.prompt_tokens * self.price.input
                + self.totals.completion_tokens * self.price.output
            )
            cost = round(spent / 1_000_000, 6)
        return self.totals.model_copy(update={"cost_usd": cost})
