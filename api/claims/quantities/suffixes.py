"""What follows a figure and sets its kind: a percent sign or word, a duration unit
("seven months", "seven-month-long", "three-year-old"), or a currency word."""

from __future__ import annotations

import re

from api.claims.quantities.money import CURRENCY_AFTER, CURRENCY_WORDS
from api.claims.quantities.numbers import Figure
from api.claims.quantities.text import fold
from api.models import QuantityKind

# Duration units, normalized; decades and centuries become years.
_DURATION_UNITS = {
    "second": ("second", 1.0),
    "minute": ("minute", 1.0),
    "hour": ("hour", 1.0),
    "day": ("day", 1.0),
    "week": ("week", 1.0),
    "month": ("month", 1.0),
    "year": ("year", 1.0),
    "decade": ("year", 10.0),
    "century": ("year", 100.0),
}
DAYS_PER = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.436875,
    "year": 365.2425,
}
_PERCENT = re.compile(
    r"(?P<sym>\s?%)|(?:\s+|[-‐])(?i:percent|per\s+cent|pct)\b"
    r"|(?P<pts>\s+(?i:percentage[\s-]+points?)\b)"
)
_PERCENT_POINTS = re.compile(r"\s+(?i:percentage\s+)?points?\b")
_DURATION = re.compile(
    r"(?:\s+|[-‐‑])(?P<u>(?i:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?"
    r"|century|centuries))\b(?P<long>[-‐‑](?i:long)\b)?(?P<old>[-‐‑\s]+(?i:old)\b)?"
)


def read_suffix(
    text: str, e: int, hi: int, fig: Figure
) -> tuple[QuantityKind, float, str | None, int, str | None] | None:
    """Percent, duration or currency word after the figure:
    (kind, value, unit, new end, currency)."""
    value = fig.value
    if not fig.vague:
        pm = _PERCENT.match(text, e, hi)
        if pm is not None:
            end = pm.end()
            unit = None
            if pm.group("pts"):
                unit = "point"
            else:
                ptm = _PERCENT_POINTS.match(text, end, hi)
                if ptm is not None and "percentage" in ptm.group().lower():
                    unit, end = "point", ptm.end()
            return QuantityKind.percent, value, unit, end, None
        dm = _DURATION.match(text, e, hi)
        if dm is not None and fig.currency is None:
            raw = fold(dm.group("u"))
            base = "century" if raw.startswith("centur") else raw.rstrip("s")
            if base not in _DURATION_UNITS:
                return None
            unit, factor = _DURATION_UNITS[base]
            end = dm.end("long") if dm.group("long") else dm.end("u")
            if dm.group("old"):
                if dm.group("long"):
                    return None
                return QuantityKind.number, value, f"{base}-old", dm.end("old"), None
            if fig.single_one and base == "day":
                return None  # "one day" is usually the idiom
            return QuantityKind.duration, value * factor, unit, end, None
    cm = CURRENCY_AFTER.match(text, e, hi)
    if cm is not None and (fig.countable or not cm.group().lstrip().lower().startswith("of")):
        word = cm.group("w")
        code = CURRENCY_WORDS.get(" ".join(fold(word).split()), word.upper())
        return QuantityKind.money, value, code, cm.end(), code
    return None
