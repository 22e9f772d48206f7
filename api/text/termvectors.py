"""Idf-weighted term vectors of the claims of one comparison.

Both blocking (which claims share selective terms) and pair scoring (how much two
claims' words overlap) read them, so they are built once per comparison.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from api.models import Claim
from api.text.terms import content_terms


@dataclass(frozen=True, slots=True)
class TermVectors:
    """Binary, idf-weighted term vectors of a batch of claims."""

    terms: list[frozenset[str]]
    weights: dict[str, float]  # idf squared, per term
    norms: list[float]
    df: dict[str, int]

    def cosine(self, i: int, j: int) -> float:
        if not self.norms[i] or not self.norms[j]:
            return 0.0
        # fsum is exactly rounded, so the result does not depend on set order (which
        # changes with PYTHONHASHSEED) and ties at a cut-off break the same way.
        dot = math.fsum(map(self.weights.__getitem__, self.terms[i] & self.terms[j]))
        return dot / (self.norms[i] * self.norms[j])


def vectorize(claims: Sequence[Claim]) -> TermVectors:
    terms = [frozenset(content_terms(c.text)) for c in claims]
    df: dict[str, int] = defaultdict(int)
    for ts in terms:
        for t in ts:
            df[t] += 1
    n = max(len(claims), 1)
    weights = {t: math.log(1.0 + n / d) ** 2 for t, d in df.items()}
    norms = [math.sqrt(math.fsum(weights[t] for t in ts)) for ts in terms]
    return TermVectors(terms, weights, norms, dict(df))
