"""Comparing and showing quantities: :func:`compatible` and :func:`display`."""

from __future__ import annotations

import calendar
import math
import re

from api.claims.quantities.dates import date_parts
from api.claims.quantities.extract import QUALIFIER_KIND
from api.claims.quantities.money import CURRENCY_SYMBOL
from api.claims.quantities.precision import tolerance
from api.claims.quantities.suffixes import DAYS_PER
from api.claims.quantities.units import plural
from api.models import Qualifier, Quantity, QuantityKind


def compatible(a: Quantity, b: Quantity) -> bool | None:
    """Whether ``a`` and ``b`` can both be true.

    Qualifiers give intervals: exact X is [X, X], approx X is [0.9X, 1.1X], at_least X
    is [X, inf), at_most X is [0, X], just_under X ("nearly") is [0.9X, X] and
    just_over X is [X, 1.1X]; the two are compatible when either figure lies in the
    other's interval, within a tolerance (:func:`tolerance`). Durations in different
    units are compared in days, as approximate figures.

    ``None`` when they are not about the same thing (different kinds, different units,
    a counted noun on one side only, dates without a common field, or dates too
    relative or coarse to tell: a weekday, a month alone that names another month).
    """
    if a.kind is not b.kind:
        return None
    if a.kind is QuantityKind.date:
        return _dates_compatible(a.date, b.date)
    if a.value is None or b.value is None:
        return None
    va, vb = a.value, b.value
    scale_a = scale_b = 1.0
    qa, qb = a.qualifier, b.qualifier
    if a.kind is QuantityKind.duration and a.unit != b.unit:
        da, db = DAYS_PER.get(a.unit or ""), DAYS_PER.get(b.unit or "")
        if da is None or db is None:
            return None
        # "three months" vs "90 days": units of different size are never exact.
        va, vb = va * da, vb * db
        scale_a, scale_b = da, db
        qa = Qualifier.approx if qa is Qualifier.exact else qa
        qb = Qualifier.approx if qb is Qualifier.exact else qb
    elif a.unit != b.unit:
        return None
    # Compatible when either stated figure is admissible under the other's qualifier:
    # "at least 17" admits 17, "about 10,000" admits 10,500, but "about 10,000" and
    # "about 12,000" do not admit each other.
    tol = tolerance(a, b, scale_a, scale_b)
    if _same_bound(a, b):
        return abs(va - vb) <= tol
    lo_a, hi_a = _interval(va, qa)
    lo_b, hi_b = _interval(vb, qb)
    return lo_b - tol <= va <= hi_b + tol or lo_a - tol <= vb <= hi_a + tol


def _same_bound(a: Quantity, b: Quantity) -> bool:
    """Both figures are stated floors (or both ceilings), in one unit.

    Two outlets that give "more than 9,000" and "more than 13,500" for one count
    each say where the count stands, and they disagree, though both floors could
    hold. Vague floors ("hundreds", "more than a dozen") and ranges keep the
    interval test: "hundreds" and "more than 300" agree.
    """
    if a.qualifier is not b.qualifier or a.unit != b.unit:
        return False
    if a.qualifier not in (Qualifier.at_least, Qualifier.at_most):
        return False
    return _stated_bound(a) and _stated_bound(b)


# A bound stated with a qualifier phrase: "more than 9,000", "up to six months".
_BOUND = re.compile(
    r"(?:"
    + "|".join(
        sorted(
            (
                re.escape(p).replace(r"\ ", r"\s+")
                for p, k in QUALIFIER_KIND.items()
                if k in (Qualifier.at_least, Qualifier.at_most)
            ),
            key=len,
            reverse=True,
        )
    )
    + r")\s",
    re.IGNORECASE,
)
# Amounts that are loose even after a qualifier: "more than a dozen", "over half a
# million", "more than a decade".
_LOOSE = re.compile(r"\b(?:dozens?|several|few|many|half|a\s+(?:decade|century))\b", re.I)


def _stated_bound(q: Quantity) -> bool:
    """A floor or ceiling stated with a qualifier phrase and a definite figure, as
    opposed to a vague amount ("hundreds") or a range ("10 to 12"), which are also
    floors but say nothing about where the count stands."""
    return _BOUND.match(q.text) is not None and _LOOSE.search(q.text) is None


def _interval(value: float, qualifier: Qualifier) -> tuple[float, float]:
    if qualifier is Qualifier.approx:
        lo, hi = value * 0.9, value * 1.1
        return (min(lo, hi), max(lo, hi))
    if qualifier is Qualifier.at_least:
        return (value, math.inf)
    if qualifier is Qualifier.at_most:
        return (min(0.0, value), value)
    if qualifier is Qualifier.just_under:
        return (min(value * 0.9, value), max(value * 0.9, value))
    if qualifier is Qualifier.just_over:
        return (min(value * 1.1, value), max(value * 1.1, value))
    return (value, value)


def _dates_compatible(a: str | None, b: str | None) -> bool | None:
    if a is None or b is None:
        return None
    pa, pb = date_parts(a), date_parts(b)
    if isinstance(pa, str) or isinstance(pb, str):
        # A weekday is relative to the day an outlet published: "Saturday" in one and
        # "Sunday" in another are often the same day.
        return None
    if pa is None or pb is None:
        return None
    if _month_alone(pa) or _month_alone(pb):
        # A month alone is relative too ("in November" of which year?) and outlets
        # name months for background ("stripped of her committee seats in February"
        # beside "introduced on April 1"): it may agree, never conflict.
        return True if pa[1] == pb[1] else None
    shared = [(x, y) for x, y in zip(pa, pb, strict=True) if x is not None and y is not None]
    if not shared:
        return None
    return all(x == y for x, y in shared)


def _month_alone(parts: tuple[int | None, int | None, int | None]) -> bool:
    return parts[0] is None and parts[1] is not None and parts[2] is None


_QUALIFIER_WORD = {
    Qualifier.exact: "",
    Qualifier.approx: "about ",
    Qualifier.at_least: "at least ",
    Qualifier.at_most: "at most ",
    Qualifier.just_under: "nearly ",
    Qualifier.just_over: "just over ",
}


def display(q: Quantity) -> str:
    """Short human form: "10,000 soldiers", "about 10,000", "7 months", "2025-02"."""
    if q.kind is QuantityKind.date:
        return _display_date(q)
    if q.value is None:
        return q.text
    prefix = _QUALIFIER_WORD[q.qualifier]
    number = _format_number(q.value)
    if q.kind is QuantityKind.money:
        symbol = CURRENCY_SYMBOL.get(q.unit or "")
        body = f"{symbol}{number}" if symbol else f"{number} {q.unit or ''}".strip()
    elif q.kind is QuantityKind.percent:
        if q.unit == "point":
            body = f"{number} percentage point" + ("" if q.value == 1 else "s")
        else:
            body = f"{number}%" + (f" of {plural(q.unit, 2)}" if q.unit else "")
    elif q.unit is not None and q.unit.endswith("-old"):
        body = f"{number}-{q.unit}"
    elif q.unit is not None:
        body = f"{number} {plural(q.unit, q.value)}"
    else:
        body = number
    return prefix + body


def _format_number(value: float) -> str:
    for size, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            scaled = value / size
            if abs(scaled * 100 - round(scaled * 100)) < 1e-6:
                return f"{_plain(scaled)} {name}"
            break
    return _plain(value)


def _plain(value: float) -> str:
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _display_date(q: Quantity) -> str:
    iso = q.date or q.text
    parts = date_parts(iso)
    prefix = "around " if q.qualifier is Qualifier.approx else ""
    if isinstance(parts, str):
        return prefix + parts.capitalize()
    if parts is not None and parts[0] is None and parts[1] is not None:
        month = calendar.month_name[parts[1]]
        return prefix + (f"{month} {parts[2]}" if parts[2] is not None else month)
    return prefix + iso
