"""The rules' answer to "does article X state claim c?", from c's best passage in X.

Three answers, and silence:

- **states**: the passage holds at least ``STATES`` of c's weight and lacks no term
  rarer than ``RARE_MISSING``: the rare words are what tell one fact from another ("two
  articles of impeachment", "permanently bans"), so one of them missing means the detail
  is not there, however much else matches. c must also carry ``MIN_WEIGHT`` of content,
  so that a fragment ("House Democrats are") asserts nothing by sharing a name; a
  fragment of a sentence the other article repeats word for word is stated there;
- **contradicts**: it would state c, but gives a figure or date that cannot also be
  true, denies what c asserts, or puts c's words in another mouth
  (api.align.decide.conflict_kind);
- **absent**: no sentence of X holds more than ``support.ABSENT`` of c, nor more than
  ``support.ABSENT_WEIGHT`` of its weight, and the search was exhaustive
  (api.align.support);
- nothing (``None``): the rules cannot tell. The engine's judge is asked; the offline
  engine answers ``unsure``, and the claim asserts nothing about X.

Every threshold is a global choice made once on labelled real coverage
(``bench/coverage.py``), never per event.
"""

from __future__ import annotations

from api.align.support import ABSENT, ABSENT_WEIGHT, Passage, Support
from api.align.types import Relation
from api.models import Claim

STATES = 0.72
RARE_MISSING = 2.5
MIN_WEIGHT = 2.0


def rule(claim: Claim, passage: Passage, support: Support) -> Relation | None:
    """The rules' relation of ``passage`` to ``claim``, or None when they cannot tell."""
    if (
        passage.sentence is not None
        and passage.sentence.text_id == support.sentence_of(claim).text_id
    ):
        return Relation.states  # the same sentence, word for word: the same statement
    if passage.sentence is None or (passage.found <= ABSENT and passage.weight <= ABSENT_WEIGHT):
        return Relation.absent if support.exhaustive(claim) else None
    if (
        passage.found >= STATES
        and passage.missing <= RARE_MISSING
        and support.weight(claim) >= MIN_WEIGHT
    ):
        return Relation.states
    return None
