"""What alignment works on and decides: candidate pairs of claims and the verdict on each.

Blocking (api.align.blocking) proposes pairs, the rules (api.align.decide) or an engine's
judge give each a verdict, and clustering (api.align.clustering) turns the decisions
into rows. Engines import these types; nothing here knows about engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from api.models import Claim


class Relation(StrEnum):
    same = "same"
    conflict = "conflict"
    unrelated = "unrelated"


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """Two claims from different articles that blocking found worth a look."""

    a: Claim
    b: Claim
    similarity: float


@dataclass(frozen=True, slots=True)
class Verdict:
    relation: Relation
    reason: str = ""
