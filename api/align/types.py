"""What alignment asks and decides: does an article state a claim, and how.

Alignment asks, for a claim of one article and a passage of another (the sentence
that comes closest to it), whether the passage *states* the claim: its content is
contained in what the passage says, however worded. The question is directional: a
broader passage ("the court left the law in place") does not state a narrower claim
("the justices did not comment"). The rules (api.align) answer what they are sure
of; an engine's judge answers the rest. Engines import these types; nothing here
knows about engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from api.models import Claim


class Relation(StrEnum):
    """What the passage does with the claim."""

    states = "states"  # it states the claim's fact (a vaguer figure that fits counts)
    contradicts = "contradicts"  # the same fact with a detail that cannot also be true
    absent = "absent"  # it does not state the fact (it may share a topic or a name)
    unsure = "unsure"  # the evidence does not settle it: nothing is said either way


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """A claim (``a``) and a passage of another article (``b``) worth asking about.

    ``b`` is a claim-shaped span of the other article: a sentence, or one claim of it.
    ``similarity`` is the rules' score that ``b`` states ``a``, in [0, 1].
    """

    a: Claim
    b: Claim
    similarity: float


@dataclass(frozen=True, slots=True)
class Verdict:
    relation: Relation
    reason: str = ""
