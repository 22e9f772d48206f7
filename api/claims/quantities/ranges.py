"""Ranges: "between 10,000 and 12,000 troops", "10 to 12 percent" become one quantity.

"X to Y" after a change ("from 10 to 12", "fell by 20,000 to 1.5 million", "up 3 to
40") is a change and a level, not a range: it stays two figures, so an outlet that
changes either one conflicts with the other outlets.
"""

from __future__ import annotations

import re

from api.claims.quantities.text import behind, rev
from api.models import Qualifier, Quantity, QuantityKind

_RANGE_GAP = re.compile(r"\s*(?:(?P<w>to|and|or)\s+|[-–—]\s*)\Z", re.IGNORECASE)
_BETWEEN = re.compile(r"(?<![^\W\d_])between\s+\Z", re.IGNORECASE)
_FROM = re.compile(r"(?<![^\W\d_])from\s+\Z", re.IGNORECASE)
# A reported change right before the first figure, optionally with "by": "fell by",
# "rose", "up", "down by". Past tense and third person only: "cut by 5 to 10 percent"
# and "expected to rise 5 to 10 percent" are ranges of a change still to come.
_CHANGE_BEFORE = behind(
    r"\s+(?:yb\s+)?(?:{})",
    "rose|risen|rises|fell|fallen|falls|increased|increases|decreased|decreases|dropped"
    "|drops|climbed|climbs|jumped|jumps|gained|gains|declined|declines|grew|grown|grows"
    "|shrank|shrunk|shrinks|slipped|slips|slid|slides|surged|surges|soared|soars"
    "|plunged|plunges|tumbled|tumbles|sank|sinks|dipped|dips|up|down",
)


def merge_ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "between 10,000 and 12,000 troops", "10 to 12 percent": one quantity whose
    floor is the lower end (``at_least``), so a range never yields a false conflict
    against a figure inside it."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        a = found[i]
        if i + 1 < len(found):
            b = found[i + 1]
            merged = _range(text, a, b)
            if merged is not None and (not out or merged.start >= out[-1].end):
                out.append(merged)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _range(text: str, a: Quantity, b: Quantity) -> Quantity | None:
    if QuantityKind.date in (a.kind, b.kind) or a.value is None or b.value is None:
        return None
    if a.qualifier is not Qualifier.exact or b.qualifier is not Qualifier.exact:
        return None
    if a.kind is not b.kind and a.kind is not QuantityKind.number:
        return None
    gm = _RANGE_GAP.match(text[a.end : b.start])
    if gm is None:
        return None
    before = text[max(0, a.start - 12) : a.start]
    word = (gm.group("w") or "").lower()
    start = a.start
    if word == "and":
        bm = _BETWEEN.search(before)
        if bm is None:
            return None
        start = a.start - len(before) + bm.start()
    elif _FROM.search(before) or _BETWEEN.search(before):
        return None  # "from 10 to 12" is a change, not a range
    elif _CHANGE_BEFORE.match(rev(text, 0, a.start, 24)):
        return None  # "fell by 20,000 to 1.5 million": a change and a level
    if a.kind is b.kind and a.unit is not None and b.unit is not None and a.unit != b.unit:
        return None
    return Quantity(
        text=text[start : b.end],
        kind=b.kind,
        value=min(a.value, b.value),
        unit=b.unit if b.unit is not None else a.unit,
        date=None,
        qualifier=Qualifier.at_least,
        start=start,
        end=b.end,
    )
