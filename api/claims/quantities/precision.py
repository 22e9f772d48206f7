"""How precisely a figure is written, and so how far apart two figures may be and
still state the same value.

A flat relative tolerance is wrong both ways: 0.5% lets "1,861.81" match "1,861.82"
(a different closing figure), while "266,000" must still match "266,123" (a rounded
figure). The written precision tells them apart: "1,861.81" is stated to 0.01,
"266,000" only to 1,000.
"""

from __future__ import annotations

import re

from api.models import Qualifier, Quantity

# The relative tolerance for figures whose precision cannot be read ("ten thousand").
RELATIVE = 0.005
# How far a figure rounded more coarsely than the other may be from it: a headline
# rounds "3.1 million" to "3 million", but "$1 trillion" for "$1.2 trillion" is another
# figure (a gold conflict), though both round to one significant digit alike.
ROUNDED = 0.05

_DIGIT_RUN = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")


def step(q: Quantity) -> float | None:
    """The unit of the last significant digit as written, in the units of ``q.value``:
    "1,861.81" 0.01, "266,000" 1,000, "$1.2 trillion" 0.1 trillion.

    ``None`` when the figure is not written in digits exactly once (number words, a
    range "10 to 12"): its precision is unknown.
    """
    if q.value is None:
        return None
    runs = _DIGIT_RUN.findall(q.text)
    if len(runs) != 1:
        return None
    digits = runs[0].replace(",", "")
    if "." in digits:
        unit = 10.0 ** -len(digits.split(".", 1)[1])
    else:
        significant = digits.rstrip("0")
        unit = 10.0 ** (len(digits) - len(significant)) if significant else 1.0
    written = float(digits)
    # "$1.2 trillion", "3k", "two decades": the value is the written digits times a scale.
    scale = q.value / written if written else 1.0
    return abs(unit * scale)


def tolerance(a: Quantity, b: Quantity, scale_a: float = 1.0, scale_b: float = 1.0) -> float:
    """How far apart the values of ``a`` and ``b`` (each times its scale, e.g. days
    per unit) may be and still be the same figure.

    Written to the same precision, no more than half a step ("1,861.81" is not
    "1,861.82"), nor more than 0.5% of the larger. When one is rounded more coarsely,
    what its rounding can explain (half its step), up to ``ROUNDED`` of the larger, for
    two figures stated without qualifier:
    "3 million" is "3.1 million" rounded, "266,000" is "266,123" rounded."""
    if a.value is None or b.value is None:
        return 0.0
    va, vb = a.value * scale_a, b.value * scale_b
    larger = max(abs(va), abs(vb))
    sa, sb = step(a), step(b)
    if sa is None or sb is None:
        return RELATIVE * larger
    fine, coarse = sorted((sa * abs(scale_a), sb * abs(scale_b)))
    # A qualified figure ("almost 10,000") has its own range; rounding does not widen it.
    if coarse > fine and a.qualifier is b.qualifier is Qualifier.exact:
        return min(coarse / 2, ROUNDED * larger)
    return min(coarse / 2, RELATIVE * larger)
