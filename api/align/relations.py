"""What every other article does with each claim, kept once per distinct context.

Outlets reprint wire copy: in a large comparison the same quote, in the same sentence,
stands in many articles, and its relations to the other articles are the same for each
of its claims (only its own article differs). So the table is keyed by that context
(``Support.context``), and a claim reads it for every article but its own. An
article with no passage for the quote at all states none of it when the search was
exhaustive (api.align.support); otherwise nothing is said of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from api.align.support import Context, Support
from api.align.types import Relation
from api.models import Claim

STATED = (Relation.states, Relation.contradicts)


class Relations:
    def __init__(
        self,
        table: Mapping[Context, Mapping[str, Relation]],
        support: Support,
        article_order: Mapping[str, int],
    ) -> None:
        self._table = table
        self._support = support
        self._stating: dict[Context, tuple[str, ...]] = {
            context: tuple(
                sorted((x for x, r in row.items() if r in STATED), key=article_order.__getitem__)
            )
            for context, row in table.items()
        }

    def of(self, claim: Claim, article_id: str) -> Relation | None:
        """What ``article_id`` does with ``claim`` (None: nothing is said)."""
        found = self._table.get(self._support.context(claim), {}).get(article_id)
        if found is not None:
            return found
        if article_id not in self._support.passages(claim) and self._support.exhaustive(claim):
            return Relation.absent
        return None

    def stating(self, claim: Claim) -> list[str]:
        """The other articles that state ``claim`` (or contradict it), in order."""
        return [
            x for x in self._stating.get(self._support.context(claim), ()) if x != claim.article_id
        ]

    def absent_everywhere(self, claim: Claim) -> bool:
        """Every other article states none of ``claim``."""
        row = self._table.get(self._support.context(claim), {})
        return self._support.exhaustive(claim) and all(
            row.get(x) is Relation.absent
            for x in self._support.passages(claim)
            if x != claim.article_id
        )

    def absent_in(self, claim: Claim, article_ids: Sequence[str]) -> list[str]:
        return [x for x in article_ids if self.of(claim, x) is Relation.absent]
